package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/exec"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// Options configure an Engine.
type Options struct {
	// Dir keeps tables, models and segments on disk; "" keeps them in
	// memory.
	Dir string
	// Mem allocates all Arrow memory; nil means memory.DefaultAllocator.
	Mem memory.Allocator
	// Progress, when set, receives progress of long steps (loading,
	// feature building, training epochs) as human-readable lines. The
	// command line sets it only on a terminal.
	Progress func(step string, done, total int64)
	// AllowedDirs, when not empty, confines every file the statements
	// read or write to these directories (after resolving symlinks and
	// "..").
	AllowedDirs []string
	// StatementTimeout, when positive, cancels a statement that runs
	// longer (the error matches ErrCanceled).
	StatementTimeout time.Duration
	// MemoryBudget, when positive, caps the Arrow memory the engine holds
	// (tables and running statements); a statement that would exceed it
	// fails with ErrMemoryBudget instead of the process being killed. Go
	// heap used by model training is not counted.
	MemoryBudget int64
	// AsOf is the session's AS OF time, which now() returns (a replayed
	// script sees the day it describes); zero means the wall clock.
	AsOf time.Time
}

// Engine executes statements against one catalog. It is safe for
// concurrent use.
type Engine struct {
	cat    *catalog.Catalog
	mem    memory.Allocator
	opts   Options
	budget *budgetAllocator // nil without a memory budget
	// predicted caches the last result of each model (predict_cache.go).
	predicted predictCache
}

// Open creates an engine and opens (or creates) its catalog.
func Open(opts Options) (*Engine, error) {
	if opts.Mem == nil {
		opts.Mem = memory.DefaultAllocator
	}
	var budget *budgetAllocator
	if opts.MemoryBudget > 0 {
		budget = &budgetAllocator{inner: opts.Mem, limit: opts.MemoryBudget}
		opts.Mem = budget
	}
	cat, err := catalog.Open(catalog.Options{Dir: opts.Dir, Mem: opts.Mem})
	if err != nil {
		return nil, err
	}
	e := &Engine{cat: cat, mem: opts.Mem, opts: opts, budget: budget}
	if opts.MemoryBudget > 0 {
		// cached results count against the budget: keep them to a quarter
		e.predicted.limit = min(predictCacheBytes, max(opts.MemoryBudget/4, 1))
	}
	return e, nil
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Mem returns the engine's allocator.
func (e *Engine) Mem() memory.Allocator { return e.mem }

// Close closes the catalog.
func (e *Engine) Close() error {
	e.predicted.clear()
	return e.cat.Close()
}

// Run parses src (file names positions) and executes its statements in
// order, calling emit with each statement's result; emit must Release it.
// It stops at the first error, which carries the failing statement's
// position.
func (e *Engine) Run(ctx context.Context, file, src string, params []any, emit func(*Result) error) error {
	stmts, err := parser.Parse(file, src)
	if err != nil {
		return err
	}
	if len(params) > 0 && len(stmts) > 0 {
		used := 0
		for _, st := range stmts {
			ast.Walk(st, func(n ast.Node) bool {
				if p, ok := n.(*ast.Param); ok && p.Index+1 > used {
					used = p.Index + 1
				}
				return true
			})
		}
		if used < len(params) {
			return planner.Errorf(stmts[0].Pos(), planner.ErrInvalid, "%d parameter values given, but the statements have only %d ? placeholders", len(params), used)
		}
	}
	for _, st := range stmts {
		if err := ctx.Err(); err != nil {
			return atPos(st.Pos(), err)
		}
		res, err := e.Exec(ctx, st, params)
		if err != nil {
			return err
		}
		if err := emit(res); err != nil {
			res.Release()
			return err
		}
	}
	return nil
}

// Exec executes one parsed statement.
func (e *Engine) Exec(ctx context.Context, st ast.Stmt, params []any) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, atPos(st.Pos(), fmt.Errorf("internal error: %v", r))
		}
	}()
	if e.opts.StatementTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.opts.StatementTimeout)
		defer cancel()
	}
	if e.budget != nil {
		var done func()
		ctx, done = e.budget.track(ctx)
		defer done()
	}
	res, err = e.exec(ctx, st, params)
	if err != nil {
		var be *budgetError
		if errors.As(context.Cause(ctx), &be) {
			err = be
		}
		return nil, atPos(st.Pos(), err)
	}
	res.Stmt = st.Source()
	return res, nil
}

func (e *Engine) exec(ctx context.Context, st ast.Stmt, params []any) (*Result, error) {
	switch st := st.(type) {
	case *ast.Select, *ast.Predict, *ast.PredictUsing:
		return e.query(ctx, st, params)
	case *ast.CreateTable:
		return e.createTable(ctx, st, params)
	case *ast.Copy:
		return e.copyTo(ctx, st, params)
	case *ast.Show:
		return e.show(st)
	case *ast.Describe:
		return e.describe(ctx, st)
	case *ast.Drop:
		return e.drop(st)
	case *ast.Explain:
		return e.explain(ctx, st, params)
	}
	return e.execPredictive(ctx, st, params)
}

func (e *Engine) binder(params []any) *planner.Binder {
	b := &planner.Binder{Cat: e.cat, Params: params, Ext: &extensions{e: e}}
	if !e.opts.AsOf.IsZero() {
		b.Now = e.opts.AsOf.UnixMicro()
	}
	return b
}

// query binds and runs a statement that yields rows.
func (e *Engine) query(ctx context.Context, st ast.Stmt, params []any) (*Result, error) {
	b := e.binder(params)
	defer b.Release()
	node, err := b.BindQuery(st)
	if err != nil {
		return nil, err
	}
	batches, err := e.run(ctx, node)
	if err != nil {
		return nil, err
	}
	return &Result{Schema: node.Schema().Arrow(), Batches: batches}, nil
}

// run executes a bound plan to completion.
func (e *Engine) run(ctx context.Context, node planner.Node) (bs []arrow.RecordBatch, err error) {
	op, err := exec.Build(node, e.mem)
	if err != nil {
		return nil, err
	}
	return exec.Collect(ctx, op)
}

// progress reports a long step if the options ask for it.
func (e *Engine) progress(step string, done, total int64) {
	if e.opts.Progress != nil {
		e.opts.Progress(step, done, total)
	}
}
