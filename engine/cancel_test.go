package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
)

// putEvents builds an event table of n rows over `profiles` profiles and
// `days` days in the test (no file) and puts it in the catalog.
func putEvents(t *testing.T, e *Engine, name string, n, profiles, days int) {
	t.Helper()
	mem := e.Mem()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "customer_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "event_type", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	span := int64(days) * 24 * 3600 * 1e6
	types := []string{"page_view", "purchase", "email_open", "add_to_cart"}
	var batches []arrow.RecordBatch
	seed := uint64(12345)
	next := func() uint64 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return seed
	}
	const batchRows = 64 * 1024
	for done := 0; done < n; {
		rows := min(batchRows, n-done)
		b := array.NewRecordBuilder(mem, schema)
		id := b.Field(0).(*array.StringBuilder)
		ts := b.Field(1).(*array.TimestampBuilder)
		typ := b.Field(2).(*array.StringBuilder)
		amt := b.Field(3).(*array.Float64Builder)
		for i := 0; i < rows; i++ {
			r := next()
			p := int(r % uint64(profiles))
			id.Append(fmt.Sprintf("p%07d", p))
			// Profiles with higher numbers stop earlier, so some churn.
			active := span - span*int64(p%5)/10
			ts.Append(arrow.Timestamp(start + int64((r>>20)%uint64(active))))
			k := int((r >> 8) % 10)
			switch {
			case k < 6:
				typ.Append(types[0])
				amt.AppendNull()
			case k < 8:
				typ.Append(types[1])
				amt.Append(float64((r>>30)%10000) / 100)
			default:
				typ.Append(types[2+k%2])
				amt.AppendNull()
			}
		}
		batches = append(batches, b.NewRecordBatch())
		b.Release()
		done += rows
	}
	tbl := catalog.NewTable(name, schema, batches)
	defer tbl.Release()
	if err := e.Catalog().PutTable(tbl, true); err != nil {
		t.Fatal(err)
	}
}

// cancelAfter runs src with a context canceled after delay and checks
// that it stops with a cancellation error soon after the cancel, and that
// every byte it allocated is returned.
func cancelAfter(t *testing.T, e *Engine, mem *memory.CheckedAllocator, src string, delay time.Duration) {
	t.Helper()
	before := mem.CurrentAlloc()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var canceledAt time.Time
	timer := time.AfterFunc(delay, func() {
		canceledAt = time.Now()
		cancel()
	})
	defer timer.Stop()
	start := time.Now()
	err := e.Run(ctx, "", src, nil, func(r *Result) error { r.Release(); return nil })
	end := time.Now()
	if canceledAt.IsZero() {
		t.Fatalf("%s finished in %v, before the cancel at %v; make the workload bigger (err %v)", src, end.Sub(start), delay, err)
	}
	latency := end.Sub(canceledAt)
	t.Logf("%s: canceled after %v, returned %v later (err: %v)", src, delay, latency, err)
	if err == nil {
		t.Fatalf("%s: canceled statement returned no error", src)
	}
	if !errors.Is(err, context.Canceled) && !errors.Is(err, ErrCanceled) {
		t.Errorf("%s: want a cancellation error (errors.Is context.Canceled or ErrCanceled), got %v", src, err)
	}
	if !startsWithPos(err.Error()) {
		t.Errorf("%s: the error must carry the statement position: %v", src, err)
	}
	// The goal is 200 ms; 1 s keeps the test robust on a loaded machine.
	if latency > time.Second {
		t.Errorf("%s: returned %v after the cancel, want < 1s (goal 200ms)", src, latency)
	} else if latency > 200*time.Millisecond {
		t.Logf("%s: latency %v is above the 200ms goal", src, latency)
	}
	if after := mem.CurrentAlloc(); after != before {
		t.Errorf("%s: allocator holds %d bytes after the canceled statement, %d before", src, after, before)
	}
}

func TestCancelQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 2M rows")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	putEvents(t, e, "big", 2_000_000, 100_000, 365)
	for _, q := range []string{
		"SELECT customer_id, COUNT(*) AS n, SUM(amount) AS s, COUNT(DISTINCT event_type) AS k FROM big GROUP BY customer_id ORDER BY s DESC, customer_id;",
		"SELECT a.event_type, COUNT(*) FROM big a JOIN big b ON a.customer_id = b.customer_id GROUP BY 1;",
		"SELECT * FROM big ORDER BY amount DESC NULLS LAST, ts, customer_id;",
		"CREATE TABLE copy AS SELECT customer_id, ts, lower(event_type) AS t, amount * 2 AS a2 FROM big WHERE amount IS NULL OR amount > 1;",
	} {
		cancelAfter(t, e, mem, q, 50*time.Millisecond)
	}
	// The engine is still usable and the canceled CREATE left nothing.
	out, err := runAll(e, "SELECT COUNT(*) FROM big; SHOW TABLES;")
	if err != nil {
		t.Fatal(err)
	}
	if want := "count(*):BIGINT\n2000000\nname:VARCHAR | rows:BIGINT | columns:BIGINT\nbig | 2000000 | 4\n"; out != want {
		t.Errorf("after the cancels:\n%s\nwant:\n%s", out, want)
	}
}

func TestCancelCreateModel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large event table")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	putEvents(t, e, "events", 1_000_000, 50_000, 365)
	for _, delay := range []time.Duration{50 * time.Millisecond, 400 * time.Millisecond} {
		cancelAfter(t, e, mem, `CREATE MODEL m AS PREDICT CHURN FOR EACH customer_id FROM events
  GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 200, patience = 200);`, delay)
	}
	cancelAfter(t, e, mem, `PREDICT CONVERSION FOR EACH customer_id FROM events
  GOAL event_type = 'add_to_cart' WITHIN 14 DAYS WITH (min_class = 1, epochs = 200, patience = 200);`, 50*time.Millisecond)
	out, err := runAll(e, "SHOW MODELS;")
	if err != nil || out != "name:VARCHAR | kind:VARCHAR | created:TIMESTAMP\n" && !isEmptyRows(out) {
		t.Errorf("a canceled CREATE MODEL must not leave a model: %v\n%s", err, out)
	}
}

// isEmptyRows reports whether a runCase output is a header only.
func isEmptyRows(out string) bool {
	n := 0
	for _, c := range out {
		if c == '\n' {
			n++
		}
	}
	return n == 1
}

// TestCanceledBeforeStart: an already-canceled context stops before the
// first statement.
func TestCanceledBeforeStart(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = e.Run(ctx, "", "CREATE TABLE t AS SELECT 1 AS a; SELECT * FROM t;", nil, func(r *Result) error { r.Release(); return nil })
	if !errors.Is(err, context.Canceled) && !errors.Is(err, ErrCanceled) {
		t.Fatalf("want a cancellation error, got %v", err)
	}
	if e.exists("TABLE", "t") {
		t.Errorf("a canceled script must not have run its first statement")
	}
}
