package output

import (
	"encoding/hex"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A cell value is decoded once into a plain Go value, which each format
// then renders its own way. The possible dynamic types are:
//
//	nil        NULL
//	int64      signed integers
//	uint64     unsigned integers
//	float64    floating point and decimals
//	bool
//	string     strings; binary as hex
//	timeValue  timestamps and dates
//	[]any      lists (each element one of these types)
//	structValue
type (
	// timeValue is an instant; date is set for date types, which print
	// without a time of day.
	timeValue struct {
		t    time.Time
		date bool
	}
	// structValue keeps a struct's fields in schema order.
	structValue struct {
		names []string
		vals  []any
	}
)

// valueAt decodes row i of arr.
func valueAt(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Uint64:
		return a.Value(i)
	case *array.Uint32:
		return uint64(a.Value(i))
	case *array.Uint16:
		return uint64(a.Value(i))
	case *array.Uint8:
		return uint64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float16:
		return float64(a.Value(i).Float32())
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return hex.EncodeToString(a.Value(i))
	case *array.Timestamp:
		return timestampAt(a, i)
	case *array.Date32:
		return timeValue{t: a.Value(i).ToTime(), date: true}
	case *array.Date64:
		return timeValue{t: a.Value(i).ToTime(), date: true}
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		v := structValue{names: make([]string, a.NumField()), vals: make([]any, a.NumField())}
		for f := range v.vals {
			v.names[f] = st.Field(f).Name
			v.vals[f] = valueAt(a.Field(f), i)
		}
		return v
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		elems := a.ListValues()
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, valueAt(elems, int(j)))
		}
		return out
	case *array.Dictionary:
		return valueAt(a.Dictionary(), a.GetValueIndex(i))
	}
	if f, ok := decimalAt(arr, i); ok {
		return f
	}
	return arr.ValueStr(i)
}

// timestampAt decodes a timestamp in its type's time zone (UTC when the
// zone is unset or unknown).
func timestampAt(a *array.Timestamp, i int) timeValue {
	tt := a.DataType().(*arrow.TimestampType)
	t := a.Value(i).ToTime(tt.Unit)
	if tt.TimeZone != "" && tt.TimeZone != "UTC" {
		if loc, err := tt.GetZone(); err == nil && loc != nil {
			t = t.In(loc)
		}
	}
	return timeValue{t: t}
}

// decimalAt reads decimal types as float64.
func decimalAt(arr arrow.Array, i int) (float64, bool) {
	switch a := arr.(type) {
	case *array.Decimal128:
		return a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal128Type).Scale), true
	case *array.Decimal256:
		return a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal256Type).Scale), true
	}
	return 0, false
}

// isNumeric reports whether a column holds numbers (right-aligned in
// tables).
func isNumeric(dt arrow.DataType) bool {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		return isNumeric(d.ValueType)
	}
	return arrow.IsInteger(dt.ID()) || arrow.IsFloating(dt.ID()) || arrow.IsDecimal(dt.ID())
}
