package main

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// varRef matches ${name}, and $${name}, which escapes it.
	varRef = regexp.MustCompile(`\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	// varName is what a variable may be called.
	varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// validName reports whether name may be a variable.
func validName(name string) bool { return varName.MatchString(name) }

// substitute replaces every ${name} in src by vars[name], and $${name}
// by a literal ${name}. A reference without a value is a usage error
// that names its position in file.
func substitute(file, src string, vars map[string]string) (string, error) {
	var b strings.Builder
	last := 0
	for _, m := range varRef.FindAllStringSubmatchIndex(src, -1) {
		b.WriteString(src[last:m[0]])
		last = m[1]
		ref, name := src[m[0]:m[1]], src[m[2]:m[3]]
		if strings.HasPrefix(ref, "$$") {
			b.WriteString(ref[1:])
			continue
		}
		v, ok := vars[name]
		if !ok {
			line, col := lineCol(src, m[0])
			where := fmt.Sprintf("%d:%d", line, col)
			if file != "" {
				where = file + ":" + where
			}
			return "", usagef("%s: no value for ${%s} (pass -v %s=value)", where, name, name)
		}
		b.WriteString(v)
	}
	b.WriteString(src[last:])
	return b.String(), nil
}

// lineCol converts a byte offset to a 1-based line and column (in
// characters).
func lineCol(src string, off int) (line, col int) {
	before := src[:off]
	line = strings.Count(before, "\n") + 1
	col = len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
	return line, col
}
