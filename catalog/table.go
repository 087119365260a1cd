package catalog

import (
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
)

// Table is an immutable, reference-counted Arrow table: a schema and record
// batches. Once published in the catalog it is never mutated; readers Retain
// it while they scan and Release it when done.
type Table struct {
	Name    string              // name as given by its creator
	Schema  *arrow.Schema       // schema of every batch
	Batches []arrow.RecordBatch // the data, in order
	Rows    int64               // total rows over all batches
	// ID is unique among the tables of this process: a table's contents
	// never change, so (ID) names one version of one table's data, and
	// results computed from it can be cached under it.
	ID uint64

	refs atomic.Int64
}

var lastTableID atomic.Uint64

// NewTable returns a table with one reference. It takes ownership of the
// batches (it does not Retain them); they are released with the table.
func NewTable(name string, schema *arrow.Schema, batches []arrow.RecordBatch) *Table {
	t := &Table{Name: name, Schema: schema, Batches: batches, ID: lastTableID.Add(1)}
	for _, b := range batches {
		t.Rows += b.NumRows()
	}
	t.refs.Store(1)
	return t
}

// Retain adds a reference.
func (t *Table) Retain() { t.refs.Add(1) }

// Release drops a reference; the last one releases the batches.
func (t *Table) Release() {
	switch n := t.refs.Add(-1); {
	case n == 0:
		for _, b := range t.Batches {
			b.Release()
		}
	case n < 0:
		panic("catalog: Table released more often than retained")
	}
}
