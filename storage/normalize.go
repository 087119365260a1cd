package storage

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TimestampType is the engine's only temporal type: microseconds since the
// Unix epoch, in UTC. Dates become midnight UTC; timestamps without a zone
// are taken to be UTC.
var TimestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// NormalizeType maps any Arrow type to the engine type that Normalize
// converts it to:
//
//   - integers of any width and sign: Int64
//   - floats and decimals: Float64
//   - booleans: Boolean
//   - date32, date64 and timestamps of any unit and zone: TimestampType
//   - lists of any kind (large, fixed-size, view, map): list of the
//     normalised element type; a map becomes a list of key/value structs
//   - structs: struct of normalised fields (all nullable)
//   - dictionaries: the normalised value type
//   - strings, binaries and everything else (times of day, durations,
//     intervals, unions, extension types, null): String
func NormalizeType(dt arrow.DataType) arrow.DataType {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return arrow.PrimitiveTypes.Int64
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return arrow.PrimitiveTypes.Float64
	case arrow.BOOL:
		return arrow.FixedWidthTypes.Boolean
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return TimestampType
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.LIST_VIEW,
		arrow.LARGE_LIST_VIEW, arrow.MAP:
		if l, ok := dt.(arrow.ListLikeType); ok {
			return arrow.ListOf(NormalizeType(l.Elem()))
		}
	case arrow.STRUCT:
		st := dt.(*arrow.StructType)
		fields := make([]arrow.Field, st.NumFields())
		for i, f := range st.Fields() {
			fields[i] = arrow.Field{Name: f.Name, Type: NormalizeType(f.Type), Nullable: true}
		}
		return arrow.StructOf(fields...)
	case arrow.DICTIONARY:
		return NormalizeType(dt.(*arrow.DictionaryType).ValueType)
	}
	return arrow.BinaryTypes.String
}

// Normalize converts arr to NormalizeType(arr.DataType()). The result is a
// new reference the caller must Release; when arr already has the engine
// type it is returned retained, without copying. Buffers are shared where
// the physical layout allows (timestamps in microseconds, lists, structs).
//
// Normalize fails for unsigned 64-bit values above math.MaxInt64 and for
// lists with more than math.MaxInt32 elements. It never panics: corrupt
// arrays give an error wrapping ErrMalformed.
func Normalize(mem memory.Allocator, arr arrow.Array) (out arrow.Array, err error) {
	defer func() {
		if r := recover(); r != nil {
			if out != nil {
				out.Release()
			}
			out, err = nil, fmt.Errorf("%w: cannot convert %s array: %v", ErrMalformed, arr.DataType(), r)
		}
	}()
	return normalize(mem, arr)
}

func normalize(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	switch a := arr.(type) {
	case *array.Int64, *array.Float64, *array.Boolean, *array.String:
		arr.Retain()
		return arr, nil
	case *array.Int8:
		return intsToInt64(mem, a), nil
	case *array.Int16:
		return intsToInt64(mem, a), nil
	case *array.Int32:
		return intsToInt64(mem, a), nil
	case *array.Uint8:
		return intsToInt64(mem, a), nil
	case *array.Uint16:
		return intsToInt64(mem, a), nil
	case *array.Uint32:
		return intsToInt64(mem, a), nil
	case *array.Uint64:
		return uint64ToInt64(mem, a)
	case *array.Float16:
		return mapToFloat64(mem, a, func(i int) float64 { return float64(a.Value(i).Float32()) }), nil
	case *array.Float32:
		return mapToFloat64(mem, a, func(i int) float64 { return float64(a.Value(i)) }), nil
	case *array.Decimal32:
		return decimalToFloat64(mem, a), nil
	case *array.Decimal64:
		return decimalToFloat64(mem, a), nil
	case *array.Decimal128:
		return decimalToFloat64(mem, a), nil
	case *array.Decimal256:
		return decimalToFloat64(mem, a), nil
	case *array.Timestamp:
		return normalizeTimestamp(mem, a), nil
	case *array.Date32:
		return mapToTimestamp(mem, a, func(i int) int64 { return int64(a.Value(i)) * microsPerDay }), nil
	case *array.Date64:
		return mapToTimestamp(mem, a, func(i int) int64 { return int64(a.Value(i)) * 1000 }), nil
	case *array.Dictionary:
		return normalizeDictionary(mem, a)
	case *array.Struct:
		return normalizeStruct(mem, a)
	case *array.List:
		return normalizeList(mem, a)
	case array.ListLike:
		return normalizeListLike(mem, a)
	case array.ExtensionArray:
		return mapToString(mem, arr, arr.ValueStr), nil
	case *array.Null:
		return array.MakeArrayOfNull(mem, arrow.BinaryTypes.String, a.Len()), nil
	case *array.LargeString:
		return mapToString(mem, a, a.Value), nil
	case *array.StringView:
		return mapToString(mem, a, a.Value), nil
	case interface{ Value(int) []byte }:
		return mapToString(mem, arr, func(i int) string { return string(a.Value(i)) }), nil
	}
	return mapToString(mem, arr, arr.ValueStr), nil
}

const microsPerDay = 86400 * 1000 * 1000

type valuer[T any] interface {
	arrow.Array
	Value(int) T
}

func intsToInt64[T int8 | int16 | int32 | uint8 | uint16 | uint32](mem memory.Allocator, a valuer[T]) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(int64(a.Value(i)))
		}
	}
	return b.NewArray()
}

