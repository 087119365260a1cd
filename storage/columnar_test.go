package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// foreignSchema has types other tools write, which loaders must normalise.
var foreignSchema = arrow.NewSchema([]arrow.Field{
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "dec", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"}, Nullable: true},
	{Name: "big", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "user", Type: arrow.StructOf(
		arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: "geo", Type: arrow.StructOf(arrow.Field{Name: "city", Type: arrow.BinaryTypes.String, Nullable: true}), Nullable: true},
	), Nullable: true},
	{Name: "nums", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
}, nil)

const foreignJSON = `[
 {"i32": 1, "u16": 2, "f32": 0.5, "dec": "12.34", "day": "2024-01-02", "ms": "2024-01-02T03:04:05.006",
  "ns": "2024-01-02T03:04:05.123456789Z", "big": "x", "user": {"id": 7, "geo": {"city": "Paris"}}, "nums": [1, 2]},
 {"i32": null, "u16": null, "f32": null, "dec": null, "day": null, "ms": null, "ns": null, "big": null,
  "user": null, "nums": null},
 {"i32": -1, "u16": 65535, "f32": -2, "dec": "-0.01", "day": "1970-01-01", "ms": "1969-12-31T23:59:59.999",
  "ns": "1970-01-01T00:00:00Z", "big": "", "user": {"id": null, "geo": null}, "nums": []}
]`

var (
	foreignCols = []string{
		"i32 BIGINT", "u16 BIGINT", "f32 DOUBLE", "dec DOUBLE", "day TIMESTAMP", "ms TIMESTAMP", "ns TIMESTAMP",
		"big VARCHAR", "user.id BIGINT", "user.geo.city VARCHAR", "nums BIGINT[]",
	}
	foreignRows = []string{
		"1 | 2 | 0.5 | 12.34 | 2024-01-02T00:00:00Z | 2024-01-02T03:04:05.006Z | 2024-01-02T03:04:05.123456Z | x | 7 | Paris | [1,2]",
		"NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL",
		"-1 | 65535 | -2.0 | -0.01 | 1970-01-01T00:00:00Z | 1969-12-31T23:59:59.999Z | 1970-01-01T00:00:00Z |  | NULL | NULL | []",
	}
)

func foreignBatch(t testing.TB, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	recs := buildBatches(t, mem, foreignSchema, []string{foreignJSON})
	return recs[0]
}

