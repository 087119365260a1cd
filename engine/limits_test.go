package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestMemoryBudget(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem, MemoryBudget: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	out := runCase(e, "CREATE TABLE events FROM 'testdata/csv/events.csv';")
	if out != "created table events (9 rows, 5 columns)\n" {
		t.Fatalf("small load under budget: %q", out)
	}
	// A cross join of the table with itself five times needs far more
	// than 64 KiB of Arrow memory.
	err = e.Run(context.Background(), "", `SELECT COUNT(*) FROM events a, events b, events c, events d, events f
		WHERE a.value + b.value + c.value + d.value + f.value > 0 ORDER BY 1;`, nil, func(r *Result) error { r.Release(); return nil })
	if !errors.Is(err, ErrMemoryBudget) {
		t.Fatalf("want ErrMemoryBudget, got %v", err)
	}
	// The engine keeps working after the refusal.
	if out := runCase(e, "SELECT COUNT(*) AS n FROM events;"); out != "n:BIGINT\n9\n" {
		t.Fatalf("after budget error: %q", out)
	}
}

func TestStatementTimeout(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem, StatementTimeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	err = e.Run(context.Background(), "", "CREATE TABLE events FROM 'testdata/csv/events.csv';", nil, func(r *Result) error { r.Release(); return nil })
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("want ErrCanceled, got %v", err)
	}
}
