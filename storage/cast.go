package storage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// castError reports a value that cannot be converted to a column's type.
type castError struct {
	row   int // 0-based row within the array
	value string
	to    arrow.DataType
}

func (e *castError) Error() string {
	return fmt.Sprintf("cannot parse %s as %s", quoteValue(e.value), sqlTypeName(e.to))
}

// quoteValue quotes a value for an error message, shortening long ones.
func quoteValue(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// castArray converts arr, which has an engine type, to the engine type to.
// It supports what schema unification and type overrides need: anything to
// VARCHAR (lists and structs as JSON text), BIGINT to DOUBLE, integral
// DOUBLE to BIGINT, numbers to TIMESTAMP as epoch seconds or milliseconds,
// VARCHAR to any scalar type by parsing, and lists and structs element- or
// field-wise. An array of nulls casts to anything. Values that do not
// convert give a *castError.
func castArray(mem memory.Allocator, arr arrow.Array, to arrow.DataType) (arrow.Array, error) {
	from := arr.DataType()
	switch {
	case arrow.TypeEqual(from, to):
		arr.Retain()
		return arr, nil
	case arr.NullN() == arr.Len():
		return array.MakeArrayOfNull(mem, to, arr.Len()), nil
	case to.ID() == arrow.STRING:
		return mapToString(mem, arr, func(i int) string { return formatCell(arr, i) }), nil
	case from.ID() == arrow.STRING && isScalar(to):
		return parseStrings(mem, arr.(*array.String), to)
	case from.ID() == arrow.INT64 && to.ID() == arrow.FLOAT64:
		a := arr.(*array.Int64)
		return mapToFloat64(mem, a, func(i int) float64 { return float64(a.Value(i)) }), nil
	case from.ID() == arrow.FLOAT64 && to.ID() == arrow.INT64:
		return floatsToInts(mem, arr.(*array.Float64))
	case isNumeric(from) && to.ID() == arrow.TIMESTAMP:
		return numbersToTimestamps(mem, arr)
	case from.ID() == arrow.LIST && to.ID() == arrow.LIST:
		return castList(mem, arr.(*array.List), to.(*arrow.ListType))
	case from.ID() == arrow.STRUCT && to.ID() == arrow.STRUCT:
		return castStruct(mem, arr.(*array.Struct), to.(*arrow.StructType))
	}
	return nil, fmt.Errorf("cannot convert %s to %s", sqlTypeName(from), sqlTypeName(to))
}

func isScalar(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT64, arrow.FLOAT64, arrow.BOOL, arrow.TIMESTAMP, arrow.STRING:
		return true
	}
	return false
}

func parseStrings(mem memory.Allocator, a *array.String, to arrow.DataType) (arrow.Array, error) {
	b := array.NewBuilder(mem, to)
	defer b.Release()
	parse := textAppender(b, true)
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
		} else if !parse(a.Value(i)) {
			return nil, &castError{row: i, value: a.Value(i), to: to}
		}
	}
	return b.NewArray(), nil
}

func floatsToInts(mem memory.Allocator, a *array.Float64) (arrow.Array, error) {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for i := 0; i < a.Len(); i++ {
		v := a.Value(i)
		switch {
		case a.IsNull(i):
			b.AppendNull()
		case v != math.Trunc(v) || v < -9.2e18 || v > 9.2e18:
			return nil, &castError{row: i, value: string(appendFloat(nil, v)), to: arrow.PrimitiveTypes.Int64}
		default:
			b.Append(int64(v))
		}
	}
	return b.NewArray(), nil
}

