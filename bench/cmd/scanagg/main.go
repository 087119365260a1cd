// Command scanagg compares cai with DuckDB on two scan-and-aggregate
// queries over the same deterministically generated event data.
//
//	cd bench && go run ./cmd/scanagg -rows 10000000
//
// Data loading is excluded from the timings of both engines: cai gets the
// in-memory Arrow batches through RegisterReader; DuckDB loads the same
// batches from a temporary Parquet file with CREATE TABLE ... AS SELECT.
// Each query runs once to warm up, then -runs times; medians are reported.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/cai-dev/cai"
	"github.com/cai-dev/cai/bench/internal/measure"
)

const (
	batchRows = 64 * 1024
	profiles  = 200_000
)

// Generated range: [2024-01-01, 2025-01-01) UTC; Q2 keeps the second half.
var (
	tsStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tsEnd   = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

// 12 event types with skewed weights (per mille, summing to 1000).
var eventTypes = []struct {
	name   string
	weight int
}{
	{"page_view", 400}, {"click", 180}, {"scroll", 110}, {"search", 80},
	{"add_to_cart", 60}, {"login", 45}, {"logout", 35}, {"purchase", 30},
	{"signup", 20}, {"share", 18}, {"review", 12}, {"refund", 10},
}

var queries = []struct{ name, sql string }{
	{"Q1", "SELECT event_type, COUNT(*), SUM(value), AVG(value) FROM events WHERE value > 10 GROUP BY event_type"},
	{"Q2", "SELECT profile_id, COUNT(*) AS n, SUM(value) FILTER (WHERE event_type = 'purchase') AS spend FROM events WHERE ts >= TIMESTAMP '2024-07-01' GROUP BY profile_id ORDER BY n DESC LIMIT 10"},
}

// splitmix64: small, fast, deterministic.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "profile_id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "event_type", Type: arrow.BinaryTypes.String},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64},
}, nil)

func generate(mem memory.Allocator, rows int) []arrow.RecordBatch {
	r := &rng{s: 42}
	var lookup [1000]string
	i := 0
	for _, e := range eventTypes {
		for j := 0; j < e.weight; j++ {
			lookup[i] = e.name
			i++
		}
	}
	startUS := tsStart.UnixMicro()
	spanUS := uint64(tsEnd.UnixMicro() - startUS)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	pid := b.Field(0).(*array.Int64Builder)
	ts := b.Field(1).(*array.TimestampBuilder)
	et := b.Field(2).(*array.StringBuilder)
	val := b.Field(3).(*array.Float64Builder)
	var batches []arrow.RecordBatch
	for done := 0; done < rows; {
		n := min(batchRows, rows-done)
		pid.Reserve(n)
		ts.Reserve(n)
		et.Reserve(n)
		val.Reserve(n)
		for k := 0; k < n; k++ {
			pid.UnsafeAppend(int64(r.next() % profiles))
			ts.UnsafeAppend(arrow.Timestamp(startUS + int64(r.next()%spanUS)))
			et.Append(lookup[r.next()%1000])
			// Skewed positive amounts: exponential with mean 25, in cents.
			v := -25 * math.Log(1-r.float())
			val.UnsafeAppend(math.Round(v*100) / 100)
		}
		batches = append(batches, b.NewRecordBatch())
		done += n
	}
	return batches
}

func writeParquet(path string, batches []arrow.RecordBatch) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithMaxRowGroupLength(1<<20))
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return err
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close() // closes f
}

// q1Row is one Q1 group, for comparing the engines.
type q1Row struct {
	count    int64
	sum, avg float64
}

// result is what one run returns: rows and, for comparison, Q1 groups or
// Q2 counts.
type result struct {
	rows int
	q1   map[string]q1Row
	q2n  []int64
}

