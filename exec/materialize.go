package exec

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// drain reads all of op's batches and concatenates them into one record
// (owned by the caller). It does not close op.
func drain(ctx context.Context, mem memory.Allocator, op Operator) (arrow.RecordBatch, error) {
	var bs []arrow.RecordBatch
	defer func() { ReleaseAll(bs) }()
	for {
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		bs = append(bs, b)
	}
	return concatBatches(mem, op.Schema(), bs)
}

// concatBatches joins batches of one schema into one record.
func concatBatches(mem memory.Allocator, schema *arrow.Schema, bs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(bs) == 1 {
		bs[0].Retain()
		return bs[0], nil
	}
	if len(bs) == 0 {
		return emptyRecord(mem, schema), nil
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer releaseArrays(cols)
	var rows int64
	for _, b := range bs {
		rows += b.NumRows()
	}
	for i := range cols {
		parts := make([]arrow.Array, len(bs))
		for j, b := range bs {
			parts[j] = b.Column(i)
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return newRecord(schema, cols, rows), nil
}

// takeRecord gathers rows of rec by indices (an Int32 array; NULL
// indices give NULL rows).
func takeRecord(ctx context.Context, mem memory.Allocator, schema *arrow.Schema, rec arrow.RecordBatch, indices arrow.Array) (arrow.RecordBatch, error) {
	cols, err := takeColumns(ctx, mem, rec, indices)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(cols)
	return newRecord(schema, cols, int64(indices.Len())), nil
}

func takeColumns(ctx context.Context, mem memory.Allocator, rec arrow.RecordBatch, indices arrow.Array) ([]arrow.Array, error) {
	cctx := compute.WithAllocator(ctx, mem)
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		c, err := compute.TakeArray(cctx, rec.Column(i), indices)
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
		cols[i] = c
	}
	return cols, nil
}

// indexArray builds an Int32 array; negative entries become NULL.
func indexArray(mem memory.Allocator, idx []int32) arrow.Array {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.Reserve(len(idx))
	for _, i := range idx {
		if i < 0 {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(i)
		}
	}
	return b.NewArray()
}

// batchedOutput slices rec into batches of BatchSize rows, releasing rec.
func batchedOutput(rec arrow.RecordBatch) []arrow.RecordBatch {
	defer rec.Release()
	var out []arrow.RecordBatch
	for off := int64(0); off < rec.NumRows(); off += BatchSize {
		out = append(out, rec.NewSlice(off, min(off+BatchSize, rec.NumRows())))
	}
	return out
}
