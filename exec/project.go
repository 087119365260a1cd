package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// projectOp computes one expression per output column. Column references
// pass the input array through without copying.
type projectOp struct {
	input  Operator
	node   *planner.Project
	mem    memory.Allocator
	schema *arrow.Schema
}

func (o *projectOp) Schema() *arrow.Schema { return o.schema }

func (o *projectOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	b, err := o.input.Next(ctx)
	if err != nil {
		return nil, err
	}
	defer b.Release()
	cols, err := evalColumns(o.mem, b, o.node.Exprs)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(cols)
	return newRecord(o.schema, cols, b.NumRows()), nil
}

func (o *projectOp) Close() error { return o.input.Close() }

// evalColumns evaluates exprs over b into new array references.
func evalColumns(mem memory.Allocator, b arrow.RecordBatch, exprs []expr.Expr) ([]arrow.Array, error) {
	eb := expr.NewBatch(b)
	cols := make([]arrow.Array, len(exprs))
	for i, e := range exprs {
		if c, ok := e.(*expr.Col); ok && arrow.TypeEqual(b.Column(c.Idx).DataType(), c.T) {
			cols[i] = b.Column(c.Idx)
			cols[i].Retain()
			continue
		}
		v, err := e.Eval(eb)
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
		cols[i] = v.ToArrow(mem)
	}
	return cols, nil
}
