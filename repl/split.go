package repl

import "strings"

// splitComplete splits src after its last ';' that is outside strings,
// quoted identifiers and comments: stmts holds the complete statements
// and rest what follows them. Without such a ';', stmts is empty.
func splitComplete(src string) (stmts, rest string) {
	end := 0
	scan(src, func(i int) {
		if src[i] == ';' {
			end = i + 1
		}
	})
	return src[:end], src[end:]
}

// blank reports whether src holds nothing but white space and complete
// comments.
func blank(src string) bool {
	empty := true
	closed := scan(src, func(int) { empty = false })
	return empty && closed
}

// scan calls code with the offset of every byte of src outside comments
// and white space, except that a string or quoted identifier is reported
// once, at its opening quote. It returns false when src ends inside a
// string, a quoted identifier or a block comment.
func scan(src string, code func(i int)) (closed bool) {
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\'' || c == '"':
			code(i)
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return false
			}
			i += end + 1 // a doubled quote is two adjacent quoted runs
		case strings.HasPrefix(src[i:], "--"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				return true
			}
			i += end
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return false
			}
			i += end + 3
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			code(i)
		}
	}
	return true
}
