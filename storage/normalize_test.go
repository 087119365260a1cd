package storage

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func dumpArray(a arrow.Array) []string {
	out := make([]string, a.Len())
	for i := range out {
		if a.IsNull(i) {
			out[i] = "NULL"
		} else {
			out[i] = formatCell(a, i)
		}
	}
	return out
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		typ  arrow.DataType
		json string
		want string // type
		rows []string
	}{
		{arrow.PrimitiveTypes.Int8, `[1, null, -3]`, "BIGINT", []string{"1", "NULL", "-3"}},
		{arrow.PrimitiveTypes.Uint32, `[4294967295]`, "BIGINT", []string{"4294967295"}},
		{arrow.PrimitiveTypes.Uint64, `[9223372036854775807]`, "BIGINT", []string{"9223372036854775807"}},
		{arrow.PrimitiveTypes.Float32, `[1.5, null]`, "DOUBLE", []string{"1.5", "NULL"}},
		{&arrow.Decimal128Type{Precision: 10, Scale: 2}, `["12.34", "-0.05"]`, "DOUBLE", []string{"12.34", "-0.05"}},
		{arrow.FixedWidthTypes.Date32, `["2024-01-02", null]`, "TIMESTAMP", []string{"2024-01-02T00:00:00Z", "NULL"}},
		{arrow.FixedWidthTypes.Date64, `["1969-12-31"]`, "TIMESTAMP", []string{"1969-12-31T00:00:00Z"}},
		{&arrow.TimestampType{Unit: arrow.Second}, `["2024-01-02T03:04:05"]`, "TIMESTAMP", []string{"2024-01-02T03:04:05Z"}},
		{&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Europe/Paris"}, `["1969-12-31T23:59:59.999Z"]`, "TIMESTAMP", []string{"1969-12-31T23:59:59.999Z"}},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, `["2024-01-02T03:04:05.123456789", "1969-12-31T23:59:59.9999999"]`, "TIMESTAMP",
			[]string{"2024-01-02T03:04:05.123456Z", "1969-12-31T23:59:59.999999Z"}},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, `["2024-01-02T03:04:05.5"]`, "TIMESTAMP", []string{"2024-01-02T03:04:05.5Z"}},
		{arrow.BinaryTypes.LargeString, `["a", null]`, "VARCHAR", []string{"a", "NULL"}},
		{arrow.BinaryTypes.Binary, `["aGk="]`, "VARCHAR", []string{"hi"}},
		{arrow.LargeListOf(arrow.PrimitiveTypes.Int32), `[[1, 2], null, []]`, "BIGINT[]", []string{"[1,2]", "NULL", "[]"}},
		{arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Int16), `[[1, 2], [3, null]]`, "BIGINT[]", []string{"[1,2]", "[3,null]"}},
		{arrow.ListOfNonNullable(arrow.PrimitiveTypes.Float32), `[[1.5]]`, "DOUBLE[]", []string{"[1.5]"}},
		{arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32), `[[{"key": "a", "value": 1}]]`,
			"STRUCT(key VARCHAR, value BIGINT)[]", []string{`[{"key":"a","value":1}]`}},
		{arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32}, arrow.Field{Name: "b", Type: arrow.FixedWidthTypes.Date32, Nullable: true}),
			`[{"a": 1, "b": "2024-01-01"}, null]`, "STRUCT(a BIGINT, b TIMESTAMP)", []string{`{"a":1,"b":"2024-01-01T00:00:00Z"}`, "NULL"}},
		{arrow.Null, `[null, null]`, "VARCHAR", []string{"NULL", "NULL"}},
		{arrow.FixedWidthTypes.Time32s, `["12:00:01"]`, "VARCHAR", []string{"12:00:01"}},
		{arrow.PrimitiveTypes.Int64, `[5]`, "BIGINT", []string{"5"}},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			mem := newMem(t)
			arr, _, err := array.FromJSON(mem, tt.typ, strings.NewReader(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			defer arr.Release()
			got, err := Normalize(mem, arr)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			if name := sqlTypeName(got.DataType()); name != tt.want {
				t.Errorf("type %s, want %s", name, tt.want)
			}
			if !arrow.TypeEqual(got.DataType(), NormalizeType(tt.typ)) {
				t.Errorf("Normalize gave %s, NormalizeType %s", got.DataType(), NormalizeType(tt.typ))
			}
			if rows := dumpArray(got); !equalStrings(rows, tt.rows) {
				t.Errorf("values %q, want %q", rows, tt.rows)
			}
			if err := array.ValidateFull(got); err != nil {
				t.Errorf("invalid result: %v", err)
			}
		})
	}
}

func TestNormalizeDictionaryAndSlices(t *testing.T) {
	mem := newMem(t)
	b := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, s := range []string{"x", "y", "x"} {
		b.AppendString(s)
	}
	b.AppendNull()
	dict := b.NewArray()
	defer dict.Release()
	check := func(arr arrow.Array, want ...string) {
		t.Helper()
		got, err := Normalize(mem, arr)
		if err != nil {
			t.Fatal(err)
		}
		defer got.Release()
		if rows := dumpArray(got); !equalStrings(rows, want) {
			t.Errorf("values %q, want %q", rows, want)
		}
	}
	check(dict, "x", "y", "x", "NULL")
	sliced := array.NewSlice(dict, 1, 3)
	defer sliced.Release()
	check(sliced, "y", "x")

	st, _, err := array.FromJSON(mem, arrow.StructOf(arrow.Field{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true}),
		strings.NewReader(`[{"l": [1]}, {"l": [2, 3]}, null, {"l": [4]}]`))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Release()
	sub := array.NewSlice(st, 1, 4)
	defer sub.Release()
	check(sub, `{"l":[2,3]}`, "NULL", `{"l":[4]}`)
}

func TestNormalizeOverflow(t *testing.T) {
	mem := newMem(t)
	arr, _, err := array.FromJSON(mem, arrow.PrimitiveTypes.Uint64, strings.NewReader(`[18446744073709551615]`))
	if err != nil {
		t.Fatal(err)
	}
	defer arr.Release()
	if got, err := Normalize(mem, arr); err == nil {
		got.Release()
		t.Fatal("no error for uint64 overflow")
	}
}
