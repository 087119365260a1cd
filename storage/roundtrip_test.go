package storage

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// factorsType is the engine's explanation column.
var factorsType = arrow.ListOf(arrow.StructOf(
	arrow.Field{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "typical", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "impact", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "importance", Type: arrow.BinaryTypes.String, Nullable: true},
))

var roundTripSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "ts", Type: TimestampType, Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	{Name: "factors", Type: factorsType, Nullable: true},
}, nil)

var roundTripBatches = []string{
	`[{"id": 1, "amount": 1.5, "name": "Ann \"A\", Jr.", "flag": true, "ts": "2024-01-02T03:04:05.123456Z",
	   "tags": ["a", "b"],
	   "factors": [{"code": "recency", "text": "Last order 3 days ago", "value": 3, "typical": 30.5, "impact": 0.25, "importance": "high"},
	               {"code": "freq", "text": "Ordered\nonce", "value": 1, "typical": 4, "impact": -0.125, "importance": "low"}]},
	  {"id": 2, "amount": null, "name": "Bo", "flag": false, "ts": "1999-12-31T23:59:59Z",
	   "tags": [], "factors": []}]`,
	`[{"id": 3, "amount": -2.0, "name": null, "flag": null, "ts": null, "tags": null, "factors": null},
	  {"id": null, "amount": 1e20, "name": "Ünïcode ✓", "flag": true, "ts": "2024-02-29T00:00:00Z",
	   "tags": ["x"], "factors": [{"code": "c", "text": null, "value": null, "typical": 1.5, "impact": 0, "importance": "medium"}]}]`,
}

// buildBatches builds record batches from JSON arrays of rows.
func buildBatches(t testing.TB, mem memory.Allocator, schema *arrow.Schema, batches []string) []arrow.RecordBatch {
	t.Helper()
	var recs []arrow.RecordBatch
	for _, js := range batches {
		rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	t.Cleanup(func() {
		for _, r := range recs {
			r.Release()
		}
	})
	return recs
}

// writeBatches writes recs to path with Write.
func writeBatches(mem memory.Allocator, path string, schema *arrow.Schema, recs []arrow.RecordBatch, opts WriteOptions) error {
	i := 0
	return Write(context.Background(), mem, path, schema, func() (arrow.RecordBatch, error) {
		if i == len(recs) {
			return nil, io.EOF
		}
		i++
		return recs[i-1], nil
	}, opts)
}

func TestRoundTrip(t *testing.T) {
	engineCols := schemaStrings(roundTripSchema)
	textCols := append(append([]string(nil), engineCols[:5]...), "tags VARCHAR", "factors VARCHAR")
	nested := map[string]arrow.DataType{"tags": arrow.ListOf(arrow.BinaryTypes.String), "factors": factorsType}
	tests := []struct {
		file string
		opts ReadOptions
		cols []string
	}{
		{"out.csv", ReadOptions{}, textCols},
		{"out.csv", ReadOptions{Types: nested}, engineCols}, // JSON text parsed back
		{"out.jsonl", ReadOptions{}, engineCols},
		{"out.parquet", ReadOptions{}, engineCols},
		{"out.arrow", ReadOptions{}, engineCols},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			mem := newMem(t)
			recs := buildBatches(t, mem, roundTripSchema, roundTripBatches)
			var want []string
			for _, r := range recs {
				want = append(want, dumpRows(r)...)
			}
			p := filepath.Join(t.TempDir(), tt.file)
			if err := writeBatches(mem, p, roundTripSchema, recs, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			checkTable(t, mustLoad(t, mem, p, tt.opts), tt.cols, want)
		})
	}
}

func TestWriteReader(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	src := writeFile(t, dir, "in.csv", "a,b\n1,x\n2,y\n")
	r, err := Open(t.Context(), mem, src, ReadOptions{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dst := filepath.Join(dir, "out.parquet")
	if err := WriteReader(t.Context(), mem, dst, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	checkTable(t, mustLoad(t, mem, dst, ReadOptions{}), []string{"a BIGINT", "b VARCHAR"}, []string{"1 | x", "2 | y"})
}

func TestWriteIsAtomic(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "out.csv", "old contents\n")
	recs := buildBatches(t, mem, roundTripSchema, roundTripBatches)
	failing := errors.New("source failed")
	calls := 0
	err := Write(t.Context(), mem, p, roundTripSchema, func() (arrow.RecordBatch, error) {
		calls++
		if calls == 2 {
			return nil, failing
		}
		return recs[0], nil
	}, WriteOptions{})
	if !errors.Is(err, failing) {
		t.Fatalf("got %v, want %v", err, failing)
	}
	if b, _ := os.ReadFile(p); string(b) != "old contents\n" {
		t.Errorf("destination changed to %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary file left behind: %v", entries)
	}
}

func TestWriteErrors(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	recs := buildBatches(t, mem, roundTripSchema, roundTripBatches)
	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	tests := []struct {
		name, path string
		schema     *arrow.Schema
		opts       WriteOptions
		is         error
	}{
		{"unknown extension", filepath.Join(dir, "out.xlsx"), roundTripSchema, WriteOptions{}, ErrUnsupportedFormat},
		{"batch does not match schema", filepath.Join(dir, "out.csv"), other, WriteOptions{}, nil},
		{"missing directory", filepath.Join(dir, "no", "out.csv"), roundTripSchema, WriteOptions{}, os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeBatches(mem, tt.path, tt.schema, recs, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}
