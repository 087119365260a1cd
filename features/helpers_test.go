package features

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
)

// ev is one event row of the test tables. Column order of the built
// batches: 0 profile_id, 1 ts, 2 event_type, 3 value.
type ev struct {
	id      int64
	sid     string // identity when the table has string identities
	idNull  bool
	ts      int64 // microseconds since the epoch
	tsNull  bool
	typ     string
	typNull bool
	val     float64
	valNull bool
}

const (
	colID = iota
	colTS
	colType
	colVal
)

func testSchema(strIDs bool) *arrow.Schema {
	idType := arrow.DataType(arrow.PrimitiveTypes.Int64)
	if strIDs {
		idType = arrow.BinaryTypes.String
	}
	return arrow.NewSchema([]arrow.Field{
		{Name: "profile_id", Type: idType, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "event_type", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
}

// makeBatches splits evs into nb record batches (nb >= 1). The caller
// releases them with releaseAll.
func makeBatches(mem memory.Allocator, schema *arrow.Schema, evs []ev, nb int) []arrow.RecordBatch {
	if nb < 1 {
		nb = 1
	}
	strIDs := schema.Field(colID).Type.ID() == arrow.STRING
	var out []arrow.RecordBatch
	per := (len(evs) + nb - 1) / nb
	if per == 0 {
		per = 1
	}
	for lo := 0; lo < len(evs) || (lo == 0 && len(evs) == 0); lo += per {
		hi := min(lo+per, len(evs))
		b := array.NewRecordBuilder(mem, schema)
		for _, e := range evs[lo:hi] {
			if e.idNull {
				b.Field(colID).AppendNull()
			} else if strIDs {
				b.Field(colID).(*array.StringBuilder).Append(e.sid)
			} else {
				b.Field(colID).(*array.Int64Builder).Append(e.id)
			}
			if e.tsNull {
				b.Field(colTS).AppendNull()
			} else {
				b.Field(colTS).(*array.TimestampBuilder).Append(arrow.Timestamp(e.ts))
			}
			if e.typNull {
				b.Field(colType).AppendNull()
			} else {
				b.Field(colType).(*array.StringBuilder).Append(e.typ)
			}
			if e.valNull {
				b.Field(colVal).AppendNull()
			} else {
				b.Field(colVal).(*array.Float64Builder).Append(e.val)
			}
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		if len(evs) == 0 {
			break
		}
	}
	return out
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

func col(schema *arrow.Schema, i int) *expr.Col {
	f := schema.Field(i)
	return &expr.Col{Idx: i, Name: f.Name, T: f.Type}
}

func mustCompare(t testing.TB, op string, l, r expr.Expr) expr.Expr {
	t.Helper()
	x, err := expr.NewCompare(op, l, r)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// typeIs is event_type = s.
func typeIs(t testing.TB, schema *arrow.Schema, s string) expr.Expr {
	return mustCompare(t, "=", col(schema, colType), expr.StringConst(s))
}

// build runs Build over evs (split into nb batches) with a checked
// allocator and checks that the batches are the only Arrow memory.
func build(t testing.TB, spec *Spec, evs []ev, nb int, keys *Keys, cutoffs []int64) *Result {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := makeBatches(mem, spec.Schema, evs, nb)
	defer releaseAll(recs)
	if keys == nil {
		keys = NewKeys(spec.Schema.Field(spec.IDCol).Type.ID() != arrow.STRING)
	}
	res, err := Build(context.Background(), spec, recs, keys, cutoffs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// colIndex finds a layout column by name.
func colIndex(t testing.TB, l *Layout, name string) int {
	t.Helper()
	for i, c := range l.Columns {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no column %q in layout", name)
	return -1
}

// profileIndex finds the dense index of an identity ("7" or "alice").
func profileIndex(keys *Keys, id string) int {
	for p := 0; p < keys.Len(); p++ {
		if keys.String(int32(p)) == id {
			return p
		}
	}
	return -1
}

// emptyRow is the feature row of a profile without any event in the
// lookback: zero counts, NaN day gaps and averages; extra COUNTs 0, other
// extras NaN (SQL NULL).
func emptyRow(spec *Spec, l *Layout) (x []float64, extra []float64) {
	x = make([]float64, l.Width())
	for i, c := range l.Columns {
		if strings.HasSuffix(c.Name, "_days_since_last") || strings.HasSuffix(c.Name, "_days_since_first") || strings.HasSuffix(c.Name, "_avg") {
			x[i] = math.NaN()
		}
	}
	extra = make([]float64, len(spec.Extra))
	for a, agg := range spec.Extra {
		if agg.Func != "COUNT" && agg.Func != "COUNT(*)" {
			extra[a] = math.NaN()
		}
	}
	return x, extra
}

// same compares floats with NaN == NaN.
func same(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}
