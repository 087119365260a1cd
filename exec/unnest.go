package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// unnestOp emits one row per list element: the input row's columns, then
// the element (a struct's fields as columns).
type unnestOp struct {
	input  Operator
	node   *planner.Unnest
	mem    memory.Allocator
	schema *arrow.Schema
}

func (o *unnestOp) Schema() *arrow.Schema { return o.schema }

func (o *unnestOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		b, err := o.input.Next(ctx)
		if err != nil {
			return nil, err
		}
		out, err := o.explode(ctx, b)
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

func (o *unnestOp) explode(ctx context.Context, b arrow.RecordBatch) (arrow.RecordBatch, error) {
	v, err := o.node.List.Eval(expr.NewBatch(b))
	if err != nil {
		return nil, err
	}
	list, ok := v.Arr.(*array.List)
	if !ok {
		return emptyRecord(o.mem, o.schema), nil
	}
	var rows, elems []int32
	for i := 0; i < list.Len(); i++ {
		if list.IsNull(i) {
			continue
		}
		s, e := list.ValueOffsets(i)
		for j := s; j < e; j++ {
			rows, elems = append(rows, int32(i)), append(elems, int32(j))
		}
	}
	ri, ei := indexArray(o.mem, rows), indexArray(o.mem, elems)
	defer ri.Release()
	defer ei.Release()
	left, err := takeColumns(ctx, o.mem, b, ri)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(left)
	values := list.ListValues()
	var parts []arrow.Array
	if st, ok := values.(*array.Struct); ok {
		for k := 0; k < st.NumField(); k++ {
			parts = append(parts, st.Field(k))
		}
	} else {
		parts = []arrow.Array{values}
	}
	elemRec := newRecord(arrow.NewSchema(fieldsOf(parts), nil), parts, int64(values.Len()))
	defer elemRec.Release()
	right, err := takeColumns(ctx, o.mem, elemRec, ei)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(right)
	return newRecord(o.schema, append(append([]arrow.Array{}, left...), right...), int64(len(rows))), nil
}

func fieldsOf(cols []arrow.Array) []arrow.Field {
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = arrow.Field{Name: "c", Type: c.DataType(), Nullable: true}
	}
	return fs
}

func (o *unnestOp) Close() error { return o.input.Close() }
