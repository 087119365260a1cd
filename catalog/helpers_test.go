package catalog

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkedAlloc returns an allocator that fails the test if anything
// allocated from it is still live when the test ends.
func checkedAlloc(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// open opens a catalog (in memory if dir is "") closed at test end.
func open(t *testing.T, dir string, mem memory.Allocator) *Catalog {
	t.Helper()
	c, err := Open(Options{Dir: dir, Mem: mem})
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// modes runs f in memory and on disk.
func modes(t *testing.T, f func(t *testing.T, dir string)) {
	t.Run("memory", func(t *testing.T) { f(t, "") })
	t.Run("disk", func(t *testing.T) { f(t, t.TempDir()) })
}

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "v", Type: arrow.PrimitiveTypes.Int64},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// versionTable builds a self-checking table: every "v" equals version,
// every "s" is "v<version>", rows spread over nbatch batches.
func versionTable(mem memory.Allocator, name string, version int64, rows, nbatch int) *Table {
	b := array.NewRecordBuilder(mem, testSchema)
	defer b.Release()
	var batches []arrow.RecordBatch
	for i := 0; i < nbatch; i++ {
		for r := i * rows / nbatch; r < (i+1)*rows/nbatch; r++ {
			b.Field(0).(*array.Int64Builder).Append(version)
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("v%d", version))
		}
		batches = append(batches, b.NewRecordBatch())
	}
	return NewTable(name, testSchema, batches)
}

// checkVersion verifies that t is a complete versionTable and returns its
// version (-1 if empty).
func checkVersion(t *Table, rows int) (int64, error) {
	if t.Rows != int64(rows) {
		return 0, fmt.Errorf("table %q: %d rows, want %d", t.Name, t.Rows, rows)
	}
	version, n := int64(-1), int64(0)
	for _, b := range t.Batches {
		n += b.NumRows()
		vs := b.Column(0).(*array.Int64)
		ss := b.Column(1).(*array.String)
		for i := 0; i < vs.Len(); i++ {
			if version == -1 {
				version = vs.Value(i)
			}
			if vs.Value(i) != version || ss.Value(i) != fmt.Sprintf("v%d", version) {
				return 0, fmt.Errorf("table %q row %d: (%d, %q) in version %d", t.Name, i, vs.Value(i), ss.Value(i), version)
			}
		}
	}
	if n != t.Rows {
		return 0, fmt.Errorf("table %q: batches hold %d rows, Rows says %d", t.Name, n, t.Rows)
	}
	return version, nil
}

// sameTable compares schemas and every value of two tables.
func sameTable(t *testing.T, got, want *Table) {
	t.Helper()
	if !got.Schema.Equal(want.Schema) || got.Rows != want.Rows || got.Name != want.Name {
		t.Fatalf("table %q (%d rows, %v) != %q (%d rows, %v)", got.Name, got.Rows, got.Schema, want.Name, want.Rows, want.Schema)
	}
	g := array.NewTableFromRecords(got.Schema, got.Batches)
	defer g.Release()
	w := array.NewTableFromRecords(want.Schema, want.Batches)
	defer w.Release()
	for i := 0; i < int(g.NumCols()); i++ {
		if !array.ChunkedEqual(g.Column(i).Data(), w.Column(i).Data()) {
			t.Fatalf("table %q column %d differs", got.Name, i)
		}
	}
}