func numbersToTimestamps(mem memory.Allocator, arr arrow.Array) (arrow.Array, error) {
	b := array.NewTimestampBuilder(mem, TimestampType)
	defer b.Release()
	for i := 0; i < arr.Len(); i++ {
		if arr.IsNull(i) {
			b.AppendNull()
			continue
		}
		var (
			us int64
			ok bool
		)
		switch a := arr.(type) {
		case *array.Int64:
			us, ok = epochMicrosInt(a.Value(i))
		case *array.Float64:
			us, ok = epochMicros(a.Value(i))
		}
		if !ok {
			return nil, &castError{row: i, value: formatCell(arr, i), to: TimestampType}
		}
		b.Append(arrow.Timestamp(us))
	}
	return b.NewArray(), nil
}

// epochMicrosInt is epochMicros for integers, exact for all magnitudes
// that do not overflow.
func epochMicrosInt(n int64) (int64, bool) {
	switch {
	case n > 9e15 || n < -9e15:
		return 0, false
	case n > 1e11 || n < -1e11:
		return n * 1e3, true
	}
	return n * 1e6, true
}

// castList casts the list's values and keeps its validity and offsets.
func castList(mem memory.Allocator, a *array.List, to *arrow.ListType) (arrow.Array, error) {
	vals, err := castArray(mem, a.ListValues(), to.Elem())
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

// castStruct casts the struct's fields by name, filling fields it lacks
// with nulls, and keeps its validity bitmap.
func castStruct(mem memory.Allocator, a *array.Struct, to *arrow.StructType) (arrow.Array, error) {
	d := a.Data()
	from := a.DataType().(*arrow.StructType)
	full := d.Offset() + d.Len()
	children := make([]arrow.ArrayData, to.NumFields())
	defer func() {
		for _, c := range children {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range to.Fields() {
		var c arrow.Array
		if j, ok := from.FieldIdx(f.Name); ok {
			src := array.MakeFromData(d.Children()[j])
			var err error
			c, err = castArray(mem, src, f.Type)
			src.Release()
			if err != nil {
				return nil, err
			}
		} else {
			c = array.MakeArrayOfNull(mem, f.Type, full)
		}
		children[i] = c.Data()
		children[i].Retain()
		c.Release()
	}
	nd := array.NewData(to, d.Len(), d.Buffers()[:1], children, d.NullN(), d.Offset())
	defer nd.Release()
	return array.MakeFromData(nd), nil
}

// textAppender returns a function that parses text as b's type and appends
// it to b, reporting false (and appending nothing) when the text does not
// parse. b must build an engine type; lists and structs are parsed from
// JSON text. With allowEpoch, a timestamp
// column also accepts epoch seconds, or milliseconds above 1e11.
func textAppender(b array.Builder, allowEpoch bool) func(string) bool {
	switch b := b.(type) {
	case *array.StringBuilder:
		return func(s string) bool { b.Append(validUTF8(s)); return true }
	case *array.Int64Builder:
		return func(s string) bool {
			n, err := strconv.ParseInt(s, 10, 64)
			if err == nil {
				b.Append(n)
			}
			return err == nil
		}
	case *array.Float64Builder:
		return func(s string) bool {
			f, err := strconv.ParseFloat(s, 64)
			if err == nil {
				b.Append(f)
			}
			return err == nil
		}
	case *array.BooleanBuilder:
		return func(s string) bool {
			switch {
			case isBoolText(s):
				b.Append(len(s) == 4)
				return true
			}
			return false
		}
	case *array.TimestampBuilder:
		return func(s string) bool {
			us, ok := parseTimestamp(s)
			if !ok && allowEpoch {
				us, ok = parseEpoch(s)
			}
			if ok {
				b.Append(arrow.Timestamp(us))
			}
			return ok
		}
	}
	// Lists and structs: the text is JSON.
	return func(s string) bool {
		v, err := decodeJSONText([]byte(s))
		return err == nil && appendJSON(b, v, false) == nil
	}
}

// validUTF8 replaces invalid UTF-8 in s by U+FFFD, as Arrow strings must
// be UTF-8; text files in other encodings read with replacement characters.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// parseEpoch parses epoch seconds or milliseconds given as text.
func parseEpoch(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epochMicrosInt(n)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epochMicros(f)
	}
	return 0, false
}
