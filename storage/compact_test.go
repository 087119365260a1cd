package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// Loaded batches are kept for the life of a table, so the reader must not
// hand out buffers with the capacity the decoders reserved ahead.
func TestLoadedBatchesHaveLittleSlack(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("id,kind,value\n")
	for i := range 20000 {
		fmt.Fprintf(&sb, "%d,%s,%d.5\n", i, strings.Repeat("k", 1+i%13), i%97)
	}
	csvPath := writeFile(t, dir, "e.csv", sb.String())
	pqPath := filepath.Join(dir, "e.parquet")
	r, err := Open(context.Background(), mem, csvPath, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReader(context.Background(), mem, pqPath, r, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	r.Close()
	for _, path := range []string{csvPath, pqPath} {
		r, err := Open(context.Background(), mem, path, ReadOptions{BatchSize: 3000})
		if err != nil {
			t.Fatal(err)
		}
		var used, held int64
		rows, arrays := 0, 0
		for {
			rec, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			rows += int(rec.NumRows())
			for _, c := range rec.Columns() {
				u, h := BufferBytes(c.Data())
				used, held = used+u, held+h
				arrays++
			}
			rec.Release()
		}
		r.Close()
		if rows != 20000 {
			t.Errorf("%s: %d rows, want 20000", path, rows)
		}
		// compact allows 1/8 + 1 kB per array (before it, 1.18-1.20x here)
		if held > used+used/8+int64(arrays)*1024 {
			t.Errorf("%s: batches hold %d bytes for %d used (%.2fx)", filepath.Base(path), held, used, float64(held)/float64(used))
		}
	}
}