func writeForeignParquet(t testing.TB, mem memory.Allocator, path string) {
	t.Helper()
	rec := foreignBatch(t, mem)
	tbl := array.NewTableFromRecords(rec.Schema(), []arrow.RecordBatch{rec})
	defer tbl.Release()
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(tbl, &buf, 2, nil, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeForeignIPC(t testing.TB, mem memory.Allocator, path string, stream bool) {
	t.Helper()
	rec := foreignBatch(t, mem)
	var buf bytes.Buffer
	if stream {
		w := ipc.NewWriter(&buf, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(mem))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		w.Close()
	} else {
		w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestColumnarFormatsNormalise(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		write func(testing.TB, memory.Allocator, string)
	}{
		{"parquet (row groups of 2)", "f.parquet", writeForeignParquet},
		{"arrow file", "f.arrow", func(t testing.TB, m memory.Allocator, p string) { writeForeignIPC(t, m, p, false) }},
		{"arrow stream", "f.arrows", func(t testing.TB, m memory.Allocator, p string) { writeForeignIPC(t, m, p, true) }},
		{"arrow stream with .arrow name", "s.arrow", func(t testing.TB, m memory.Allocator, p string) { writeForeignIPC(t, m, p, true) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			p := filepath.Join(t.TempDir(), tt.file)
			tt.write(t, mem, p)
			checkTable(t, mustLoad(t, mem, p, ReadOptions{BatchSize: 2}), foreignCols, foreignRows)
		})
	}
}

func TestColumnarOverrides(t *testing.T) {
	mem := newMem(t)
	p := filepath.Join(t.TempDir(), "f.parquet")
	writeForeignParquet(t, mem, p)
	got := mustLoad(t, mem, p, ReadOptions{Types: map[string]arrow.DataType{
		"i32":     arrow.BinaryTypes.String,
		"u16":     TimestampType,
		"user.id": arrow.PrimitiveTypes.Float64,
		"nums":    arrow.BinaryTypes.String,
	}})
	cols := append([]string(nil), foreignCols...)
	cols[0], cols[1], cols[8], cols[10] = "i32 VARCHAR", "u16 TIMESTAMP", "user.id DOUBLE", "nums VARCHAR"
	rows := []string{
		"1 | 1970-01-01T00:00:02Z | 0.5 | 12.34 | 2024-01-02T00:00:00Z | 2024-01-02T03:04:05.006Z | 2024-01-02T03:04:05.123456Z | x | 7.0 | Paris | [1,2]",
		foreignRows[1],
		"-1 | 1970-01-01T18:12:15Z | -2.0 | -0.01 | 1970-01-01T00:00:00Z | 1969-12-31T23:59:59.999Z | 1970-01-01T00:00:00Z |  | NULL | NULL | []",
	}
	checkTable(t, got, cols, rows)

	_, err := load(t, mem, p, ReadOptions{Types: map[string]arrow.DataType{"big": arrow.PrimitiveTypes.Int64}})
	if err == nil || !strings.HasSuffix(err.Error(), `column "big": cannot parse "x" as BIGINT (row 1)`) || !errors.Is(err, ErrMalformed) {
		t.Errorf("override error = %v", err)
	}
}

// TestCorruptColumnarFiles cuts and damages valid files: every variant
// must fail cleanly or read, never panic or leak.
func TestCorruptColumnarFiles(t *testing.T) {
	for _, file := range []string{"f.parquet", "f.arrow", "f.arrows"} {
		t.Run(file, func(t *testing.T) {
			mem := newMem(t)
			dir := t.TempDir()
			src := filepath.Join(dir, file)
			switch file {
			case "f.parquet":
				writeForeignParquet(t, mem, src)
			case "f.arrow":
				writeForeignIPC(t, mem, src, false)
			default:
				writeForeignIPC(t, mem, src, true)
			}
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "bad"+filepath.Ext(file))
			for _, cut := range []int{1, 4, 8, 12, len(data) / 3, len(data) / 2, len(data) - 9, len(data) - 1} {
				os.WriteFile(p, data[:cut], 0o644)
				if _, err := load(t, mem, p, ReadOptions{}); !errors.Is(err, ErrMalformed) {
					t.Errorf("truncated to %d of %d bytes: error %v, want ErrMalformed", cut, len(data), err)
				}
			}
			for i := 0; i < len(data); i += 29 {
				bad := bytes.Clone(data)
				bad[i] ^= 0xff
				os.WriteFile(p, bad, 0o644)
				load(t, mem, p, ReadOptions{}) // must not panic or leak
			}
		})
	}
}

func TestColumnarDictionary(t *testing.T) {
	for _, file := range []string{"d.arrow", "d.parquet"} {
		t.Run(file, func(t *testing.T) {
			mem := newMem(t)
			b := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
			defer b.Release()
			for _, s := range []string{"web", "app", "web"} {
				b.AppendString(s)
			}
			b.AppendNull()
			col := b.NewArray()
			defer col.Release()
			schema := arrow.NewSchema([]arrow.Field{{Name: "channel", Type: col.DataType(), Nullable: true}}, nil)
			rec := array.NewRecordBatch(schema, []arrow.Array{col}, 4)
			defer rec.Release()
			p := filepath.Join(t.TempDir(), file)
			if err := writeBatches(mem, p, schema, []arrow.RecordBatch{rec}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			checkTable(t, mustLoad(t, mem, p, ReadOptions{}), []string{"channel VARCHAR"}, []string{"web", "app", "web", "NULL"})
		})
	}
}
