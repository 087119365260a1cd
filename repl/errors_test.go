package repl

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

func TestCaret(t *testing.T) {
	tests := []struct {
		name string
		src  string
		pos  ast.Pos
		want string // WriteError's output
	}{
		{"first column", "SELEC 1;", ast.Pos{Line: 1, Col: 1, Offset: 0},
			"1:1: boom\n  SELEC 1;\n  ^\n"},
		{"second line by offset", "SELECT\n  x FROM t;", ast.Pos{Line: 2, Col: 3, Offset: 9},
			"2:3: boom\n    x FROM t;\n    ^\n"},
		{"column without offset", "SELECT\n  x FROM t;", ast.Pos{Line: 2, Col: 5},
			"2:5: boom\n    x FROM t;\n      ^\n"},
		{"tabs are kept", "SELECT\n\t\tx;", ast.Pos{Line: 2, Col: 3, Offset: 9},
			"2:3: boom\n  \t\tx;\n  \t\t^\n"},
		{"wide characters", "SELECT '東京', y;", ast.Pos{Line: 1, Col: 14, Offset: 17},
			"1:14: boom\n  SELECT '東京', y;\n" + "  " + strings.Repeat(" ", 15) + "^\n"},
		{"runes counted without offset", "SELECT 'é', y;", ast.Pos{Line: 1, Col: 13},
			"1:13: boom\n  SELECT 'é', y;\n              ^\n"},
		{"line out of range", "SELECT 1;", ast.Pos{Line: 4, Col: 1},
			"4:1: boom\n"},
		{"column out of range", "SELECT 1;", ast.Pos{Line: 1, Col: 40},
			"1:40: boom\n"},
		{"carriage return", "SELECT 1,\r\n  z;", ast.Pos{Line: 2, Col: 3, Offset: 13},
			"2:3: boom\n    z;\n    ^\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, err := range []error{
				&parser.Error{Pos: tt.pos, Msg: "boom"},
				planner.Errorf(tt.pos, planner.ErrInvalid, "boom"),
			} {
				var out bytes.Buffer
				WriteError(&out, &Error{Src: tt.src, Err: fmt.Errorf("wrapped: %w", err)})
				want := "wrapped: " + tt.want
				if out.String() != want {
					t.Errorf("%T:\ngot\n%q\nwant\n%q", err, out.String(), want)
				}
			}
		})
	}
}

func TestWriteErrorWithoutPosition(t *testing.T) {
	var out bytes.Buffer
	WriteError(&out, &Error{Src: "SELECT 1;", Err: errors.New("disk full")})
	WriteError(&out, errors.New(`unknown command \x`))
	if want := "disk full\nunknown command \\x\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestSplitComplete(t *testing.T) {
	tests := []struct{ src, stmts, rest string }{
		{"SELECT 1", "", "SELECT 1"},
		{"SELECT 1;", "SELECT 1;", ""},
		{"SELECT 1; SELECT", "SELECT 1;", " SELECT"},
		{"SELECT ';'", "", "SELECT ';'"},
		{`SELECT "a;b"; x`, `SELECT "a;b";`, " x"},
		{"SELECT 1 -- ;\n", "", "SELECT 1 -- ;\n"},
		{"SELECT /* ; */ 1; -- done", "SELECT /* ; */ 1;", " -- done"},
		{"SELECT 'it''s'; ", "SELECT 'it''s';", " "},
	}
	for _, tt := range tests {
		stmts, rest := splitComplete(tt.src)
		if stmts != tt.stmts || rest != tt.rest {
			t.Errorf("splitComplete(%q) = %q, %q; want %q, %q", tt.src, stmts, rest, tt.stmts, tt.rest)
		}
	}
	for src, want := range map[string]bool{"": true, " \n\t": true, "-- x": true, "/* x */ -- y\n": true,
		"/* open": false, "x": false, "'": false, ";": false} {
		if got := blank(src); got != want {
			t.Errorf("blank(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	t.Setenv("CAI_HISTORY", "/tmp/h1")
	if got := historyFile(""); got != "/tmp/h1" {
		t.Errorf("$CAI_HISTORY: got %q", got)
	}
	if got := historyFile("/x/y"); got != "/x/y" {
		t.Errorf("explicit: got %q", got)
	}
	if got := historyFile("-"); got != "" {
		t.Errorf("-: got %q", got)
	}
	t.Setenv("CAI_HISTORY", "")
	t.Setenv("HOME", "/home/someone")
	if got := historyFile(""); got != "/home/someone/.cai_history" {
		t.Errorf("default: got %q", got)
	}
}
