package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/planner"
)

// Operator is a pull-based producer of record batches; see the package
// documentation for ownership rules.
type Operator interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close() error
}

// BatchSize is the number of rows operators aim for in the batches they
// build.
const BatchSize = 64 * 1024

// Build turns a plan into an operator tree allocating from mem.
func Build(n planner.Node, mem memory.Allocator) (Operator, error) {
	switch n := n.(type) {
	case *planner.Scan:
		return newScan(n), nil
	case *planner.Values:
		return &valuesOp{schema: arrow.NewSchema(nil, nil)}, nil
	case *planner.Source:
		return &sourceOp{node: n, mem: mem, schema: n.Schema().Arrow()}, nil
	}
	kids := n.Children()
	inputs := make([]Operator, len(kids))
	for i, k := range kids {
		op, err := Build(k, mem)
		if err != nil {
			for _, in := range inputs[:i] {
				in.Close()
			}
			return nil, err
		}
		inputs[i] = op
	}
	switch n := n.(type) {
	case *planner.Filter:
		return &filterOp{input: inputs[0], cond: n.Cond, mem: mem}, nil
	case *planner.Project:
		return &projectOp{input: inputs[0], node: n, mem: mem, schema: n.Schema().Arrow()}, nil
	case *planner.Aggregate:
		return newAggregate(inputs[0], n, mem), nil
	case *planner.Join:
		return newJoin(inputs[0], inputs[1], n, mem), nil
	case *planner.Sort:
		return &sortOp{input: inputs[0], keys: n.Keys, mem: mem}, nil
	case *planner.Limit:
		return &limitOp{input: inputs[0], count: n.Count, skip: n.Offset}, nil
	case *planner.Distinct:
		agg := &planner.Aggregate{Input: n.Input, Out: n.Schema()}
		for i, c := range n.Schema() {
			agg.Groups = append(agg.Groups, colRef(i, c))
		}
		return newAggregate(inputs[0], agg, mem), nil
	case *planner.Unnest:
		return &unnestOp{input: inputs[0], node: n, mem: mem, schema: n.Schema().Arrow()}, nil
	}
	for _, in := range inputs {
		in.Close()
	}
	return nil, fmt.Errorf("exec: no operator for %T", n)
}

// Collect drains op into a slice of batches (owned by the caller) and
// closes it.
func Collect(ctx context.Context, op Operator) ([]arrow.RecordBatch, error) {
	defer op.Close()
	var out []arrow.RecordBatch
	for {
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			ReleaseAll(out)
			return nil, err
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		out = append(out, b)
	}
}

// ReleaseAll releases every batch.
func ReleaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

// valuesOp yields one row with no columns.
type valuesOp struct {
	schema *arrow.Schema
	done   bool
}

func (o *valuesOp) Schema() *arrow.Schema { return o.schema }
func (o *valuesOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if o.done {
		return nil, io.EOF
	}
	o.done = true
	return newRecord(o.schema, nil, 1), nil
}
func (o *valuesOp) Close() error { return nil }

// sourceOp runs a planner.Source once and streams its batches.
type sourceOp struct {
	node    *planner.Source
	mem     memory.Allocator
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	started bool
}

func (o *sourceOp) Schema() *arrow.Schema { return o.schema }
func (o *sourceOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.started {
		o.started = true
		bs, err := o.node.Run(ctx, o.mem)
		if err != nil {
			return nil, err
		}
		o.batches = bs
	}
	if len(o.batches) == 0 {
		return nil, io.EOF
	}
	b := o.batches[0]
	o.batches = o.batches[1:]
	return b, nil
}
func (o *sourceOp) Close() error {
	ReleaseAll(o.batches)
	o.batches = nil
	return nil
}
