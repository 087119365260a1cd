package exec

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// limitOp skips skip rows, then passes count rows (count < 0: all).
type limitOp struct {
	input Operator
	count int64
	skip  int64
}

func (o *limitOp) Schema() *arrow.Schema { return o.input.Schema() }

func (o *limitOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if o.count == 0 {
			return nil, io.EOF
		}
		b, err := o.input.Next(ctx)
		if err != nil {
			return nil, err
		}
		n := b.NumRows()
		if o.skip >= n {
			o.skip -= n
			b.Release()
			continue
		}
		end := n
		if o.count >= 0 && o.skip+o.count < n {
			end = o.skip + o.count
		}
		out := b.NewSlice(o.skip, end)
		b.Release()
		o.skip = 0
		if o.count >= 0 {
			o.count -= out.NumRows()
		}
		return out, nil
	}
}

func (o *limitOp) Close() error { return o.input.Close() }
