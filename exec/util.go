package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// newRecord builds a record batch; it retains the columns.
func newRecord(schema *arrow.Schema, cols []arrow.Array, rows int64) arrow.RecordBatch {
	return array.NewRecordBatch(schema, cols, rows)
}

func colRef(i int, c planner.Column) expr.Expr {
	return &expr.Col{Idx: i, Name: c.Name, T: c.T}
}

// releaseArrays releases arrays that are not nil.
func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}
