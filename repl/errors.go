package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/cai-dev/cai/engine"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// ErrQuit is returned by Session.Eval for \q.
var ErrQuit = errors.New("quit")

// Error is a statement error together with the source it came from, so
// that it can be drawn with a caret under the position it names.
type Error struct {
	// Src is the text that was run: one or more statements.
	Src string
	// Err is the engine's error.
	Err error
}

// Error returns the underlying error's message.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// WriteError prints err on one line, then, when it is an *Error with a
// position, the source line it points into and a caret under the
// column:
//
//	1:8: unknown column "evnt_type" (did you mean "event_type"?)
//	  SELECT evnt_type FROM events;
//	         ^
//
// A canceled statement prints "canceled".
func WriteError(w io.Writer, err error) {
	if errors.Is(err, engine.ErrCanceled) || errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "canceled")
		return
	}
	fmt.Fprintln(w, err)
	var se *Error
	if !errors.As(err, &se) {
		return
	}
	if pos, ok := Position(err); ok {
		if line, pad, ok := caret(se.Src, pos); ok {
			fmt.Fprintf(w, "  %s\n  %s^\n", line, pad)
		}
	}
}

// Position returns the source position an error carries: that of a
// syntax error (*parser.Error) or of a bind, plan or execution error
// (*planner.Error).
func Position(err error) (ast.Pos, bool) {
	var pe *parser.Error
	if errors.As(err, &pe) && pe.Pos.Line > 0 {
		return pe.Pos, true
	}
	var le *planner.Error
	if errors.As(err, &le) && le.Pos.Line > 0 {
		return le.Pos, true
	}
	return ast.Pos{}, false
}

// caret returns the source line pos points into (tabs kept) and the
// padding that puts a caret under pos's column. It trusts pos.Offset when
// it lies on pos.Line, else counts pos.Col in characters.
func caret(src string, pos ast.Pos) (line, pad string, ok bool) {
	lines := strings.Split(src, "\n")
	if pos.Line < 1 || pos.Line > len(lines) {
		return "", "", false
	}
	line = strings.TrimRight(lines[pos.Line-1], "\r")
	start := 0
	for _, l := range lines[:pos.Line-1] {
		start += len(l) + 1
	}
	var before string
	if off := pos.Offset - start; off >= 0 && off <= len(line) && pos.Offset > 0 {
		before = line[:off]
	} else {
		n := max(0, pos.Col-1)
		if n > utf8.RuneCountInString(line) {
			return "", "", false
		}
		before = string([]rune(line)[:n])
	}
	var b strings.Builder
	for _, r := range before {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", runewidth.RuneWidth(r)))
		}
	}
	return line, b.String(), true
}