func runCai(ctx context.Context, db *cai.DB, q string) (result, error) {
	rr, err := db.Query(ctx, q)
	if err != nil {
		return result{}, err
	}
	defer rr.Release()
	res := result{q1: map[string]q1Row{}}
	for rr.Next() {
		rec := rr.RecordBatch()
		n := int(rec.NumRows())
		res.rows += n
		switch rec.NumCols() {
		case 4: // Q1
			names := rec.Column(0).(*array.String)
			for i := 0; i < n; i++ {
				res.q1[names.Value(i)] = q1Row{
					count: intAt(rec.Column(1), i),
					sum:   floatAt(rec.Column(2), i),
					avg:   floatAt(rec.Column(3), i),
				}
			}
		case 3: // Q2
			for i := 0; i < n; i++ {
				res.q2n = append(res.q2n, intAt(rec.Column(1), i))
			}
		}
	}
	return res, rr.Err()
}

func intAt(a arrow.Array, i int) int64 {
	switch c := a.(type) {
	case *array.Int64:
		return c.Value(i)
	case *array.Float64:
		return int64(c.Value(i))
	}
	panic(fmt.Sprintf("unexpected column type %s", a.DataType()))
}

func floatAt(a arrow.Array, i int) float64 {
	switch c := a.(type) {
	case *array.Float64:
		return c.Value(i)
	case *array.Int64:
		return float64(c.Value(i))
	}
	panic(fmt.Sprintf("unexpected column type %s", a.DataType()))
}

func runDuck(ctx context.Context, db *sql.DB, q string) (result, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return result{}, err
	}
	defer rows.Close()
	res := result{q1: map[string]q1Row{}}
	cols, _ := rows.Columns()
	for rows.Next() {
		res.rows++
		switch len(cols) {
		case 4:
			var name string
			var r q1Row
			if err := rows.Scan(&name, &r.count, &r.sum, &r.avg); err != nil {
				return res, err
			}
			res.q1[name] = r
		case 3:
			var pid, n int64
			var spend sql.NullFloat64
			if err := rows.Scan(&pid, &n, &spend); err != nil {
				return res, err
			}
			res.q2n = append(res.q2n, n)
		}
	}
	return res, rows.Err()
}

func relClose(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b))
}

func compare(name string, c, d result) error {
	if c.rows != d.rows {
		return fmt.Errorf("%s: cai returned %d rows, duckdb %d", name, c.rows, d.rows)
	}
	for k, dv := range d.q1 {
		cv, ok := c.q1[k]
		if !ok {
			return fmt.Errorf("%s: group %q missing from cai", name, k)
		}
		if cv.count != dv.count || !relClose(cv.sum, dv.sum) || !relClose(cv.avg, dv.avg) {
			return fmt.Errorf("%s: group %q: cai %+v, duckdb %+v", name, k, cv, dv)
		}
	}
	// Q2's top-10 profiles may tie on n, so compare the n values only.
	cn := append([]int64(nil), c.q2n...)
	dn := append([]int64(nil), d.q2n...)
	sort.Slice(cn, func(i, j int) bool { return cn[i] > cn[j] })
	sort.Slice(dn, func(i, j int) bool { return dn[i] > dn[j] })
	if fmt.Sprint(cn) != fmt.Sprint(dn) {
		return fmt.Errorf("%s: top counts differ: cai %v, duckdb %v", name, cn, dn)
	}
	return nil
}

