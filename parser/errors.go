package parser

import (
	"errors"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cai-dev/cai/parser/ast"
)

// ErrSyntax is the error every *Error wraps, so callers can tell a parse
// error from others with errors.Is(err, parser.ErrSyntax).
var ErrSyntax = errors.New("syntax error")

// Error is a parse error at a position in the source.
type Error struct {
	Pos ast.Pos
	Msg string
}

// Error renders "file:line:col: message", or "line:col: message" when the
// source has no file name.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap returns ErrSyntax.
func (e *Error) Unwrap() error { return ErrSyntax }

// syntaxError turns a participle error on st into an *Error that says what
// was found, what would have fitted there, and, where a bare word is close
// to a keyword that fits, which keyword was probably meant.
func syntaxError(st statement, err error) *Error {
	if errOffset(err) < 0 {
		return &Error{Pos: pos(st.toks[0].Pos), Msg: err.Error()}
	}
	k := errorIndex(st, err)
	if k < len(st.toks) && st.toks[k].Type == tokKeyword {
		if msg, ok := unsupported[strings.ToUpper(st.toks[k].Value)]; ok {
			return &Error{Pos: tokenPos(st, k), Msg: msg}
		}
	}
	if e := aliasTypo(st, k); e != nil {
		return e
	}
	fits := viable(st, k)
	msg := "unexpected " + describe(st, k)
	if k == 0 {
		msg += ", expected a statement"
	} else if list := expectedList(fits, false); list != "" {
		msg += ", expected " + list
	}
	if k < len(st.toks) {
		if kw := closestKeyword(st.toks[k], fits); kw != "" {
			msg += " (did you mean " + kw + "?)"
		}
	}
	return &Error{Pos: tokenPos(st, k), Msg: msg}
}

// unsupported explains the SQL that cai reserves words for but does not
// support.
var unsupported = map[string]string{
	"RIGHT":     "RIGHT JOIN is not supported: swap the tables and use LEFT JOIN",
	"FULL":      "FULL JOIN is not supported",
	"NATURAL":   "NATURAL JOIN is not supported: use JOIN ... ON",
	"UNION":     "UNION is not supported",
	"INTERSECT": "INTERSECT is not supported",
	"EXCEPT":    "EXCEPT is not supported",
}

// aliasTypo catches a misspelt keyword that the grammar took for a name,
// as in "FROM t WHER x = 1" where WHER became the alias of t and the error
// surfaced one token later. It returns nil unless respelling the word
// before token k as a keyword lets the parse get further.
func aliasTypo(st statement, k int) *Error {
	if k == 0 || st.toks[k-1].Type != tokIdent {
		return nil
	}
	word := st.toks[k-1]
	for _, kw := range closeKeywords(word.Value) {
		toks := append([]lexer.Token(nil), st.toks...)
		toks[k-1] = keywordToken(kw, word.Pos)
		_, err := parseTokens(toks, st.end)
		if err == nil || errorIndex(statement{toks: toks, end: st.end}, err) > k {
			fits := viable(st, k-1)
			msg := "unexpected " + describe(st, k-1)
			if list := expectedList(fits, true); list != "" {
				msg += ", expected " + list
			}
			msg += " (did you mean " + kw + "?)"
			return &Error{Pos: pos(word.Pos), Msg: msg}
		}
	}
	return nil
}

// errorIndex is the index in st.toks of the token a participle error
// points at; len(st.toks) for the end of the statement.
func errorIndex(st statement, err error) int {
	var perr interface{ Position() lexer.Position }
	if !errors.As(err, &perr) {
		return 0
	}
	off := perr.Position().Offset
	for i, t := range st.toks {
		if t.Pos.Offset >= off {
			return i
		}
	}
	return len(st.toks)
}

func tokenPos(st statement, k int) ast.Pos {
	if k < len(st.toks) {
		return pos(st.toks[k].Pos)
	}
	return pos(st.end.Pos)
}

// describe names token k for "unexpected ...".
func describe(st statement, k int) string {
	if k >= len(st.toks) {
		if st.semi {
			return `";"`
		}
		return "end of input"
	}
	t := st.toks[k]
	switch t.Type {
	case tokString:
		return "string " + shorten(t.Value)
	case tokQIdent:
		return "identifier " + shorten(t.Value)
	}
	return quoteToken(t.Value)
}

// quoteToken quotes a token's text for a message.
func quoteToken(s string) string { return strconv.Quote(shorten(s)) }

func shorten(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:21]) + "..."
	}
	return s
}

// expectedList renders the viable continuations for a message, or "" if
// there are none worth listing.
func expectedList(fits []string, dropIdent bool) string {
	labels := simplify(fits)
	if dropIdent {
		labels = remove(labels, "identifier")
	}
	switch n := len(labels); {
	case n == 0:
		return ""
	case n == 1:
		return labels[0]
	case n <= 6:
		return strings.Join(labels[:n-1], ", ") + " or " + labels[n-1]
	default:
		return strings.Join(labels[:6], ", ") + ", ..."
	}
}

func remove(labels []string, drop string) []string {
	out := labels[:0:0]
	for _, l := range labels {
		if l != drop {
			out = append(out, l)
		}
	}
	return out
}
