package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A decoded JSON value is nil, bool, json.Number, string, []any or
// jsonObject. Objects keep their members in input order, so columns and
// struct fields come out in the order the data lists them.
type jsonObject []jsonMember

type jsonMember struct {
	key string
	val any
}

// get returns the value of the last member named key, or nil.
func (o jsonObject) get(key string) any {
	var v any
	for _, m := range o {
		if m.key == key {
			v = m.val
		}
	}
	return v
}

// maxJSONDepth bounds the nesting of arrays and objects.
const maxJSONDepth = 100

// decodeLine decodes one line holding one JSON object.
func decodeLine(line []byte) (jsonObject, error) {
	v, err := decodeJSONText(line)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(jsonObject)
	if !ok {
		if _, isArray := v.([]any); isArray {
			return nil, errors.New("found a JSON array where JSON lines (one object per line) were expected")
		}
		return nil, errors.New("line is not a JSON object")
	}
	return obj, nil
}

// jsonKinds is the set of JSON value kinds seen in a column.
type jsonKinds uint8

const (
	jBool jsonKinds = 1 << iota
	jInt
	jFloat
	jTime
	jString
	jArray
	jObject
)

// jsonType accumulates the values seen at one place in the data: a column,
// the elements of its arrays, or a field of objects inside arrays.
type jsonType struct {
	kinds          jsonKinds
	ints           int
	minInt, maxInt int64
	elem           *jsonType
	fieldNames     []string
	fields         map[string]*jsonType
}

func (t *jsonType) observe(v any) {
	switch v := v.(type) {
	case bool:
		t.kinds |= jBool
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			t.kinds |= jFloat
			return
		}
		t.kinds |= jInt
		if t.ints == 0 || n < t.minInt {
			t.minInt = n
		}
		if t.ints == 0 || n > t.maxInt {
			t.maxInt = n
		}
		t.ints++
	case string:
		if _, ok := parseTimestamp(v); ok {
			t.kinds |= jTime
		} else {
			t.kinds |= jString
		}
	case []any:
		t.kinds |= jArray
		if t.elem == nil {
			t.elem = &jsonType{}
		}
		for _, e := range v {
			t.elem.observe(e)
		}
	case jsonObject:
		t.kinds |= jObject
		for _, m := range v {
			t.field(m.key).observe(m.val)
		}
	}
}

func (t *jsonType) field(name string) *jsonType {
	if f, ok := t.fields[name]; ok {
		return f
	}
	if t.fields == nil {
		t.fields = map[string]*jsonType{}
	}
	f := &jsonType{}
	t.fields[name] = f
	t.fieldNames = append(t.fieldNames, name)
	return f
}

// resolve returns the type for the values seen (named name): arrow.Null if
// all were null; a list for arrays; a struct for objects (objects only
// occur here inside arrays, since top-level objects are flattened);
// BOOLEAN, BIGINT, DOUBLE or TIMESTAMP for uniform scalars, with integers
// in temporally named columns read as epoch times as for CSV; and VARCHAR,
// holding JSON text for arrays and objects, for any other mix.
func (t *jsonType) resolve(name string) arrow.DataType {
	switch k := t.kinds; {
	case k == 0:
		return arrow.Null
	case k == jArray:
		return arrow.ListOf(t.elem.resolve(""))
	case k == jObject && len(t.fieldNames) > 0:
		fields := make([]arrow.Field, len(t.fieldNames))
		for i, n := range t.fieldNames {
			fields[i] = arrow.Field{Name: n, Type: t.fields[n].resolve(n), Nullable: true}
		}
		return arrow.StructOf(fields...)
	case k == jBool:
		return arrow.FixedWidthTypes.Boolean
	case k == jInt:
		if isTimeName(name) && plausibleEpoch(t.minInt, t.maxInt) {
			return TimestampType
		}
		return arrow.PrimitiveTypes.Int64
	case k&^(jInt|jFloat) == 0:
		return arrow.PrimitiveTypes.Float64
	case k == jTime:
		return TimestampType
	}
	return arrow.BinaryTypes.String
}

