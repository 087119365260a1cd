package parser

import "strings"

// Complete reports whether src holds at least one complete statement: a
// ';' outside strings, quoted identifiers and comments. A REPL reading a
// statement over several lines keeps reading until Complete is true.
// A lone ';' counts, so the prompt never waits after one; text after the
// last ';' is the caller's to keep or run.
func Complete(src string) bool {
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == ';':
			return true
		case src[i] == '\'' || src[i] == '"':
			end := strings.IndexByte(src[i+1:], src[i])
			if end < 0 {
				return false
			}
			i += end + 1 // a doubled quote is two adjacent quoted runs
		case strings.HasPrefix(src[i:], "--"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				return false
			}
			i += end
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return false
			}
			i += end + 3
		}
	}
	return false
}
