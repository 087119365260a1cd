package output

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/engine"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden, or rewrites the file
// under -rewrite.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *rewrite {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -rewrite to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", name, path, got, want)
	}
}

// newResult builds a result from JSON rows, one batch per element of
// batches, with a checked allocator that the test asserts is empty at the
// end.
func newResult(t *testing.T, schema *arrow.Schema, batches ...string) *engine.Result {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	r := &engine.Result{Schema: schema}
	for _, js := range batches {
		rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		r.Batches = append(r.Batches, rec)
	}
	t.Cleanup(r.Release)
	return r
}

// newResultFrom wraps one batch, taking its reference.
func newResultFrom(rec arrow.RecordBatch) *engine.Result {
	return &engine.Result{Schema: rec.Schema(), Batches: []arrow.RecordBatch{rec}}
}

var tsType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

func field(name string, dt arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: dt, Nullable: true}
}

var basicSchema = arrow.NewSchema([]arrow.Field{
	field("id", arrow.PrimitiveTypes.Int64),
	field("name", arrow.BinaryTypes.String),
	field("probability", arrow.PrimitiveTypes.Float64),
	field("seen", tsType),
	field("active", arrow.FixedWidthTypes.Boolean),
}, nil)

// basicRows covers NULLs, a long string, a wide character, control
// characters, float magnitudes and midnight versus other times; split in
// two batches.
var basicRows = []string{
	`[{"id": 1, "name": "Ada", "probability": 0.123456789, "seen": "2024-03-01T00:00:00Z", "active": true},
	  {"id": 22, "name": null, "probability": 1234567.891, "seen": "2024-03-01T13:45:06.5Z", "active": false}]`,
	`[{"id": -3, "name": "a rather long customer name that will not fit in forty characters", "probability": 0.00001234, "seen": null, "active": null},
	  {"id": null, "name": "tab\there\nnewline 東京", "probability": null, "seen": "1999-12-31T23:59:59Z", "active": true}]`,
}

var factorType = arrow.ListOf(arrow.StructOf(
	field("code", arrow.BinaryTypes.String),
	field("text", arrow.BinaryTypes.String),
	field("value", arrow.PrimitiveTypes.Float64),
	field("typical", arrow.PrimitiveTypes.Float64),
	field("impact", arrow.PrimitiveTypes.Float64),
	field("importance", arrow.BinaryTypes.String),
))

var factorSchema = arrow.NewSchema([]arrow.Field{
	field("customer_id", arrow.BinaryTypes.String),
	field("score", arrow.PrimitiveTypes.Int64),
	field("factors", factorType),
	field("tags", arrow.ListOf(arrow.PrimitiveTypes.Int64)),
}, nil)

const factorRows = `[
 {"customer_id": "c1", "score": 97, "tags": [1, 2, null],
  "factors": [
   {"code": "days_since_purchase", "text": "days since last purchase is 87; typical is 12", "value": 87, "typical": 12, "impact": 0.31, "importance": "high"},
   {"code": "email_opens_30d", "text": "email opens in 30 days is 0", "value": 0, "typical": 3, "impact": 0.12, "importance": "medium"}]},
 {"customer_id": "c2", "score": 4, "tags": [], "factors": [
   {"code": "visits", "text": "visits in 30 days is 14", "value": 14, "typical": 2, "impact": -0.2, "importance": "high"}]},
 {"customer_id": "c3", "score": null, "tags": null, "factors": null}
]`

func TestWriteFormats(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		schema *arrow.Schema
		rows   []string
	}{
		{"table_basic", Table, basicSchema, basicRows},
		{"csv_basic", CSV, basicSchema, basicRows},
		{"json_basic", JSON, basicSchema, basicRows},
		{"table_factors", Table, factorSchema, []string{factorRows}},
		{"csv_factors", CSV, factorSchema, []string{factorRows}},
		{"json_factors", JSON, factorSchema, []string{factorRows}},
		{"table_empty", Table, basicSchema, []string{`[]`}},
		{"csv_empty", CSV, basicSchema, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newResult(t, tt.schema, tt.rows...)
			var buf bytes.Buffer
			if err := Write(&buf, tt.format, r); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.String())
		})
	}
}

