package expr

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Vector is one column of a batch during evaluation: typed Go slices of
// length Len. Int, timestamp and duration values live in I (microseconds
// for time), floats in F, strings in S, booleans in B. Valid marks non-NULL
// rows; a nil Valid means no NULLs. Lists and structs keep their Arrow
// array in Arr. Slices may alias Arrow buffers: treat them as read-only.
type Vector struct {
	DT    arrow.DataType
	Len   int
	I     []int64
	F     []float64
	S     []string
	B     []bool
	Valid []bool
	Arr   arrow.Array
}

// Kind is the vector's kind.
func (v *Vector) Kind() Kind { return KindOf(v.DT) }

// IsNull reports whether row i is NULL.
func (v *Vector) IsNull(i int) bool {
	if v.Kind() == KindNull {
		return true
	}
	return v.Valid != nil && !v.Valid[i]
}

// FromArrow converts an Arrow array to a Vector without copying fixed-width
// values. Narrow integer and float types are widened.
func FromArrow(a arrow.Array) (*Vector, error) {
	n := a.Len()
	v := &Vector{DT: a.DataType(), Len: n}
	if a.NullN() > 0 {
		v.Valid = make([]bool, n)
		for i := range v.Valid {
			v.Valid[i] = a.IsValid(i)
		}
	}
	switch x := a.(type) {
	case *array.Null:
		v.DT = NullType
	case *array.Int64:
		v.I = x.Int64Values()
	case *array.Int32:
		v.DT, v.I = IntType, widen(x.Int32Values())
	case *array.Int16:
		v.DT, v.I = IntType, widen(x.Int16Values())
	case *array.Int8:
		v.DT, v.I = IntType, widen(x.Int8Values())
	case *array.Uint32:
		v.DT, v.I = IntType, widen(x.Uint32Values())
	case *array.Uint16:
		v.DT, v.I = IntType, widen(x.Uint16Values())
	case *array.Uint8:
		v.DT, v.I = IntType, widen(x.Uint8Values())
	case *array.Uint64:
		v.DT, v.I = IntType, widen(x.Uint64Values())
	case *array.Float64:
		v.F = x.Float64Values()
	case *array.Float32:
		v.DT = FloatType
		v.F = make([]float64, n)
		for i, f := range x.Float32Values() {
			v.F[i] = float64(f)
		}
	case *array.Timestamp:
		vals := x.TimestampValues()
		ints := unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(vals))), len(vals))
		v.DT, v.I = TimestampType, scaleTime(ints, x.DataType().(*arrow.TimestampType).Unit)
	case *array.Date32:
		v.DT = TimestampType
		v.I = make([]int64, n)
		for i, d := range x.Date32Values() {
			v.I[i] = int64(d) * 86400_000_000
		}
	case *array.Date64:
		v.DT = TimestampType
		v.I = make([]int64, n)
		for i, d := range x.Date64Values() {
			v.I[i] = int64(d) * 1000
		}
	case *array.Duration:
		vals := x.DurationValues()
		ints := unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(vals))), len(vals))
		v.DT, v.I = DurationType, scaleTime(ints, x.DataType().(*arrow.DurationType).Unit)
	case *array.String:
		v.S = make([]string, n)
		for i := range v.S {
			v.S[i] = x.Value(i)
		}
	case *array.LargeString:
		v.DT = StringType
		v.S = make([]string, n)
		for i := range v.S {
			v.S[i] = x.Value(i)
		}
	case *array.Boolean:
		v.B = make([]bool, n)
		for i := range v.B {
			v.B[i] = x.Value(i)
		}
	case *array.Dictionary:
		dict, ok := x.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("unsupported dictionary type %s", a.DataType())
		}
		v.DT = StringType
		v.S = make([]string, n)
		for i := range v.S {
			if a.IsValid(i) {
				v.S[i] = dict.Value(x.GetValueIndex(i))
			}
		}
	default:
		v.Arr = a
	}
	return v, nil
}

