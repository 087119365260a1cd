package parser

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cai-dev/cai/parser/ast"
)

// maxDepth bounds the nesting of parentheses and CASE ... END in one
// statement. The grammar recurses once per level; the bound keeps a
// hostile input from exhausting the stack, which no recover can catch.
const maxDepth = 200

// Parse parses a script of statements separated by ';' (the last ';' is
// optional). file names the source in positions and errors; it is empty
// for text typed at the prompt. Empty statements and a script of only
// comments yield no statements and no error.
//
// Any error is an *Error that wraps ErrSyntax and points at the offending
// token; Parse returns no statements with it.
func Parse(file, src string) (stmts []ast.Stmt, err error) {
	at := ast.Pos{File: file, Line: 1, Col: 1}
	defer func() {
		if r := recover(); r != nil {
			stmts, err = nil, &Error{Pos: at, Msg: fmt.Sprintf("internal parser error: %v", r)}
		}
	}()
	list, lexErr := split(file, src)
	if lexErr != nil {
		return nil, &Error{Pos: at, Msg: lexErr.Error()}
	}
	for _, st := range list {
		at = pos(st.toks[0].Pos)
		s, err := parseStatement(src, st)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

// parseStatement parses and converts one statement.
func parseStatement(src string, st statement) (ast.Stmt, error) {
	if bad := badToken(st.toks); bad >= 0 {
		return nil, lexicalError(st, bad)
	}
	if e := depthError(st.toks); e != nil {
		return nil, e
	}
	root, err := parseTokens(st.toks, st.end)
	if err != nil {
		return nil, syntaxError(st, err)
	}
	c := &converter{src: src}
	s := c.stmt(root.Stmt)
	if c.err != nil {
		return nil, c.err
	}
	numberParams(s)
	return s, nil
}

// lexicalError reports the bad token at index bad, unless the tokens
// before it already hold a syntax error, which then comes first.
func lexicalError(st statement, bad int) *Error {
	head := statement{toks: st.toks[:bad], end: lexer.EOFToken(st.toks[bad].Pos)}
	if bad > 0 {
		if _, err := parseTokens(head.toks, head.end); err != nil && errOffset(err) < head.end.Pos.Offset {
			return syntaxError(head, err)
		}
	}
	return &Error{Pos: pos(st.toks[bad].Pos), Msg: lexMessage(st.toks[bad])}
}

// depthError reports the token where nesting first exceeds maxDepth.
func depthError(toks []lexer.Token) *Error {
	depth := 0
	for _, t := range toks {
		depth += nestDelta(t)
		if depth > maxDepth {
			return &Error{Pos: pos(t.Pos), Msg: fmt.Sprintf("nested too deeply (more than %d levels)", maxDepth)}
		}
	}
	return nil
}

// nestDelta is +1 for a token that opens a nesting level, "(" or CASE,
// -1 for one that closes it, ")" or END, and 0 for others.
func nestDelta(t lexer.Token) int {
	switch {
	case t.Type == tokPunct && t.Value == "(", t.Type == tokKeyword && strings.EqualFold(t.Value, "CASE"):
		return 1
	case t.Type == tokPunct && t.Value == ")", t.Type == tokKeyword && strings.EqualFold(t.Value, "END"):
		return -1
	}
	return 0
}

// parseTokens runs the grammar over one statement's tokens. A panic in
// participle becomes an error at the first token.
func parseTokens(toks []lexer.Token, end lexer.Token) (root *gRoot, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("internal parser error: %v", r)
		}
	}()
	peek, err := lexer.Upgrade(&sliceLexer{toks: toks, eof: end})
	if err != nil {
		return nil, err
	}
	return grammar.ParseFromLexer(peek)
}

// numberParams numbers the ? placeholders of a statement 0, 1, 2, ... in
// order of appearance.
func numberParams(s ast.Stmt) {
	var params []*ast.Param
	ast.Walk(s, func(n ast.Node) bool {
		if p, ok := n.(*ast.Param); ok {
			params = append(params, p)
		}
		return true
	})
	slices.SortFunc(params, func(a, b *ast.Param) int { return a.At.Offset - b.At.Offset })
	for i, p := range params {
		p.Index = i
	}
}
