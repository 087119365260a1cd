package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/parser/ast"
)

// Error kinds, for errors.Is.
var (
	ErrUnknownTable  = errors.New("unknown table")
	ErrUnknownColumn = errors.New("unknown column")
	ErrUnknownModel  = errors.New("unknown model")
	ErrUnknownFunc   = errors.New("unknown function")
	ErrAmbiguous     = errors.New("ambiguous name")
	ErrType          = errors.New("type error")
	ErrInvalid       = errors.New("invalid statement")
	ErrExists        = catalog.ErrExists
	ErrUnsupported   = errors.New("not supported")
)

// Error is a bind or plan error at a position in the source.
type Error struct {
	Pos  ast.Pos
	Kind error
	Msg  string
}

// Error renders "file:line:col: message".
func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Unwrap returns the error kind.
func (e *Error) Unwrap() error { return e.Kind }

// Errorf builds an *Error.
func Errorf(pos ast.Pos, kind error, format string, args ...any) *Error {
	return &Error{Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// didYouMean formats suggestions as ` (did you mean "a"?)`.
func didYouMean(sugg []string) string {
	if len(sugg) == 0 {
		return ""
	}
	q := make([]string, len(sugg))
	for i, s := range sugg {
		q[i] = fmt.Sprintf("%q", s)
	}
	return " (did you mean " + strings.Join(q, " or ") + "?)"
}

// Suggest returns up to three candidates close to name, best first.
func Suggest(name string, candidates []string) []string { return catalog.Suggest(name, candidates) }
