package storage

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// xdmEvents are Adobe XDM ExperienceEvents as JSON lines.
const xdmEvents = `{"_id":"e1","timestamp":"2024-05-01T10:00:00Z","eventType":"commerce.purchases","identityMap":{"ECID":[{"id":"111","primary":true}]},"commerce":{"order":{"priceTotal":3.5,"currencyCode":"USD"},"purchases":{"value":1}},"productListItems":[{"SKU":"A1","quantity":2,"priceTotal":1.5}]}
{"_id":"e2","timestamp":"2024-05-01T10:05:00.250+02:00","eventType":"web.webpagedetails.pageViews","identityMap":{"ECID":[{"id":"222","primary":true}]},"web":{"webPageDetails":{"name":"home"}}}

{"_id":"e3","timestamp":"2024-05-02","eventType":"commerce.purchases","commerce":{"order":{"priceTotal":10}},"productListItems":[{"SKU":"B2","quantity":1},{"SKU":"C3","quantity":4,"priceTotal":9}]}
`

func TestJSONFlattensXDM(t *testing.T) {
	mem := newMem(t)
	p := writeFile(t, t.TempDir(), "events.json", xdmEvents)
	got := mustLoad(t, mem, p, ReadOptions{})
	checkTable(t, got,
		[]string{
			"_id VARCHAR",
			"timestamp TIMESTAMP",
			"eventType VARCHAR",
			"identityMap.ECID STRUCT(id VARCHAR, primary BOOLEAN)[]",
			"commerce.order.priceTotal DOUBLE",
			"commerce.order.currencyCode VARCHAR",
			"commerce.purchases.value BIGINT",
			"productListItems STRUCT(SKU VARCHAR, quantity BIGINT, priceTotal DOUBLE)[]",
			"web.webPageDetails.name VARCHAR",
		},
		[]string{
			`e1 | 2024-05-01T10:00:00Z | commerce.purchases | [{"id":"111","primary":true}] | 3.5 | USD | 1 | [{"SKU":"A1","quantity":2,"priceTotal":1.5}] | NULL`,
			`e2 | 2024-05-01T08:05:00.25Z | web.webpagedetails.pageViews | [{"id":"222","primary":true}] | NULL | NULL | NULL | NULL | home`,
			`e3 | 2024-05-02T00:00:00Z | commerce.purchases | NULL | 10.0 | NULL | NULL | [{"SKU":"B2","quantity":1,"priceTotal":null},{"SKU":"C3","quantity":4,"priceTotal":9.0}] | NULL`,
		})
}

func TestJSONInference(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    ReadOptions
		cols    []string
		rows    []string
	}{
		{
			name:    "scalars and missing keys",
			content: `{"a":1,"b":"x","c":true}` + "\n" + `{"a":2.5,"d":null}` + "\n",
			cols:    []string{"a DOUBLE", "b VARCHAR", "c BOOLEAN", "d VARCHAR"},
			rows:    []string{"1.0 | x | true | NULL", "2.5 | NULL | NULL | NULL"},
		},
		{
			name:    "mixed kinds become text",
			content: `{"v":1}` + "\n" + `{"v":"one"}` + "\n" + `{"v":[1,2]}` + "\n" + `{"v":{"k":1}}` + "\n",
			cols:    []string{"v VARCHAR", "v.k BIGINT"},
			rows:    []string{"1 | NULL", "one | NULL", "[1,2] | NULL", "NULL | 1"},
		},
		{
			name:    "arrays",
			content: `{"ints":[1,2],"strs":["a",null],"empty":[],"nested":[[1],[2,3]]}` + "\n",
			cols:    []string{"ints BIGINT[]", "strs VARCHAR[]", "empty VARCHAR[]", "nested BIGINT[][]"},
			rows:    []string{`[1,2] | ["a",null] | [] | [[1],[2,3]]`},
		},
		{
			name:    "epoch numbers in temporal names",
			content: `{"ts":1700000000,"created_at":1700000000500,"count":1700000000}` + "\n",
			cols:    []string{"ts TIMESTAMP", "created_at TIMESTAMP", "count BIGINT"},
			rows:    []string{"2023-11-14T22:13:20Z | 2023-11-14T22:13:20.5Z | 1700000000"},
		},
		{
			name:    "null beside an object adds no column",
			content: `{"a":null}` + "\n" + `{"a":{"b":1}}` + "\n",
			cols:    []string{"a.b BIGINT"},
			rows:    []string{"NULL", "1"},
		},
		{
			name:    "override",
			content: `{"id":12,"when":"2024-01-01"}` + "\n",
			opts:    ReadOptions{Types: map[string]arrow.DataType{"id": arrow.BinaryTypes.String, "when": arrow.BinaryTypes.String}},
			cols:    []string{"id VARCHAR", "when VARCHAR"},
			rows:    []string{"12 | 2024-01-01"},
		},
		{
			name:    "duplicate key, last wins",
			content: `{"a":1,"a":2}` + "\n",
			cols:    []string{"a BIGINT"},
			rows:    []string{"2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			p := writeFile(t, t.TempDir(), "a.jsonl", tt.content)
			checkTable(t, mustLoad(t, mem, p, tt.opts), tt.cols, tt.rows)
		})
	}
}

func TestJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    ReadOptions
		want    string
		is      error
	}{
		{
			name:    "syntax error",
			content: "{\"a\":1}\n\n{\"a\":2,}\n",
			want:    `a.json:3: invalid JSON: unexpected '}' looking for an object key (at byte 8)`,
			is:      ErrMalformed,
		},
		{
			name:    "truncated line",
			content: "{\"a\":1}\n{\"a\":",
			want:    `a.json:2: invalid JSON: unexpected end of line`,
			is:      ErrMalformed,
		},
		{
			name:    "not an object",
			content: "{\"a\":1}\n42\n",
			want:    `a.json:2: line is not a JSON object`,
			is:      ErrMalformed,
		},
		{
			name:    "JSON array file",
			content: "[{\"a\":1},\n{\"a\":2}]\n",
			want:    `a.json:1: invalid JSON: unexpected end of line`,
			is:      ErrMalformed,
		},
		{
			name:    "trailing garbage",
			content: "{\"a\":1} x\n",
			want:    `a.json:1: unexpected data after the JSON value (at byte 9)`,
			is:      ErrMalformed,
		},
		{
			name:    "value does not fit",
			content: "{\"n\":1}\n{\"n\":2}\n{\"n\":\"three\"}\n",
			opts:    ReadOptions{SampleRows: 2},
			want:    `a.json:3: column "n": cannot parse "three" as BIGINT (inferred from first 2 rows; override with WITH (n = 'VARCHAR'))`,
			is:      ErrMalformed,
		},
		{
			name:    "key after the sample",
			content: "{\"n\":1}\n{\"m\":2}\n",
			opts:    ReadOptions{SampleRows: 1},
			want:    `a.json:2: column "m": key first seen after the 1 rows sampled for the schema; sample more rows (SampleRows, -1 for the whole file)`,
			is:      ErrMalformed,
		},
		{
			name:    "too deep",
			content: `{"a":` + repeat("[", 200) + repeat("]", 200) + "}\n",
			want:    `a.json:1: JSON nested more than 100 levels deep`,
		},
		{
			name:    "empty",
			content: "\n",
			want:    `a.json: empty file`,
			is:      ErrEmptyFile,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			dir := t.TempDir()
			p := writeFile(t, dir, "a.json", tt.content)
			_, err := load(t, mem, p, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if got, want := err.Error(), filepath.Join(dir, tt.want); got != want {
				t.Errorf("error:\n got %s\nwant %s", got, want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestDecodeJSONText(t *testing.T) {
	tests := []struct {
		in, want string // want is the value re-encoded, or the error
	}{
		{`{"a":1,"b":[true,false,null],"c":{"d":-1.5e+3}}`, `{"a":1,"b":[true,false,null],"c":{"d":-1.5e+3}}`},
		{` { "b" : 1 , "a" : 2 } `, `{"b":1,"a":2}`},
		{`"tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00"`, `"tab\there \"q\" \\ / é 😀"`},
		{`"lone \ud800 surrogate"`, "\"lone \uFFFD surrogate\""},
		{"\"bad \xff utf8\"", "\"bad \uFFFD utf8\""},
		{`[]`, `[]`},
		{`{}`, `{}`},
		{`0`, `0`},
		{`01`, `unexpected data after the JSON value (at byte 2)`},
		{`-`, `invalid JSON: unexpected end of line`},
		{`1.`, `invalid JSON: unexpected end of line`},
		{`1e`, `invalid JSON: unexpected end of line`},
		{`.5`, `invalid JSON: unexpected '.' looking for a value (at byte 1)`},
		{`tru`, `invalid JSON: unexpected 't' looking for a value (at byte 1)`},
		{`{"a" 1}`, `invalid JSON: unexpected '1' after an object key (at byte 6)`},
		{`[1 2]`, `invalid JSON: unexpected '2' after an array element (at byte 4)`},
		{`"\x"`, `invalid JSON: unexpected 'x' after a backslash (at byte 3)`},
		{`"\u12"`, `invalid JSON: unexpected '1' in a \u escape (at byte 4)`},
		{"\"a\nb\"", `invalid JSON: unexpected '\n' in a string (at byte 3)`},
		{`"open`, `invalid JSON: unexpected end of line`},
		{``, `invalid JSON: unexpected end of line`},
	}
	for _, tt := range tests {
		v, err := decodeJSONText([]byte(tt.in))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = string(encodeJSON(nil, v))
		}
		if got != tt.want {
			t.Errorf("decodeJSONText(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