func uint64ToInt64(mem memory.Allocator, a *array.Uint64) (arrow.Array, error) {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		switch {
		case a.IsNull(i):
			b.UnsafeAppendBoolToBitmap(false)
		case a.Value(i) > math.MaxInt64:
			return nil, fmt.Errorf("value %d overflows BIGINT", a.Value(i))
		default:
			b.UnsafeAppend(int64(a.Value(i)))
		}
	}
	return b.NewArray(), nil
}

func mapToFloat64(mem memory.Allocator, a arrow.Array, f func(int) float64) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(f(i))
		}
	}
	return b.NewArray()
}

func decimalToFloat64[T interface{ ToFloat64(int32) float64 }](mem memory.Allocator, a valuer[T]) arrow.Array {
	scale := a.DataType().(arrow.DecimalType).GetScale()
	return mapToFloat64(mem, a, func(i int) float64 { return a.Value(i).ToFloat64(scale) })
}

func mapToTimestamp(mem memory.Allocator, a arrow.Array, f func(int) int64) arrow.Array {
	b := array.NewTimestampBuilder(mem, TimestampType)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(arrow.Timestamp(f(i)))
		}
	}
	return b.NewArray()
}

func mapToString(mem memory.Allocator, a arrow.Array, f func(int) string) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(f(i))
		}
	}
	return b.NewArray()
}

// normalizeTimestamp rescales to microseconds; a timestamp already in
// microseconds only gets the new type (the zone does not change the stored
// instant).
func normalizeTimestamp(mem memory.Allocator, a *array.Timestamp) arrow.Array {
	unit := a.DataType().(*arrow.TimestampType).Unit
	if unit == arrow.Microsecond {
		return retype(a, TimestampType)
	}
	return mapToTimestamp(mem, a, func(i int) int64 {
		v := int64(a.Value(i))
		switch unit {
		case arrow.Second:
			return v * 1e6
		case arrow.Millisecond:
			return v * 1e3
		default: // nanoseconds, rounded towards minus infinity
			q := v / 1e3
			if v%1e3 < 0 {
				q--
			}
			return q
		}
	})
}

// retype returns a view of a's buffers under another, physically identical
// type.
func retype(a arrow.Array, dt arrow.DataType) arrow.Array {
	d := a.Data()
	nd := array.NewData(dt, d.Len(), d.Buffers(), d.Children(), d.NullN(), d.Offset())
	defer nd.Release()
	return array.MakeFromData(nd)
}

func normalizeDictionary(mem memory.Allocator, a *array.Dictionary) (arrow.Array, error) {
	dict, err := normalize(mem, a.Dictionary())
	if err != nil {
		return nil, err
	}
	defer dict.Release()
	b := array.NewBuilder(mem, dict.DataType())
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		j := a.GetValueIndex(i)
		if j < 0 || j >= dict.Len() {
			return nil, fmt.Errorf("%w: dictionary index %d out of range", ErrMalformed, j)
		}
		appendFrom(b, dict, j)
	}
	return b.NewArray(), nil
}

// normalizeStruct normalises the (unsliced) children and keeps the
// struct's own validity bitmap and offset.
func normalizeStruct(mem memory.Allocator, a *array.Struct) (arrow.Array, error) {
	d := a.Data()
	children := make([]arrow.ArrayData, len(d.Children()))
	defer func() {
		for _, c := range children {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, cd := range d.Children() {
		c := array.MakeFromData(cd)
		nc, err := normalize(mem, c)
		c.Release()
		if err != nil {
			return nil, err
		}
		children[i] = nc.Data()
		children[i].Retain()
		nc.Release()
	}
	nd := array.NewData(NormalizeType(a.DataType()), d.Len(), d.Buffers()[:1], children, d.NullN(), d.Offset())
	defer nd.Release()
	return array.MakeFromData(nd), nil
}

// normalizeList normalises the values of a plain list and reuses its
// validity and offsets buffers.
func normalizeList(mem memory.Allocator, a *array.List) (arrow.Array, error) {
	vals, err := normalize(mem, a.ListValues())
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	d := a.Data()
	nd := array.NewData(arrow.ListOf(vals.DataType()), d.Len(), d.Buffers()[:2],
		[]arrow.ArrayData{vals.Data()}, d.NullN(), d.Offset())
	defer nd.Release()
	return array.MakeFromData(nd), nil
}

// normalizeListLike converts large, fixed-size and view lists and maps to a
// plain list, copying the elements.
func normalizeListLike(mem memory.Allocator, a array.ListLike) (arrow.Array, error) {
	vals, err := normalize(mem, a.ListValues())
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	b := array.NewListBuilder(mem, vals.DataType())
	defer b.Release()
	vb := b.ValueBuilder()
	total := 0
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		start, end := a.ValueOffsets(i)
		if start < 0 || end < start || end > int64(vals.Len()) {
			return nil, fmt.Errorf("%w: list offsets [%d, %d) out of range", ErrMalformed, start, end)
		}
		total += int(end - start)
		if total > math.MaxInt32 {
			return nil, fmt.Errorf("list column has more than %d elements", math.MaxInt32)
		}
		b.Append(true)
		for j := start; j < end; j++ {
			appendFrom(vb, vals, int(j))
		}
	}
	return b.NewArray(), nil
}
