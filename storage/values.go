package storage

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// appendFrom appends src[j] to b. src must have an engine type (see
// NormalizeType) and b must build that same type.
func appendFrom(b array.Builder, src arrow.Array, j int) {
	if src.IsNull(j) {
		b.AppendNull()
		return
	}
	switch s := src.(type) {
	case *array.Int64:
		b.(*array.Int64Builder).Append(s.Value(j))
	case *array.Float64:
		b.(*array.Float64Builder).Append(s.Value(j))
	case *array.Boolean:
		b.(*array.BooleanBuilder).Append(s.Value(j))
	case *array.String:
		b.(*array.StringBuilder).Append(s.Value(j))
	case *array.Timestamp:
		b.(*array.TimestampBuilder).Append(s.Value(j))
	case *array.List:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		start, end := s.ValueOffsets(j)
		vals := s.ListValues()
		for k := start; k < end; k++ {
			appendFrom(lb.ValueBuilder(), vals, int(k))
		}
	case *array.Struct:
		sb := b.(*array.StructBuilder)
		sb.Append(true)
		for f := 0; f < s.NumField(); f++ {
			appendFrom(sb.FieldBuilder(f), s.Field(f), j)
		}
	default:
		panic("storage: appendFrom on non-engine type " + src.DataType().String())
	}
}

// formatCell renders a[i] as text: numbers and booleans as Go would print
// them, timestamps as RFC 3339 in UTC, lists and structs as JSON. Nulls
// render as the empty string.
func formatCell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch v := a.(type) {
	case *array.String:
		return v.Value(i)
	case *array.LargeString:
		return v.Value(i)
	case *array.StringView:
		return v.Value(i)
	case *array.Int64:
		return strconv.FormatInt(v.Value(i), 10)
	case *array.Float64:
		return string(appendFloat(nil, v.Value(i)))
	case *array.Boolean:
		return strconv.FormatBool(v.Value(i))
	case *array.Timestamp:
		return formatTimestamp(v, i)
	case *array.Date32:
		return v.Value(i).FormattedString()
	case *array.Date64:
		return v.Value(i).FormattedString()
	case array.ListLike, *array.Struct:
		return string(appendJSONValue(nil, a, i))
	case *array.Dictionary:
		return formatCell(v.Dictionary(), v.GetValueIndex(i))
	case interface{ Value(int) []byte }:
		return string(v.Value(i))
	}
	return a.ValueStr(i)
}

// formatTimestamp renders a timestamp as RFC 3339 in UTC with as many
// fractional digits as needed.
func formatTimestamp(a *array.Timestamp, i int) string {
	unit := a.DataType().(*arrow.TimestampType).Unit
	return a.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
}

// appendFloat appends f in the shortest form that reads back as the same
// float64, with ".0" added to integral values so they do not read back as
// integers. NaN and infinities are written as NaN, +Inf and -Inf.
func appendFloat(buf []byte, f float64) []byte {
	start := len(buf)
	buf = strconv.AppendFloat(buf, f, 'g', -1, 64)
	for _, c := range buf[start:] {
		if c == '.' || c == 'e' || c == 'N' || c == 'I' {
			return buf
		}
	}
	return append(buf, '.', '0')
}

// appendJSONValue appends a[i] as a JSON value. Timestamps and dates become
// RFC 3339 strings, lists arrays, structs objects with fields in schema
// order; NaN and infinite floats become null, which JSON cannot express
// otherwise.
func appendJSONValue(buf []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return append(buf, "null"...)
	}
	switch v := a.(type) {
	case *array.Boolean:
		return strconv.AppendBool(buf, v.Value(i))
	case *array.Int64:
		return strconv.AppendInt(buf, v.Value(i), 10)
	case *array.Float64:
		return appendJSONFloat(buf, v.Value(i))
	case *array.Float32:
		return appendJSONFloat(buf, float64(v.Value(i)))
	case *array.Int8, *array.Int16, *array.Int32, *array.Uint8, *array.Uint16,
		*array.Uint32, *array.Uint64:
		return append(buf, a.ValueStr(i)...)
	case *array.String, *array.LargeString, *array.StringView, *array.Timestamp,
		*array.Date32, *array.Date64, *array.Binary, *array.LargeBinary:
		return appendJSONString(buf, formatCell(a, i))
	case *array.Struct:
		st := v.DataType().(*arrow.StructType)
		buf = append(buf, '{')
		for f := 0; f < v.NumField(); f++ {
			if f > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, st.Field(f).Name)
			buf = append(buf, ':')
			buf = appendJSONValue(buf, v.Field(f), i)
		}
		return append(buf, '}')
	case array.ListLike:
		start, end := v.ValueOffsets(i)
		vals := v.ListValues()
		buf = append(buf, '[')
		for k := start; k < end; k++ {
			if k > start {
				buf = append(buf, ',')
			}
			buf = appendJSONValue(buf, vals, int(k))
		}
		return append(buf, ']')
	case *array.Dictionary:
		return appendJSONValue(buf, v.Dictionary(), v.GetValueIndex(i))
	}
	if b, err := json.Marshal(a.GetOneForMarshal(i)); err == nil {
		return append(buf, b...)
	}
	return appendJSONString(buf, a.ValueStr(i))
}

func appendJSONFloat(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	return appendFloat(buf, f)
}

// appendJSONString appends s as a JSON string literal. Invalid UTF-8 is
// replaced by U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, `\u202`...)
			buf = append(buf, hex[r&0xf])
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
