// Command embed shows cai used as a Go library: it opens an in-memory
// database, registers an Arrow table of events built in code, runs a
// query with a ? parameter and prints the rows.
//
//	go run ./examples/embed
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// run does the work and prints to w.
func run(w io.Writer) error {
	ctx := context.Background()
	db, err := cai.Open(cai.Options{}) // in memory; set Dir to keep data
	if err != nil {
		return err
	}
	defer db.Close()

	events := eventsTable(memory.DefaultAllocator)
	defer events.Release()
	if err := db.RegisterTable("events", events); err != nil {
		return err
	}

	rr, err := db.Query(ctx, `
		SELECT customer_id, COUNT(*) AS purchases, SUM(value) AS total
		FROM events
		WHERE event_type = 'purchase' AND ts >= ?
		GROUP BY customer_id
		ORDER BY total DESC`, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		ids := rec.Column(0).(*array.String)
		counts := rec.Column(1).(*array.Int64)
		totals := rec.Column(2).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Fprintf(w, "%-6s purchases=%d total=%.2f\n", ids.Value(i), counts.Value(i), totals.Value(i))
		}
	}
	return rr.Err()
}

// eventsTable builds a small table of events: who, what, when and how
// much.
func eventsTable(mem memory.Allocator) arrow.Table {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "customer_id", Type: arrow.BinaryTypes.String},
		{Name: "event_type", Type: arrow.BinaryTypes.String},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	day := func(m time.Month, d int) arrow.Timestamp {
		return arrow.Timestamp(time.Date(2024, m, d, 12, 0, 0, 0, time.UTC).UnixMicro())
	}
	for _, e := range []struct {
		id, kind string
		ts       arrow.Timestamp
		value    float64
	}{
		{"alice", "purchase", day(2, 10), 30},
		{"alice", "purchase", day(3, 5), 42.5},
		{"alice", "visit", day(3, 6), 0},
		{"bob", "purchase", day(3, 20), 12},
		{"bob", "purchase", day(4, 2), 8},
		{"bob", "purchase", day(4, 9), 15.25},
		{"carol", "visit", day(3, 15), 0},
	} {
		b.Field(0).(*array.StringBuilder).Append(e.id)
		b.Field(1).(*array.StringBuilder).Append(e.kind)
		b.Field(2).(*array.TimestampBuilder).Append(e.ts)
		if e.kind == "visit" {
			b.Field(3).(*array.Float64Builder).AppendNull()
		} else {
			b.Field(3).(*array.Float64Builder).Append(e.value)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return array.NewTableFromRecords(schema, []arrow.RecordBatch{rec})
}
