package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// createSegment runs the segment's query and stores its members with
// the definition and the time of computation.
func (e *Engine) createSegment(ctx context.Context, st *ast.CreateSegment, params []any, replace bool) (*Result, error) {
	if !replace {
		if s, err := e.cat.Segment(st.Name); err == nil {
			s.Release()
			return nil, planner.Errorf(st.At, planner.ErrExists, "segment %q already exists (use CREATE OR REPLACE SEGMENT)", st.Name)
		}
	}
	res, err := e.query(ctx, st.Query, params)
	if err != nil {
		return nil, err
	}
	members := catalog.NewTable(st.Name, res.Schema, res.Batches)
	res.Batches = nil
	defer members.Release()
	seg := &catalog.Segment{Name: st.Name, Definition: st.Source(), Members: members, ComputedAt: time.Now().UTC(), Model: modelOf(st.Query)}
	if err := e.cat.PutSegment(seg, true); err != nil {
		return nil, err
	}
	return &Result{Message: fmt.Sprintf("segment %s: %d members", st.Name, members.Rows)}, nil
}

// modelOf names the model a segment query reads, if any.
func modelOf(s *ast.Select) string {
	var find func(t ast.TableExpr) string
	find = func(t ast.TableExpr) string {
		switch t := t.(type) {
		case *ast.PredictTable:
			return t.Model
		case *ast.Join:
			if m := find(t.Left); m != "" {
				return m
			}
			return find(t.Right)
		case *ast.Subquery:
			if sel, ok := t.Query.(*ast.Select); ok {
				return modelOf(sel)
			}
			if pu, ok := t.Query.(*ast.PredictUsing); ok {
				return pu.Model
			}
		}
		return ""
	}
	if s.From == nil {
		return ""
	}
	return find(s.From)
}

// refreshSegment re-runs a segment's definition on the current data.
func (e *Engine) refreshSegment(ctx context.Context, st *ast.RefreshSegment, params []any) (*Result, error) {
	seg, err := e.cat.Segment(st.Name)
	if err != nil {
		return nil, notFound(st.At, err)
	}
	def := seg.Definition
	seg.Release()
	stmts, err := parser.Parse(st.Name, def)
	if err != nil || len(stmts) != 1 {
		return nil, planner.Errorf(st.At, ErrExecution, "segment %s has an unreadable definition: %v", st.Name, err)
	}
	cs, ok := stmts[0].(*ast.CreateSegment)
	if !ok {
		return nil, planner.Errorf(st.At, ErrExecution, "segment %s has an unexpected definition %q", st.Name, strings.SplitN(def, "\n", 2)[0])
	}
	cs.Name = seg.Name
	res, err := e.createSegment(ctx, cs, params, true)
	if err != nil {
		return nil, fmt.Errorf("refresh segment %s: %w", seg.Name, err)
	}
	return res, nil
}