func main() {
	rows := flag.Int("rows", 10_000_000, "number of event rows to generate")
	runs := flag.Int("runs", 3, "measured runs per query and engine")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	t0 := time.Now()
	mem := memory.NewGoAllocator()
	batches := generate(mem, *rows)
	log.Printf("generated %d rows in %d batches in %v", *rows, len(batches), time.Since(t0).Round(time.Millisecond))

	// cai: register the in-memory batches (excluded from timings).
	t0 = time.Now()
	cdb, err := cai.Open(cai.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer cdb.Close()
	rdr, err := array.NewRecordReader(schema, batches)
	if err != nil {
		log.Fatal(err)
	}
	err = cdb.RegisterReader("events", rdr)
	rdr.Release()
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("cai: registered in %v", time.Since(t0).Round(time.Millisecond))

	// DuckDB: same batches via a temporary Parquet file (excluded too).
	t0 = time.Now()
	dir, err := os.MkdirTemp("", "scanagg")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	pq := filepath.Join(dir, "events.parquet")
	if err := writeParquet(pq, batches); err != nil {
		log.Fatal(err)
	}
	ddb, err := sql.Open("duckdb", "")
	if err != nil {
		log.Fatal(err)
	}
	defer ddb.Close()
	ddb.SetMaxOpenConns(1) // one connection, so session settings hold
	for _, s := range []string{
		"SET threads = 2",
		"SET TimeZone = 'UTC'",
		"CREATE TABLE events AS SELECT * FROM read_parquet('" + strings.ReplaceAll(pq, "'", "''") + "')",
	} {
		if _, err := ddb.ExecContext(ctx, s); err != nil {
			log.Fatalf("duckdb: %s: %v", s, err)
		}
	}
	var duckVersion string
	_ = ddb.QueryRowContext(ctx, "SELECT version()").Scan(&duckVersion)
	log.Printf("duckdb %s: parquet written and loaded in %v", duckVersion, time.Since(t0).Round(time.Millisecond))

	type row struct {
		name           string
		cai, duk       time.Duration
		caiCPU, dukCPU time.Duration
	}
	var table []row
	allMatch := true
	for _, q := range queries {
		var ct, dt, cc, dc []time.Duration
		var cres, dres result
		// One warm-up run each, then measured runs.
		for i := -1; i < *runs; i++ {
			runtime.GC()
			t, c := time.Now(), measure.CPUTime()
			cres, err = runCai(ctx, cdb, q.sql)
			if err != nil {
				log.Fatalf("cai %s: %v", q.name, err)
			}
			if i >= 0 {
				ct = append(ct, time.Since(t))
				cc = append(cc, measure.CPUTime()-c)
			}
		}
		for i := -1; i < *runs; i++ {
			runtime.GC()
			t, c := time.Now(), measure.CPUTime()
			dres, err = runDuck(ctx, ddb, q.sql)
			if err != nil {
				log.Fatalf("duckdb %s: %v", q.name, err)
			}
			if i >= 0 {
				dt = append(dt, time.Since(t))
				dc = append(dc, measure.CPUTime()-c)
			}
		}
		log.Printf("%s wall: cai %v, duckdb %v; cpu: cai %v, duckdb %v", q.name, ct, dt, cc, dc)
		if err := compare(q.name, cres, dres); err != nil {
			log.Printf("MISMATCH: %v", err)
			allMatch = false
		}
		table = append(table, row{q.name, measure.Median(ct), measure.Median(dt), measure.Median(cc), measure.Median(dc)})
	}
	if allMatch {
		fmt.Println("results match")
	} else {
		fmt.Println("results DIFFER (see log)")
	}

	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	mrows := func(d time.Duration) float64 { return float64(*rows) / 1e6 / d.Seconds() }
	fmt.Printf("\n%d rows, median of %d runs, GOMAXPROCS=%d, duckdb threads=2\n\n", *rows, *runs, runtime.GOMAXPROCS(0))
	fmt.Println("| query | cai median (ms) | duckdb median (ms) | cai/duckdb time ratio | cai Mrows/s | duckdb Mrows/s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range table {
		fmt.Printf("| %s | %.1f | %.1f | %.2f | %.1f | %.1f |\n",
			r.name, ms(r.cai), ms(r.duk), ms(r.cai)/ms(r.duk), mrows(r.cai), mrows(r.duk))
	}
	fmt.Println("\nProcess CPU time (user+sys, all threads), median:")
	fmt.Println()
	fmt.Println("| query | cai CPU (ms) | duckdb CPU (ms) | cai/duckdb CPU ratio |")
	fmt.Println("|---|---:|---:|---:|")
	for _, r := range table {
		fmt.Printf("| %s | %.1f | %.1f | %.2f |\n", r.name, ms(r.caiCPU), ms(r.dukCPU), ms(r.caiCPU)/ms(r.dukCPU))
	}
	for _, b := range batches {
		b.Release()
	}
}
