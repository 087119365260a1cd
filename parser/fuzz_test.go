package parser

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cai-dev/cai/parser/ast"
)

// FuzzParse checks that no input makes Parse panic (Parse turns a panic
// into an "internal parser error", which fails here), that every error is
// a positioned *Error, and that whatever parses survives a round trip
// through ast.Format. The seed corpus is every input in testdata/*.test
// plus testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, path := range testScripts(f) {
		cases, _ := readCases(f, path)
		for _, tc := range cases {
			f.Add(tc.input)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := Parse("", src)
		if err != nil {
			checkError(t, src, err)
			return
		}
		for _, s := range stmts {
			checkText(t, src, s)
			checkRoundTrip(t, "fuzz", s)
		}
	})
}

// checkError checks that err is a sane *Error for src.
func checkError(t *testing.T, src string, err error) {
	t.Helper()
	var perr *Error
	if !errors.As(err, &perr) || !errors.Is(err, ErrSyntax) {
		t.Fatalf("Parse(%q): error %T is not a *parser.Error", src, err)
	}
	if strings.Contains(perr.Msg, "internal parser error") {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	p := perr.Pos
	if p.Line < 1 || p.Col < 1 || p.Offset < 0 || p.Offset > len(src) {
		t.Fatalf("Parse(%q): error position %+v out of range", src, p)
	}
	if line, col := lineCol(src, p.Offset); line != p.Line || col != p.Col {
		t.Fatalf("Parse(%q): error at %d:%d but offset %d is %d:%d", src, p.Line, p.Col, p.Offset, line, col)
	}
}

// checkText checks that a statement's Text is the source at its position.
func checkText(t *testing.T, src string, s ast.Stmt) {
	t.Helper()
	off := s.Pos().Offset
	if !strings.HasPrefix(src[off:], s.Source()) || s.Source() != strings.TrimSpace(s.Source()) {
		t.Fatalf("Parse(%q): Text %q is not the source at offset %d", src, s.Source(), off)
	}
}

// lineCol computes the 1-based line and column (in runes) of offset.
func lineCol(src string, offset int) (int, int) {
	before := src[:offset]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}
