package parser

import (
	"io"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// baseLexer splits source text into raw tokens. It never fails: text that
// fits no real token becomes an Invalid or Unterminated* token, which
// tokenize reports with a clean message and position.
var baseLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `--[^\n]*|/\*(?s:.*?)\*/`},
	{Name: "UnterminatedComment", Pattern: `/\*`},
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "String", Pattern: `'(?:[^']|'')*'`},
	{Name: "UnterminatedString", Pattern: `'`},
	{Name: "QIdent", Pattern: `"(?:[^"]|"")*"`},
	{Name: "UnterminatedQIdent", Pattern: `"`},
	{Name: "Number", Pattern: `(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`},
	{Name: "Ident", Pattern: `[\p{L}_][\p{L}\p{N}_]*`},
	{Name: "Punct", Pattern: `<>|!=|<=|>=|\|\||[-+*/%=<>(),.;?]`},
	{Name: "Invalid", Pattern: `(?s).`},
})

// Token types. Keyword is not produced by baseLexer: tokenize retypes an
// Ident whose text is a reserved word, so that grammar rules capturing
// Ident never capture a reserved word.
var (
	symbols         = caiSymbols()
	tokComment      = symbols["Comment"]
	tokWhitespace   = symbols["Whitespace"]
	tokString       = symbols["String"]
	tokQIdent       = symbols["QIdent"]
	tokNumber       = symbols["Number"]
	tokIdent        = symbols["Ident"]
	tokPunct        = symbols["Punct"]
	tokKeyword      = symbols["Keyword"]
	tokInvalid      = symbols["Invalid"]
	tokUntermString = symbols["UnterminatedString"]
	tokUntermQIdent = symbols["UnterminatedQIdent"]
	tokUntermCommnt = symbols["UnterminatedComment"]
)

func caiSymbols() map[string]lexer.TokenType {
	out := map[string]lexer.TokenType{}
	least := lexer.EOF
	for name, t := range baseLexer.Symbols() {
		out[name] = t
		least = min(least, t)
	}
	out["Keyword"] = least - 1
	return out
}

// caiLexer is the lexer.Definition handed to participle: baseLexer plus
// the Keyword token type. Parse never calls Lex (it feeds participle the
// tokens of one statement at a time), but the definition is complete so
// that the grammar can also be driven through participle's own entry
// points.
type caiLexer struct{ syms map[string]lexer.TokenType }

func (l caiLexer) Symbols() map[string]lexer.TokenType { return l.syms }

func (caiLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	toks, err := lexAll(filename, string(src))
	if err != nil {
		return nil, err
	}
	var keep []lexer.Token
	for _, t := range toks {
		if t.Type != tokComment && t.Type != tokWhitespace {
			keep = append(keep, t)
		}
	}
	return &sliceLexer{toks: keep[:len(keep)-1], eof: keep[len(keep)-1]}, nil
}

// lexAll lexes src into tokens, retyping reserved words as Keyword. The
// last token is EOF.
func lexAll(file, src string) ([]lexer.Token, error) {
	lex, err := baseLexer.LexString(file, src)
	if err != nil {
		return nil, err
	}
	toks, err := lexer.ConsumeAll(lex)
	if err != nil {
		return nil, err
	}
	for i := range toks {
		if toks[i].Type == tokIdent && isReserved(toks[i].Value) {
			toks[i].Type = tokKeyword
		}
	}
	return toks, nil
}

// sliceLexer replays a fixed token slice, then EOF.
type sliceLexer struct {
	toks []lexer.Token
	eof  lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return l.eof, nil
	}
	l.i++
	return l.toks[l.i-1], nil
}

// statement is the significant tokens of one statement (comments and
// whitespace removed, without the closing ';') and the position where it
// ends: the ';' or the end of the input.
type statement struct {
	toks []lexer.Token
	end  lexer.Token // EOF-typed token positioned at the ';' or end of input
	semi bool        // end is a ';' rather than the end of input
}

// split lexes src and cuts the token stream at each ';'. Empty statements
// (";;", or a script of only comments) are dropped.
func split(file, src string) ([]statement, error) {
	toks, err := lexAll(file, src)
	if err != nil {
		return nil, err
	}
	var out []statement
	var cur []lexer.Token
	for _, t := range toks {
		switch {
		case t.Type == tokComment || t.Type == tokWhitespace:
			continue
		case t.EOF():
			if len(cur) > 0 {
				out = append(out, statement{toks: cur, end: lexer.EOFToken(t.Pos)})
			}
		case t.Type == tokPunct && t.Value == ";":
			if len(cur) > 0 {
				out = append(out, statement{toks: cur, end: lexer.EOFToken(t.Pos), semi: true})
			}
			cur = nil
		default:
			cur = append(cur, t)
		}
	}
	return out, nil
}

// badToken returns the index of the first token that is not valid
// lexically (an unterminated string, stray character, ...), or -1.
func badToken(toks []lexer.Token) int {
	for i, t := range toks {
		switch t.Type {
		case tokInvalid, tokUntermString, tokUntermQIdent, tokUntermCommnt:
			return i
		}
	}
	return -1
}

// lexMessage describes a token that badToken found.
func lexMessage(t lexer.Token) string {
	switch t.Type {
	case tokUntermString:
		return "unterminated string"
	case tokUntermQIdent:
		return "unterminated quoted identifier"
	case tokUntermCommnt:
		return "unterminated comment"
	}
	return "unexpected character " + quoteToken(t.Value)
}

// unquote strips the quotes of a 'string' or "identifier" token and undoes
// the doubled-quote escapes.
func unquote(s string) string {
	if len(s) < 2 {
		return s
	}
	q := s[:1]
	return strings.ReplaceAll(s[1:len(s)-1], q+q, q)
}

// tokenEnd is the byte offset just past t.
func tokenEnd(t lexer.Token) int { return t.Pos.Offset + len(t.Value) }