func widen[T int8 | int16 | int32 | uint8 | uint16 | uint32 | uint64](xs []T) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

func scaleTime(xs []int64, unit arrow.TimeUnit) []int64 {
	switch unit {
	case arrow.Microsecond:
		return xs
	case arrow.Second:
		return mapInts(xs, func(x int64) int64 { return x * 1_000_000 })
	case arrow.Millisecond:
		return mapInts(xs, func(x int64) int64 { return x * 1000 })
	default:
		return mapInts(xs, func(x int64) int64 { return x / 1000 })
	}
}

func mapInts(xs []int64, f func(int64) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// ToArrow builds an Arrow array from the vector with mem. The caller owns
// the result.
func (v *Vector) ToArrow(mem memory.Allocator) arrow.Array {
	switch v.Kind() {
	case KindInt:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(v.I[:v.Len], v.validOrNil())
		return b.NewArray()
	case KindFloat:
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(v.F[:v.Len], v.validOrNil())
		return b.NewArray()
	case KindTimestamp:
		b := array.NewTimestampBuilder(mem, TimestampType)
		defer b.Release()
		b.Reserve(v.Len)
		for i := 0; i < v.Len; i++ {
			if v.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
			} else {
				b.UnsafeAppend(arrow.Timestamp(v.I[i]))
			}
		}
		return b.NewArray()
	case KindDuration:
		b := array.NewDurationBuilder(mem, DurationType)
		defer b.Release()
		b.Reserve(v.Len)
		for i := 0; i < v.Len; i++ {
			if v.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
			} else {
				b.UnsafeAppend(arrow.Duration(v.I[i]))
			}
		}
		return b.NewArray()
	case KindString:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.AppendValues(v.S[:v.Len], v.validOrNil())
		return b.NewArray()
	case KindBool:
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		b.AppendValues(v.B[:v.Len], v.validOrNil())
		return b.NewArray()
	case KindNull:
		return array.NewNull(v.Len)
	}
	v.Arr.Retain()
	return v.Arr
}

func (v *Vector) validOrNil() []bool {
	if v.Valid == nil {
		return nil
	}
	return v.Valid[:v.Len]
}

// NewVector allocates a vector of kind dt and length n with all rows valid.
func NewVector(dt arrow.DataType, n int) *Vector {
	v := &Vector{DT: dt, Len: n}
	switch KindOf(dt) {
	case KindInt, KindTimestamp, KindDuration:
		v.I = make([]int64, n)
	case KindFloat:
		v.F = make([]float64, n)
	case KindString:
		v.S = make([]string, n)
	case KindBool:
		v.B = make([]bool, n)
	}
	return v
}

// SetNull marks row i NULL.
func (v *Vector) SetNull(i int) {
	if v.Valid == nil {
		v.Valid = make([]bool, v.Len)
		for j := range v.Valid {
			v.Valid[j] = true
		}
	}
	v.Valid[i] = false
}

// Float returns row i as a float64 (for numeric kinds).
func (v *Vector) Float(i int) float64 {
	switch v.Kind() {
	case KindFloat:
		return v.F[i]
	case KindInt, KindTimestamp, KindDuration:
		return float64(v.I[i])
	case KindBool:
		if v.B[i] {
			return 1
		}
	}
	return 0
}

// Value returns row i boxed, for printing and tests only (never in hot
// loops). NULL is nil; timestamps are time.Time in UTC.
func (v *Vector) Value(i int) any {
	if v.IsNull(i) {
		return nil
	}
	switch v.Kind() {
	case KindInt:
		return v.I[i]
	case KindFloat:
		return v.F[i]
	case KindString:
		return v.S[i]
	case KindBool:
		return v.B[i]
	case KindTimestamp:
		return TimeOf(v.I[i])
	case KindDuration:
		return DurationOf(v.I[i])
	}
	return v.Arr.GetOneForMarshal(i)
}
