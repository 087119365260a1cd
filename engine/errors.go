package engine

import (
	"context"
	"errors"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// Error kinds raised while executing statements, for errors.Is. Bind
// errors use the planner's kinds; parse errors parser.ErrSyntax.
var (
	ErrExecution = errors.New("execution error")
	ErrCanceled  = errors.New("statement canceled")
	ErrFile      = errors.New("file error")
	ErrAccess    = errors.New("access denied")
)

// atPos attaches a statement position to an error that has none.
func atPos(pos ast.Pos, err error) error {
	if err == nil {
		return nil
	}
	// An error that already names its position is kept; one that merely
	// wraps a positioned error (say, from a model's stored definition)
	// gets the statement's position in front.
	switch err.(type) {
	case *planner.Error, *parser.Error:
		return err
	}
	var ee *expr.EvalError
	if errors.As(err, &ee) && ee.Line > 0 {
		pos = ast.Pos{File: pos.File, Line: ee.Line, Col: ee.Col}
	}
	kind := ErrExecution
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		kind = ErrCanceled
	}
	return &planner.Error{Pos: pos, Kind: &wrapped{kind: kind, err: err}, Msg: err.Error()}
}

// wrapped lets errors.Is match both the kind and the underlying error.
type wrapped struct {
	kind error
	err  error
}

func (w *wrapped) Error() string   { return w.err.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.kind, w.err} }