// jsonMismatch reports a JSON value that does not fit its column's type.
type jsonMismatch struct {
	value any
	typ   arrow.DataType
	field string // set when the value is an unexpected struct field
}

func (e *jsonMismatch) Error() string {
	if e.field != "" {
		return fmt.Sprintf("object field %q was not in the rows sampled for the schema", e.field)
	}
	text := string(encodeJSON(nil, e.value))
	if s, ok := e.value.(string); ok {
		text = s
	}
	return fmt.Sprintf("cannot parse %s as %s", quoteValue(text), sqlTypeName(e.typ))
}

// appendJSON appends a decoded JSON value to b, which builds an engine
// type. VARCHAR accepts anything, storing arrays and objects as JSON text.
// With allowEpoch a TIMESTAMP also accepts epoch numbers.
func appendJSON(b array.Builder, v any, allowEpoch bool) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	ok := false
	switch b := b.(type) {
	case *array.StringBuilder:
		switch v := v.(type) {
		case string:
			b.Append(v)
		case json.Number:
			b.Append(string(v))
		default:
			b.Append(string(encodeJSON(nil, v)))
		}
		return nil
	case *array.Int64Builder:
		if n, isNum := v.(json.Number); isNum {
			var i int64
			i, ok = parseInt(string(n))
			if ok {
				b.Append(i)
			}
		}
	case *array.Float64Builder:
		if n, isNum := v.(json.Number); isNum {
			f, err := strconv.ParseFloat(string(n), 64)
			if ok = err == nil; ok {
				b.Append(f)
			}
		}
	case *array.BooleanBuilder:
		var x bool
		if x, ok = v.(bool); ok {
			b.Append(x)
		}
	case *array.TimestampBuilder:
		var us int64
		switch v := v.(type) {
		case string:
			us, ok = parseTimestamp(v)
		case json.Number:
			if allowEpoch {
				us, ok = parseEpoch(string(v))
			}
		}
		if ok {
			b.Append(arrow.Timestamp(us))
		}
	case *array.ListBuilder:
		return appendJSONList(b, v)
	case *array.StructBuilder:
		return appendJSONStruct(b, v)
	}
	if !ok {
		return &jsonMismatch{value: v, typ: b.Type()}
	}
	return nil
}

func parseInt(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func appendJSONList(b *array.ListBuilder, v any) error {
	arr, ok := v.([]any)
	if !ok {
		return &jsonMismatch{value: v, typ: b.Type()}
	}
	b.Append(true)
	for _, e := range arr {
		if err := appendJSON(b.ValueBuilder(), e, false); err != nil {
			return err
		}
	}
	return nil
}

func appendJSONStruct(b *array.StructBuilder, v any) error {
	obj, ok := v.(jsonObject)
	if !ok {
		return &jsonMismatch{value: v, typ: b.Type()}
	}
	st := b.Type().(*arrow.StructType)
	for _, m := range obj {
		if _, ok := st.FieldIdx(m.key); !ok {
			return &jsonMismatch{field: m.key}
		}
	}
	b.Append(true)
	for i, f := range st.Fields() {
		if err := appendJSON(b.FieldBuilder(i), obj.get(f.Name), isTimeName(f.Name)); err != nil {
			return err
		}
	}
	return nil
}

// encodeJSON appends a decoded JSON value as JSON text.
func encodeJSON(buf []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		return strconv.AppendBool(buf, v)
	case json.Number:
		return append(buf, v...)
	case string:
		return appendJSONString(buf, v)
	case []any:
		buf = append(buf, '[')
		for i, e := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = encodeJSON(buf, e)
		}
		return append(buf, ']')
	case jsonObject:
		buf = append(buf, '{')
		for i, m := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, m.key)
			buf = append(buf, ':')
			buf = encodeJSON(buf, m.val)
		}
		return append(buf, '}')
	}
	return append(buf, "null"...)
}
