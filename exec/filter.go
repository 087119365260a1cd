package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
)

// filterOp keeps the rows where cond is TRUE (NULL counts as false).
type filterOp struct {
	input Operator
	cond  expr.Expr
	mem   memory.Allocator
}

func (o *filterOp) Schema() *arrow.Schema { return o.input.Schema() }

func (o *filterOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		b, err := o.input.Next(ctx)
		if err != nil {
			return nil, err
		}
		out, err := filterBatch(ctx, o.mem, b, o.cond)
		b.Release()
		if err != nil {
			return nil, err
		}
		if out.NumRows() == 0 {
			out.Release()
			continue
		}
		return out, nil
	}
}

func (o *filterOp) Close() error { return o.input.Close() }

// filterBatch returns the rows of b where cond is TRUE. The result is a
// new reference; b is not released.
func filterBatch(ctx context.Context, mem memory.Allocator, b arrow.RecordBatch, cond expr.Expr) (arrow.RecordBatch, error) {
	v, err := cond.Eval(expr.NewBatch(b))
	if err != nil {
		return nil, err
	}
	keep := 0
	for i := 0; i < v.Len; i++ {
		if v.B != nil && v.B[i] && !v.IsNull(i) {
			keep++
		}
	}
	if keep == v.Len {
		b.Retain()
		return b, nil
	}
	if keep == 0 {
		return emptyRecord(mem, b.Schema()), nil
	}
	mask := selectionMask(mem, v)
	defer mask.Release()
	return compute.FilterRecordBatch(compute.WithAllocator(ctx, mem), b, mask, compute.DefaultFilterOptions())
}

func selectionMask(mem memory.Allocator, v *expr.Vector) arrow.Array {
	mb := array.NewBooleanBuilder(mem)
	defer mb.Release()
	mb.Reserve(v.Len)
	for i := 0; i < v.Len; i++ {
		mb.UnsafeAppend(v.B != nil && v.B[i] && !v.IsNull(i))
	}
	return mb.NewArray()
}

// emptyColumns returns zero-length arrays for a schema. emptyRecord wraps
// them; the caller owns the result.
func emptyColumns(mem memory.Allocator, s *arrow.Schema) []arrow.Array {
	cols := make([]arrow.Array, s.NumFields())
	for i, f := range s.Fields() {
		b := array.NewBuilder(mem, f.Type)
		cols[i] = b.NewArray()
		b.Release()
	}
	return cols
}

func emptyRecord(mem memory.Allocator, s *arrow.Schema) arrow.RecordBatch {
	cols := emptyColumns(mem, s)
	defer releaseArrays(cols)
	return newRecord(s, cols, 0)
}
