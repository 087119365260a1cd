package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzOpen feeds data through Open as a file in the given format and
// reads it all. It fails on a panic (by crashing), on a leak, on a batch
// that is not valid Arrow data, and on an error that is not an *Error.
func fuzzOpen(t *testing.T, data []byte, name string, opts ReadOptions) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), mem, p, opts)
	if err != nil {
		checkFuzzError(t, err)
		return
	}
	defer r.Close()
	for {
		rec, err := r.Next(context.Background())
		if err == io.EOF {
			return
		}
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		err = checkFuzzBatch(r.Schema(), rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkFuzzError(t *testing.T, err error) {
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error is not an *Error: %v", err)
	}
}

func checkFuzzBatch(schema *arrow.Schema, rec arrow.RecordBatch) error {
	if !rec.Schema().Equal(schema) {
		return fmt.Errorf("batch schema %v, reader schema %v", rec.Schema(), schema)
	}
	if rec.NumRows() == 0 {
		return errors.New("empty batch")
	}
	if err := array.ValidateRecordFull(rec); err != nil {
		return fmt.Errorf("invalid batch: %w", err)
	}
	for _, f := range schema.Fields() {
		if !arrow.TypeEqual(f.Type, NormalizeType(f.Type)) {
			return fmt.Errorf("column %q has non-engine type %s", f.Name, f.Type)
		}
	}
	dumpRows(rec) // every value must format
	return nil
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,x\n2,y\n",
		"id,ts,amount\n1,2024-01-01T10:00:00Z,1.5\n2,2024-01-02,NA\n",
		"ts,n\n1700000000,1\n1700000001,2\n",
		"a,b\n1,2\n3\n",
		"a\n\"unterminated\n",
		"a,b\n\"x\"\"y\",z\n",
		"\ufeffa;b\n1;2\n",
		"a,a,\n1,2,3\n",
		"a\n",
		"n\n1\n2\nabc\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOpen(t, data, "f.csv", ReadOptions{Format: CSV, SampleRows: 2, BatchSize: 3})
	})
}

func FuzzJSON(f *testing.F) {
	f.Add([]byte(xdmEvents))
	for _, s := range []string{
		`{"a":1,"b":"x"}` + "\n" + `{"a":2.5,"c":[1,2]}` + "\n",
		`{"a":{"b":{"c":true}}}` + "\n" + `{"a":null}` + "\n",
		`{"l":[{"x":1},{"y":"2024-01-01"}]}` + "\n",
		`{"ts":1700000000}` + "\n" + `{"ts":"x"}` + "\n",
		`{"a":1,}` + "\n",
		`[1,2]` + "\n",
		`{"a":"\ud800"}` + "\n",
		`{"a":[[[[]]]]}` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOpen(t, data, "f.jsonl", ReadOptions{Format: JSON, SampleRows: 2, BatchSize: 3})
	})
}

// columnarSeeds returns valid files written by this package and by
// arrow-go directly, plus truncated copies.
func columnarSeeds(f *testing.F, write func(testing.TB, memory.Allocator, string)) [][]byte {
	mem := memory.NewGoAllocator()
	p := filepath.Join(f.TempDir(), "seed")
	write(f, mem, p)
	data, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{data, data[:len(data)/2], data[:len(data)-1], bytes.Repeat([]byte{0xff}, 16)}
}

func writeRoundTrip(format Format) func(testing.TB, memory.Allocator, string) {
	return func(t testing.TB, mem memory.Allocator, p string) {
		recs := buildBatches(t, mem, roundTripSchema, roundTripBatches)
		if err := writeBatches(mem, p, roundTripSchema, recs, WriteOptions{Format: format}); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzParquet(f *testing.F) {
	for _, w := range []func(testing.TB, memory.Allocator, string){writeForeignParquet, writeRoundTrip(Parquet)} {
		for _, seed := range columnarSeeds(f, w) {
			f.Add(seed)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOpen(t, data, "f.parquet", ReadOptions{Format: Parquet, BatchSize: 2})
	})
}

func FuzzIPC(f *testing.F) {
	for _, w := range []func(testing.TB, memory.Allocator, string){
		func(t testing.TB, m memory.Allocator, p string) { writeForeignIPC(t, m, p, false) },
		func(t testing.TB, m memory.Allocator, p string) { writeForeignIPC(t, m, p, true) },
		writeRoundTrip(Arrow),
	} {
		for _, seed := range columnarSeeds(f, w) {
			f.Add(seed)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOpen(t, data, "f.arrow", ReadOptions{Format: Arrow})
	})
}