// longRows is n rows of (n, n*1.5) split into batches of 7.
func longRows(n int) []string {
	var batches []string
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if b.Len() > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"n": ` + strconv.Itoa(i) + `, "half": ` + strconv.Itoa(i) + `.5}`)
		if i%7 == 0 || i == n {
			batches = append(batches, "["+b.String()+"]")
			b.Reset()
		}
	}
	return batches
}

var longSchema = arrow.NewSchema([]arrow.Field{
	field("n", arrow.PrimitiveTypes.Int64),
	field("half", arrow.PrimitiveTypes.Float64),
}, nil)

func TestTableHeadAndTail(t *testing.T) {
	r := newResult(t, longSchema, longRows(50)...)
	var buf bytes.Buffer
	if err := Write(&buf, Table, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "table_long", buf.String())
	out := buf.String()
	if !strings.Contains(out, "(50 rows, 25 shown)") {
		t.Errorf("footer missing:\n%s", out)
	}
	// 40 rows exactly is printed in full.
	r40 := newResult(t, longSchema, longRows(40)...)
	buf.Reset()
	if err := Write(&buf, Table, r40); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(buf.String(), "(40 rows)\n") || strings.Contains(buf.String(), "…") {
		t.Errorf("40 rows should print in full:\n%s", buf.String())
	}
}

func TestMessage(t *testing.T) {
	for _, f := range []Format{Table, CSV, JSON} {
		var buf bytes.Buffer
		if err := Write(&buf, f, &engine.Result{Message: "created table t (3 rows, 2 columns)"}); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), "created table t (3 rows, 2 columns)\n"; got != want {
			t.Errorf("%v: got %q, want %q", f, got, want)
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, Parquet, &engine.Result{Message: "dropped table t"}); err != nil || buf.Len() != 0 {
		t.Errorf("Parquet message: %q, %v; want nothing", buf.String(), err)
	}
}

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{-2.5, "-2.5"},
		{0.123456789, "0.123457"},
		{3.14159265, "3.14159"},
		{123456.789, "123457"},
		{1234567.891, "1234568"},
		{0.0001, "0.0001"},
		{0.00012345678, "0.000123457"},
		{0.00001234, "1.234e-05"},
		{9.9999996, "10"},
		{1e15, "1e+15"},
		{-0.0000001, "-1e-07"},
		{1.0 / 3, "0.333333"},
	}
	for _, tt := range tests {
		if got := formatFloat(tt.in); got != tt.want {
			t.Errorf("formatFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, name := range []string{"table", "CSV", "json", "Parquet"} {
		f, err := ParseFormat(name)
		if err != nil || !strings.EqualFold(f.String(), name) {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
}

func TestParquetRefusesTerminal(t *testing.T) {
	// /dev/null is a character device, as terminals are, and safe to
	// write to should the check fail.
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	r := newResult(t, longSchema, longRows(3)...)
	if err := Write(f, Parquet, r); !errors.Is(err, ErrTerminal) {
		t.Errorf("got %v, want ErrTerminal", err)
	}
}

func TestTableOptions(t *testing.T) {
	r := newResult(t, longSchema, longRows(5)...)
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, TableOptions{MaxRows: 3, Head: 2, Tail: 1, MaxWidth: 3}); err != nil {
		t.Fatal(err)
	}
	// Headers are never cut; cells are (MaxWidth 3).
	want := "┌───┬──────┐\n│ n │ half │\n├───┼──────┤\n" +
		"│ 1 │  1.5 │\n│ 2 │  2.5 │\n│ … │    … │\n│ 5 │  5.5 │\n" +
		"└───┴──────┘\n(5 rows, 3 shown)\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	wide := newResult(t, basicSchema, basicRows...)
	if err := WriteTable(&buf, wide, TableOptions{MaxWidth: 5}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "│ a ra… │") {
		t.Errorf("MaxWidth 5 should cut names to 5 characters:\n%s", buf.String())
	}
}
