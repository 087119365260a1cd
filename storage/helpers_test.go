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
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// newMem returns a checked allocator that fails the test if anything
// allocated through it is still live when the test ends.
func newMem(t testing.TB) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// writeFile writes content to name in dir and returns the path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// table is a loaded file in a form easy to compare: the schema as
// "name TYPE" strings and each row as " | "-joined cells.
type table struct {
	cols []string
	rows []string
}

func schemaStrings(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name + " " + sqlTypeName(f.Type)
	}
	return out
}

// load opens pattern and reads every batch.
func load(t testing.TB, mem memory.Allocator, pattern string, opts ReadOptions) (table, error) {
	t.Helper()
	r, err := Open(context.Background(), mem, pattern, opts)
	if err != nil {
		return table{}, err
	}
	defer r.Close()
	tb := table{cols: schemaStrings(r.Schema())}
	for {
		rec, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return tb, nil
		}
		if err != nil {
			return tb, err
		}
		if !rec.Schema().Equal(r.Schema()) {
			t.Errorf("batch schema %v differs from reader schema %v", rec.Schema(), r.Schema())
		}
		tb.rows = append(tb.rows, dumpRows(rec)...)
		rec.Release()
	}
}

// mustLoad is load that fails the test on error.
func mustLoad(t testing.TB, mem memory.Allocator, pattern string, opts ReadOptions) table {
	t.Helper()
	tb, err := load(t, mem, pattern, opts)
	if err != nil {
		t.Fatalf("load %s: %v", pattern, err)
	}
	return tb
}

func dumpRows(rec arrow.RecordBatch) []string {
	rows := make([]string, rec.NumRows())
	cells := make([]string, rec.NumCols())
	for i := range rows {
		for j, c := range rec.Columns() {
			if c.IsNull(i) {
				cells[j] = "NULL"
			} else {
				cells[j] = formatCell(c, i)
			}
		}
		rows[i] = strings.Join(cells, " | ")
	}
	return rows
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func checkTable(t *testing.T, got table, cols, rows []string) {
	t.Helper()
	if !equalStrings(got.cols, cols) {
		t.Errorf("schema:\n got %q\nwant %q", got.cols, cols)
	}
	if !equalStrings(got.rows, rows) {
		t.Errorf("rows:\n got %q\nwant %q", got.rows, rows)
	}
}
