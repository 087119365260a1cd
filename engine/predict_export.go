package engine

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/planner"
	"github.com/cai-dev/cai/storage"
)

// exportFeatures writes the training matrix (WITH (export = 'path')):
// identity, cutoff, split, label and one column per model input, so other
// tools can train on exactly the rows and splits cai used.
func (e *Engine) exportFeatures(ctx context.Context, p *prepared, path string, mf *modelFile, sets [3]ml.Dataset, ids [3][]string, cuts [3][]int64) error {
	path, err := e.checkPath(p.spec.At, path, true)
	if err != nil {
		return err
	}
	fields := []arrow.Field{
		{Name: mf.Identity, Type: expr.StringType, Nullable: true},
		{Name: "cutoff", Type: expr.TimestampType, Nullable: true},
		{Name: "split", Type: expr.StringType, Nullable: true},
		{Name: "label", Type: expr.IntType, Nullable: true},
	}
	for _, c := range mf.Columns {
		fields = append(fields, arrow.Field{Name: c.Name, Type: expr.FloatType, Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(e.mem, schema)
	defer b.Release()
	names := [3]string{"train", "validation", "test"}
	for part := range sets {
		for r, id := range ids[part] {
			b.Field(0).(*array.StringBuilder).Append(id)
			b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(cuts[part][r]))
			b.Field(2).(*array.StringBuilder).Append(names[part])
			b.Field(3).(*array.Int64Builder).Append(int64(sets[part].Y[r]))
			row := sets[part].X.Data[r*sets[part].X.Cols : (r+1)*sets[part].X.Cols]
			for j, v := range row {
				appendMaybe(b.Field(4+j).(*array.Float64Builder), v)
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	done := false
	next := func() (arrow.RecordBatch, error) {
		if done {
			return nil, io.EOF
		}
		done = true
		return rec, nil
	}
	if err := storage.Write(ctx, e.mem, path, schema, next, storage.WriteOptions{}); err != nil {
		return planner.Errorf(p.spec.At, ErrFile, "export: %v", err)
	}
	return nil
}
