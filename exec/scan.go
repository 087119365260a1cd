package exec

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/planner"
)

// scanOp streams the batches of an in-memory table, projected to the
// columns the plan reads. Projection is free: the output batch shares the
// table's column arrays.
type scanOp struct {
	table  *catalog.Table
	cols   []int
	schema *arrow.Schema
	pos    int
	closed bool
}

func newScan(n *planner.Scan) *scanOp {
	n.Table.Retain()
	return &scanOp{table: n.Table, cols: n.Cols, schema: n.Schema().Arrow()}
}

func (o *scanOp) Schema() *arrow.Schema { return o.schema }

func (o *scanOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if o.closed || o.pos >= len(o.table.Batches) {
			return nil, io.EOF
		}
		b := o.table.Batches[o.pos]
		o.pos++
		if b.NumRows() == 0 {
			continue
		}
		cols := make([]arrow.Array, len(o.cols))
		for i, c := range o.cols {
			cols[i] = b.Column(c)
		}
		return newRecord(o.schema, cols, b.NumRows()), nil
	}
}

func (o *scanOp) Close() error {
	if !o.closed {
		o.closed = true
		o.table.Release()
	}
	return nil
}
