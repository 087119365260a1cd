package exec

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// sortOp materialises its input, sorts row indexes by the keys (stable)
// and gathers the rows in order.
type sortOp struct {
	input Operator
	keys  []planner.SortKey
	mem   memory.Allocator
	out   []arrow.RecordBatch
	done  bool
}

func (o *sortOp) Schema() *arrow.Schema { return o.input.Schema() }

func (o *sortOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.done {
		o.done = true
		if err := o.run(ctx); err != nil {
			return nil, err
		}
	}
	if len(o.out) == 0 {
		return nil, io.EOF
	}
	b := o.out[0]
	o.out = o.out[1:]
	return b, nil
}

func (o *sortOp) run(ctx context.Context) error {
	rec, err := drain(ctx, o.mem, o.input)
	if err != nil {
		return err
	}
	defer rec.Release()
	eb := expr.NewBatch(rec)
	vecs := make([]*expr.Vector, len(o.keys))
	for i, k := range o.keys {
		if vecs[i], err = k.Expr.Eval(eb); err != nil {
			return err
		}
	}
	idx := make([]int32, eb.N)
	for i := range idx {
		idx[i] = int32(i)
	}
	// pdqsort with the row index as the last key: stable results in
	// O(n log n). The comparator polls ctx now and then; once canceled it
	// answers "equal" so the sort ends at once and the error is returned.
	cmps, canceled := 0, false
	slices.SortFunc(idx, func(a, b int32) int {
		if canceled {
			return 0
		}
		if cmps++; cmps&0xffff == 0 && ctx.Err() != nil {
			canceled = true
			return 0
		}
		if c := compareRows(vecs, o.keys, int(a), int(b)); c != 0 {
			return c
		}
		return cmp3(a, b)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	ia := indexArray(o.mem, idx)
	defer ia.Release()
	sorted, err := takeRecord(ctx, o.mem, rec.Schema(), rec, ia)
	if err != nil {
		return err
	}
	o.out = batchedOutput(sorted)
	return nil
}

// compareRows orders rows i and j by the keys.
func compareRows(vecs []*expr.Vector, keys []planner.SortKey, i, j int) int {
	for k, v := range vecs {
		ni, nj := v.IsNull(i), v.IsNull(j)
		var c int
		switch {
		case ni && nj:
			continue
		case ni || nj:
			c = 1
			if ni == keys[k].NullsFirst {
				c = -1
			}
			return c
		}
		switch v.Kind() {
		case expr.KindInt, expr.KindTimestamp, expr.KindDuration:
			c = cmp3(v.I[i], v.I[j])
		case expr.KindFloat:
			c = expr.CompareFloat(v.F[i], v.F[j])
		case expr.KindString:
			c = strings.Compare(v.S[i], v.S[j])
		case expr.KindBool:
			c = cmp3(b2i(v.B[i]), b2i(v.B[j]))
		}
		if keys[k].Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func (o *sortOp) Close() error {
	ReleaseAll(o.out)
	o.out = nil
	return o.input.Close()
}
