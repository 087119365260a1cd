package engine

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/storage"
)

// PREDICT(m) is computed once while the model and its tables stay the
// same, and recomputed as soon as either changes; cached results are
// released with the model and the engine.
func TestPredictCache(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	run := func(sql string) string {
		t.Helper()
		out := runCase(e, sql)
		if strings.Contains(out, "error") {
			t.Fatalf("%s: %s", sql, out)
		}
		return out
	}
	misses := func(want int64) {
		t.Helper()
		if got := e.predicted.misses.Load(); got != want {
			t.Errorf("PREDICT computed %d times, want %d", got, want)
		}
	}
	run(genModel)
	first := run(genScores)
	misses(1)
	if again := run(genScores); again != first {
		t.Error("a cached PREDICT differs from the computed one")
	}
	run("SELECT COUNT(*) FROM PREDICT(buy) WHERE bucket = 'high';")
	misses(1)
	run("SELECT COUNT(*) FROM PREDICT(buy, AS OF '2024-12-15');") // another cutoff
	misses(2)
	run(genScores) // one result per model is kept: the other cutoff replaced it
	misses(3)
	run(genScores)
	misses(3)

	// New data: a new table version, so new scores.
	run(`CREATE OR REPLACE TABLE gen_events AS SELECT * FROM gen_events WHERE NOT (event_type = 'purchase' AND value > 100);`)
	changed := run(genScores)
	misses(4)
	if changed == first {
		t.Error("PREDICT after the events changed returned the old scores")
	}
	fresh, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	// The same model on the same (changed) data in an engine without a
	// cache scores the same.
	for _, sql := range []string{genModel, `CREATE OR REPLACE TABLE gen_events AS SELECT * FROM gen_events WHERE NOT (event_type = 'purchase' AND value > 100);`} {
		if out := runCase(fresh, sql); strings.Contains(out, "error") {
			t.Fatal(out)
		}
	}
	if out := runCase(fresh, genScores); out != changed {
		t.Error("scores after a data change differ from a fresh engine's")
	}

	// A retrained model replaces its entry; a dropped one frees it.
	run(strings.Replace(genModel[strings.Index(genModel, "CREATE MODEL"):], "CREATE MODEL", "CREATE OR REPLACE MODEL", 1))
	run(genScores)
	misses(5)
	run("DROP MODEL buy;")
	if n := len(e.predicted.entries); n != 0 {
		t.Errorf("%d cached results after DROP MODEL", n)
	}
}

func TestReadsClock(t *testing.T) {
	for def, want := range map[string]bool{
		"... WHERE signup >= now() - 30 DAYS":        true,
		"... WHERE signup >= NOW ( ) - 30 DAYS":      true,
		"... AS OF current_date":                     true,
		"... WHERE known_user AND snow_days > 0":     false,
		"... GOAL event_type = 'purchase' WITHIN 30": false,
	} {
		if got := readsClock(def); got != want {
			t.Errorf("readsClock(%q) = %v, want %v", def, got, want)
		}
	}
}

// Factors are computed a chunk of profiles at a time; the chunking must
// not change them.
func TestFactorsChunked(t *testing.T) {
	e := openSmall(t, Options{})
	mf, err := e.loadModel(ast.Pos{}, "buy")
	if err != nil {
		t.Fatal(err)
	}
	b := e.binder(nil)
	defer b.Release()
	s, err := e.score(context.Background(), b, mf, 0)
	if err != nil {
		t.Fatal(err)
	}
	collect := func() []string {
		var out []string
		s.eachFactors(3, func(row int, fs []factor) {
			out = append(out, fmt.Sprint(row, fs))
		})
		return out
	}
	whole := collect()
	defer func(c int) { factorChunk = c }(factorChunk)
	factorChunk = 7
	if chunked := collect(); !reflect.DeepEqual(chunked, whole) || len(whole) != s.X.Rows || s.X.Rows <= 7 {
		t.Fatalf("%d rows: chunks of 7 give other factors than one chunk", s.X.Rows)
	}
}

// Under a small memory budget the cache keeps at most a quarter of it: a
// result larger than that is recomputed every time, and nothing leaks.
func TestPredictCacheBudget(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem, MemoryBudget: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if out := runCase(e, genModel); strings.Contains(out, "error") {
		t.Fatal(out)
	}
	if e.predicted.limit != 16<<20 {
		t.Fatalf("cache limit %d, want a quarter of the budget", e.predicted.limit)
	}
	e.predicted.limit = 1024 // smaller than any result
	first := runCase(e, genScores)
	if again := runCase(e, genScores); again != first {
		t.Fatal("results differ")
	}
	if got := e.predicted.misses.Load(); got != 2 {
		t.Errorf("PREDICT computed %d times, want 2 (a result above the limit is not kept)", got)
	}
	if e.predicted.bytes != 0 || len(e.predicted.entries) != 0 {
		t.Errorf("cache holds %d bytes in %d entries above its limit", e.predicted.bytes, len(e.predicted.entries))
	}
}

// The least recently used model's result goes first when the cache is
// full; releasing everything leaves no Arrow memory behind.
func TestPredictCacheEviction(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := func() arrow.RecordBatch {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(make([]float64, 1000), nil)
		col := b.NewArray()
		defer col.Release()
		return array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "p", Type: arrow.PrimitiveTypes.Float64}}, nil), []arrow.Array{col}, 1000)
	}
	size := func() int64 { r := rec(); defer r.Release(); return storage.RecordBytes(r) }()
	c := &predictCache{limit: 2*size + size/2} // room for two
	defer c.clear()
	key := func(m string) predictKey { return predictKey{model: m, cutoff: 1} }
	for _, m := range []string{"a", "b"} {
		r := rec()
		c.put(key(m), r)
		r.Release()
	}
	if r := c.get(key("a")); r == nil { // a is now the most recent
		t.Fatal("a not cached")
	} else {
		r.Release()
	}
	r := rec()
	c.put(key("c"), r)
	r.Release()
	if _, ok := c.entries["b"]; ok || len(c.entries) != 2 || c.bytes != 2*size {
		t.Fatalf("after adding c: entries %v, %d bytes; want a and c", len(c.entries), c.bytes)
	}
	if c.get(predictKey{model: "a", cutoff: 2}) != nil {
		t.Fatal("a result for another cutoff was returned")
	}
	c.clear()
	if c.bytes != 0 || len(c.entries) != 0 {
		t.Fatal("clear left entries")
	}
}
