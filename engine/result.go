package engine

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Result is what one statement produced: rows (Schema and Batches) for
// statements that return rows, and a one-line Message for the others
// ("created table t (69659 rows)").
type Result struct {
	// Stmt is the statement's text.
	Stmt string
	// Schema and Batches hold the rows; Schema is nil when the statement
	// returns no rows.
	Schema  *arrow.Schema
	Batches []arrow.RecordBatch
	// Message is a human summary for statements without rows.
	Message string
	// Chart names a natural bar chart of the rows for terminals that
	// draw one: "" (none), "deciles" or "histogram".
	Chart string
}

// HasRows reports whether the result carries a table.
func (r *Result) HasRows() bool { return r.Schema != nil }

// NumRows counts the rows.
func (r *Result) NumRows() int64 {
	var n int64
	for _, b := range r.Batches {
		n += b.NumRows()
	}
	return n
}

// Release frees the batches. Safe to call twice.
func (r *Result) Release() {
	for _, b := range r.Batches {
		b.Release()
	}
	r.Batches = nil
}
