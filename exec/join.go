package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// maxCrossRows bounds the output of a join without equality keys.
const maxCrossRows = 50_000_000

// joinOp is a hash join: it builds a table on the right input, then
// streams the left input and probes. Output rows are left columns then
// right columns; a LEFT join pads unmatched rows with NULLs.
type joinOp struct {
	left, right Operator
	node        *planner.Join
	mem         memory.Allocator
	schema      *arrow.Schema
	build       arrow.RecordBatch
	table       map[string][]int32
	built       bool
}

func newJoin(left, right Operator, n *planner.Join, mem memory.Allocator) *joinOp {
	return &joinOp{left: left, right: right, node: n, mem: mem, schema: n.Schema().Arrow()}
}

func (o *joinOp) Schema() *arrow.Schema { return o.schema }

func (o *joinOp) buildSide(ctx context.Context) error {
	rec, err := drain(ctx, o.mem, o.right)
	if err != nil {
		return err
	}
	o.build = rec
	if len(o.node.RightKeys) == 0 {
		return nil
	}
	keys, err := evalAll(rec, o.node.RightKeys)
	if err != nil {
		return err
	}
	o.table = make(map[string][]int32)
	var buf []byte
	for i := 0; i < int(rec.NumRows()); i++ {
		if i&0xfff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if anyNull(keys, i) {
			continue
		}
		buf = encodeKey(buf[:0], keys, i)
		o.table[string(buf)] = append(o.table[string(buf)], int32(i))
	}
	return nil
}

func evalAll(rec arrow.RecordBatch, es []expr.Expr) ([]*expr.Vector, error) {
	eb := expr.NewBatch(rec)
	out := make([]*expr.Vector, len(es))
	for i, e := range es {
		v, err := e.Eval(eb)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func anyNull(vs []*expr.Vector, i int) bool {
	for _, v := range vs {
		if v.IsNull(i) {
			return true
		}
	}
	return false
}

func (o *joinOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.built {
		o.built = true
		if err := o.buildSide(ctx); err != nil {
			return nil, err
		}
	}
	for {
		lb, err := o.left.Next(ctx)
		if err != nil {
			return nil, err
		}
		out, err := o.probe(ctx, lb)
		lb.Release()
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

// probe joins one left batch with the build side.
func (o *joinOp) probe(ctx context.Context, lb arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(lb.NumRows())
	var li, ri []int32
	if len(o.node.LeftKeys) == 0 {
		m := int(o.build.NumRows())
		if n*m > maxCrossRows {
			return nil, fmt.Errorf("join without equality keys would produce more than %d rows; add an equality to ON", maxCrossRows)
		}
		for i := 0; i < n; i++ {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			for j := 0; j < m; j++ {
				li, ri = append(li, int32(i)), append(ri, int32(j))
			}
		}
	} else {
		keys, err := evalAll(lb, o.node.LeftKeys)
		if err != nil {
			return nil, err
		}
		var buf []byte
		for i := 0; i < n; i++ {
			if i&0xfff == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if anyNull(keys, i) {
				continue
			}
			buf = encodeKey(buf[:0], keys, i)
			for _, j := range o.table[string(buf)] {
				li, ri = append(li, int32(i)), append(ri, j)
			}
		}
	}
	if o.node.Residual != nil {
		var err error
		if li, ri, err = o.applyResidual(ctx, lb, li, ri); err != nil {
			return nil, err
		}
	}
	if o.node.Kind == planner.JoinLeft {
		li, ri = padUnmatched(n, li, ri)
	}
	return o.gather(ctx, lb, li, ri)
}

// applyResidual keeps the candidate pairs for which the residual holds.
func (o *joinOp) applyResidual(ctx context.Context, lb arrow.RecordBatch, li, ri []int32) ([]int32, []int32, error) {
	cand, err := o.gather(ctx, lb, li, ri)
	if err != nil {
		return nil, nil, err
	}
	defer cand.Release()
	v, err := o.node.Residual.Eval(expr.NewBatch(cand))
	if err != nil {
		return nil, nil, err
	}
	var l2, r2 []int32
	for k := range li {
		if v.B != nil && v.B[k] && !v.IsNull(k) {
			l2, r2 = append(l2, li[k]), append(r2, ri[k])
		}
	}
	return l2, r2, nil
}

// padUnmatched adds (i, -1) for left rows without a match, keeping left
// order.
func padUnmatched(n int, li, ri []int32) ([]int32, []int32) {
	matched := make([]bool, n)
	for _, i := range li {
		matched[i] = true
	}
	l2 := make([]int32, 0, len(li)+n)
	r2 := make([]int32, 0, len(li)+n)
	k := 0
	for i := 0; i < n; i++ {
		if !matched[i] {
			l2, r2 = append(l2, int32(i)), append(r2, -1)
			continue
		}
		for k < len(li) && li[k] == int32(i) {
			l2, r2 = append(l2, li[k]), append(r2, ri[k])
			k++
		}
	}
	return l2, r2
}

func (o *joinOp) gather(ctx context.Context, lb arrow.RecordBatch, li, ri []int32) (arrow.RecordBatch, error) {
	la, ra := indexArray(o.mem, li), indexArray(o.mem, ri)
	defer la.Release()
	defer ra.Release()
	lcols, err := takeColumns(ctx, o.mem, lb, la)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(lcols)
	rcols, err := takeColumns(ctx, o.mem, o.build, ra)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(rcols)
	return newRecord(o.schema, append(append([]arrow.Array{}, lcols...), rcols...), int64(len(li))), nil
}

func (o *joinOp) Close() error {
	if o.build != nil {
		o.build.Release()
		o.build = nil
	}
	o.left.Close()
	return o.right.Close()
}
