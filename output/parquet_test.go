package output

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func TestParquetRoundTrip(t *testing.T) {
	r := newResult(t, factorSchema, factorRows)
	var buf bytes.Buffer
	if err := Write(&buf, Parquet, r); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(buf.Bytes()),
		parquet.NewReaderProperties(mem), pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	for i, f := range factorSchema.Fields() {
		g := tbl.Schema().Field(i)
		if g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			t.Errorf("column %d read back as %s %s, want %s %s", i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	tr := array.NewTableReader(tbl, 100)
	defer tr.Release()
	var got bytes.Buffer
	for tr.Next() {
		rec := tr.RecordBatch()
		rec.Retain()
		back := newResultFrom(rec)
		if err := Write(&got, CSV, back); err != nil {
			t.Fatal(err)
		}
		back.Release()
	}
	var want bytes.Buffer
	if err := Write(&want, CSV, r); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("rows read back:\n%s\nwant\n%s", got.String(), want.String())
	}
}
