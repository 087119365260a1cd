package parser

import (
	"errors"
	"flag"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cai-dev/cai/parser/ast"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs of testdata/*.test")

// TestScripts runs testdata/*.test. Directives:
//
//	parse   the input parses; output: ast.Dump of each statement
//	format  the input parses; output: ast.Format of each statement, one a line
//	error   the input fails; output: the error
//
// Every statement that parses must also survive a round trip through
// ast.Format.
func TestScripts(t *testing.T) {
	for _, path := range testScripts(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cases, lines := readCases(t, path)
			actual := make([]string, len(cases))
			for i, tc := range cases {
				actual[i] = runCase(t, tc)
				if !*rewrite && actual[i] != tc.expected {
					t.Errorf("%s: %s\n%s\ngot:\n%s\nwant:\n%s", tc.pos, tc.directive, tc.input, actual[i], tc.expected)
				}
			}
			if *rewrite {
				rewriteCases(t, path, lines, cases, actual)
			}
		})
	}
}

func runCase(t *testing.T, tc *testCase) string {
	t.Helper()
	stmts, err := Parse(tc.args["file"], tc.input)
	switch tc.directive {
	case "parse", "format":
		if err != nil {
			return "unexpected error: " + err.Error()
		}
		var out []string
		for _, s := range stmts {
			checkRoundTrip(t, tc.pos, s)
			if tc.directive == "parse" {
				out = append(out, strings.TrimRight(ast.Dump(s), "\n"))
			} else {
				out = append(out, ast.Format(s))
			}
		}
		return strings.Join(out, "\n")
	case "error":
		if err == nil {
			return "no error"
		}
		var perr *Error
		if !errors.As(err, &perr) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: %T is not a *parser.Error wrapping ErrSyntax", tc.pos, err)
		}
		return err.Error()
	}
	t.Fatalf("%s: unknown directive %q", tc.pos, tc.directive)
	return ""
}

// checkRoundTrip checks that the canonical text of s parses to the same
// tree, and that printing is stable.
func checkRoundTrip(t testing.TB, where string, s ast.Stmt) {
	t.Helper()
	text := ast.Format(s)
	again, err := Parse("", text)
	if err != nil {
		t.Errorf("%s: Format output does not parse: %v\n%s", where, err, text)
		return
	}
	if len(again) != 1 {
		t.Errorf("%s: Format output holds %d statements:\n%s", where, len(again), text)
		return
	}
	if want, got := bareDump(s), bareDump(again[0]); want != got {
		t.Errorf("%s: round trip changed the tree\ntext: %s\nbefore:\n%s\nafter:\n%s", where, text, want, got)
	}
	if text2 := ast.Format(again[0]); text2 != text {
		t.Errorf("%s: Format is not stable:\n%s\n%s", where, text, text2)
	}
}

// bareDump is ast.Dump without the statement's own position and text.
func bareDump(s ast.Stmt) string {
	c := reflect.New(reflect.TypeOf(s).Elem())
	c.Elem().Set(reflect.ValueOf(s).Elem())
	c.Elem().FieldByName("StmtBase").Set(reflect.Zero(reflect.TypeOf(ast.StmtBase{})))
	return ast.Dump(c.Interface().(ast.Node))
}
