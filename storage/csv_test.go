package storage

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestCSVInference(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		opts    ReadOptions
		cols    []string
		rows    []string
	}{
		{
			name:    "scalar types",
			file:    "a.csv",
			content: "id,price,ok,day,label\n1,1.5,true,2024-01-02,x\n2,2,false,2024-01-03,y\n",
			cols:    []string{"id BIGINT", "price DOUBLE", "ok BOOLEAN", "day TIMESTAMP", "label VARCHAR"},
			rows: []string{
				"1 | 1.5 | true | 2024-01-02T00:00:00Z | x",
				"2 | 2.0 | false | 2024-01-03T00:00:00Z | y",
			},
		},
		{
			name:    "nulls",
			file:    "a.csv",
			content: "a,b,c\n1,,NULL\nNA,x,\nN/A,null,\n",
			cols:    []string{"a BIGINT", "b VARCHAR", "c VARCHAR"},
			rows:    []string{"1 | NULL | NULL", "NULL | x | NULL", "NULL | NULL | NULL"},
		},
		{
			name:    "timestamp formats",
			file:    "a.csv",
			content: "t\n2024-01-02T03:04:05Z\n2024-01-02 03:04:05.25\n2024-01-02T03:04:05+01:00\n2024/01/02\n",
			cols:    []string{"t TIMESTAMP"},
			rows: []string{
				"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.25Z", "2024-01-02T02:04:05Z", "2024-01-02T00:00:00Z",
			},
		},
		{
			name:    "epoch seconds and millis by name",
			file:    "a.csv",
			content: "ts,created_at,n\n1700000000,1700000000123,1700000000\n",
			cols:    []string{"ts TIMESTAMP", "created_at TIMESTAMP", "n BIGINT"},
			rows:    []string{"2023-11-14T22:13:20Z | 2023-11-14T22:13:20.123Z | 1700000000"},
		},
		{
			name:    "quoted fields and CRLF",
			file:    "a.csv",
			content: "name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\r\n",
			cols:    []string{"name VARCHAR", "note VARCHAR"},
			rows:    []string{"Smith, J | said \"hi\"\nthen left"},
		},
		{
			name:    "header only",
			file:    "a.csv",
			content: "a,b\n",
			cols:    []string{"a VARCHAR", "b VARCHAR"},
		},
		{
			name:    "byte order mark and padded header",
			file:    "a.csv",
			content: "\ufeff a , b\n1,2\n",
			cols:    []string{"a BIGINT", "b BIGINT"},
			rows:    []string{"1 | 2"},
		},
		{
			name:    "duplicate and empty header names",
			file:    "a.csv",
			content: "a,a,\n1,2,3\n",
			cols:    []string{"a BIGINT", "a_1 BIGINT", "column_3 BIGINT"},
			rows:    []string{"1 | 2 | 3"},
		},
		{
			name:    "tsv by extension",
			file:    "a.tsv",
			content: "a\tb\n1\tx,y\n",
			cols:    []string{"a BIGINT", "b VARCHAR"},
			rows:    []string{"1 | x,y"},
		},
		{
			name:    "semicolon guessed",
			file:    "a.csv",
			content: "a;b\n1;2.5\n",
			cols:    []string{"a BIGINT", "b DOUBLE"},
			rows:    []string{"1 | 2.5"},
		},
		{
			name:    "no header",
			file:    "a.csv",
			content: "1,x\n2,y\n",
			opts:    ReadOptions{NoHeader: true},
			cols:    []string{"column_1 BIGINT", "column_2 VARCHAR"},
			rows:    []string{"1 | x", "2 | y"},
		},
		{
			name:    "custom null values",
			file:    "a.csv",
			content: "a,b\n-,NA\n1,x\n",
			opts:    ReadOptions{NullValues: []string{"-"}},
			cols:    []string{"a BIGINT", "b VARCHAR"},
			rows:    []string{"NULL | NA", "1 | x"},
		},
		{
			name:    "unknown extension sniffed as CSV",
			file:    "a.txt",
			content: "a,b\n1,2\n",
			cols:    []string{"a BIGINT", "b BIGINT"},
			rows:    []string{"1 | 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			p := writeFile(t, t.TempDir(), tt.file, tt.content)
			checkTable(t, mustLoad(t, mem, p, tt.opts), tt.cols, tt.rows)
		})
	}
}

func TestCSVOverrides(t *testing.T) {
	content := "id,ts,amount,code\n007,1700000000,1,5\n8,1700000001,2.5,6\n"
	tests := []struct {
		name string
		opts ReadOptions
		cols []string
		rows []string
	}{
		{
			name: "types by name",
			opts: ReadOptions{Types: map[string]arrow.DataType{
				"id":     arrow.BinaryTypes.String,
				"amount": arrow.PrimitiveTypes.Float32, // normalised to DOUBLE
				"code":   arrow.BinaryTypes.String,
			}},
			cols: []string{"id VARCHAR", "ts TIMESTAMP", "amount DOUBLE", "code VARCHAR"},
			rows: []string{"007 | 2023-11-14T22:13:20Z | 1.0 | 5", "8 | 2023-11-14T22:13:21Z | 2.5 | 6"},
		},
		{
			name: "timestamp columns force epoch parsing",
			opts: ReadOptions{TimestampColumns: []string{"code"}},
			cols: []string{"id VARCHAR", "ts TIMESTAMP", "amount DOUBLE", "code TIMESTAMP"},
			rows: []string{"007 | 2023-11-14T22:13:20Z | 1.0 | 1970-01-01T00:00:05Z", "8 | 2023-11-14T22:13:21Z | 2.5 | 1970-01-01T00:00:06Z"},
		},
		{
			name: "ts forced to BIGINT",
			opts: ReadOptions{Types: map[string]arrow.DataType{"ts": arrow.PrimitiveTypes.Int64}},
			cols: []string{"id VARCHAR", "ts BIGINT", "amount DOUBLE", "code BIGINT"},
			rows: []string{"007 | 1700000000 | 1.0 | 5", "8 | 1700000001 | 2.5 | 6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			p := writeFile(t, t.TempDir(), "a.csv", content)
			checkTable(t, mustLoad(t, mem, p, tt.opts), tt.cols, tt.rows)
		})
	}
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    ReadOptions
		want    string // error text after "<dir>/"
		is      error
	}{
		{
			name:    "value does not fit inferred type",
			content: "id,x\n1,a\n2,b\nabc,c\n",
			opts:    ReadOptions{SampleRows: 2},
			want:    `a.csv:4: column "id": cannot parse "abc" as BIGINT (inferred from first 2 rows; override with WITH (id = 'VARCHAR'))`,
			is:      ErrMalformed,
		},
		{
			name:    "value does not fit override",
			content: "id\nx\n",
			opts:    ReadOptions{Types: map[string]arrow.DataType{"id": arrow.PrimitiveTypes.Int64}},
			want:    `a.csv:2: column "id": cannot parse "x" as BIGINT (type set by override)`,
			is:      ErrMalformed,
		},
		{
			name:    "line number counts quoted newlines",
			content: "n,s\n1,\"two\nlines\"\nx,y\n",
			opts:    ReadOptions{SampleRows: 1},
			want:    `a.csv:4: column "n": cannot parse "x" as BIGINT (inferred from first 1 rows; override with WITH (n = 'VARCHAR'))`,
			is:      ErrMalformed,
		},
		{
			name:    "wrong field count",
			content: "a,b\n1,2\n3\n",
			want:    `a.csv:3: wrong number of fields: got 1, want 2`,
			is:      ErrMalformed,
		},
		{
			name:    "bad quote",
			content: "a,b\n1,2\n3,x\"y\n",
			want:    `a.csv:3: bare " in non-quoted-field (at byte 4)`,
			is:      ErrMalformed,
		},
		{
			name:    "unterminated quote",
			content: "a,b\n1,\"2\n",
			want:    `a.csv:2: extraneous or missing " in quoted-field (at byte 6)`,
			is:      ErrMalformed,
		},
		{
			name:    "empty file",
			content: "",
			want:    `a.csv: empty file`,
			is:      ErrEmptyFile,
		},
		{
			name:    "blank file",
			content: "\n\n  \n",
			want:    `a.csv: empty file`,
			is:      ErrEmptyFile,
		},
		{
			name:    "override of unknown column",
			content: "a\n1\n",
			opts:    ReadOptions{Types: map[string]arrow.DataType{"b": arrow.PrimitiveTypes.Int64}},
			want:    `a.csv: column "b": type override names a column that no file has`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			dir := t.TempDir()
			p := writeFile(t, dir, "a.csv", tt.content)
			_, err := load(t, mem, p, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != filepath.Join(dir, tt.want) {
				t.Errorf("error:\n got %s\nwant %s", got, filepath.Join(dir, tt.want))
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != p {
				t.Errorf("error %#v does not carry path %s", err, p)
			}
		})
	}
}

func TestCSVGzip(t *testing.T) {
	mem := newMem(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("a,b\n1,x\n2,y\n"))
	zw.Close()
	p := filepath.Join(t.TempDir(), "a.csv.gz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	checkTable(t, mustLoad(t, mem, p, ReadOptions{}), []string{"a BIGINT", "b VARCHAR"}, []string{"1 | x", "2 | y"})
}

func TestCSVBatches(t *testing.T) {
	mem := newMem(t)
	var buf bytes.Buffer
	buf.WriteString("n\n")
	for i := 0; i < 1000; i++ {
		buf.WriteString("1\n")
	}
	p := writeFile(t, t.TempDir(), "a.csv", buf.String())
	r, err := Open(t.Context(), mem, p, ReadOptions{BatchSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var sizes []int64
	for {
		rec, err := r.Next(t.Context())
		if err != nil {
			break
		}
		sizes = append(sizes, rec.NumRows())
		rec.Release()
	}
	if want := []int64{300, 300, 300, 100}; len(sizes) != 4 || sizes[0] != 300 || sizes[3] != 100 {
		t.Errorf("batch sizes %v, want %v", sizes, want)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := r.Next(t.Context()); err == nil {
		t.Error("Next after Close succeeded")
	}
}

func TestCDNOW(t *testing.T) {
	const path = "/work/shared/data/cdnow/cdnow_master.csv"
	if _, err := os.Stat(path); err != nil {
		t.Skip("cdnow data not available")
	}
	mem := newMem(t)
	r, err := Open(t.Context(), mem, path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := []string{"customer_id BIGINT", "date TIMESTAMP", "cds BIGINT", "amount DOUBLE"}
	if got := schemaStrings(r.Schema()); !equalStrings(got, want) {
		t.Fatalf("schema %q, want %q", got, want)
	}
	rows, batches := 0, 0
	var first []string
	for {
		rec, err := r.Next(t.Context())
		if err != nil {
			break
		}
		if first == nil {
			s := rec.NewSlice(0, 1)
			first = dumpRows(s)
			s.Release()
		}
		rows += int(rec.NumRows())
		batches++
		rec.Release()
	}
	if rows != 69659 || batches != 2 {
		t.Errorf("read %d rows in %d batches, want 69659 in 2", rows, batches)
	}
	if want := "1 | 1997-01-01T00:00:00Z | 1 | 11.77"; first[0] != want {
		t.Errorf("first row %q, want %q", first[0], want)
	}
}

func TestNextHonoursContext(t *testing.T) {
	mem := newMem(t)
	p := writeFile(t, t.TempDir(), "a.csv", "a\n1\n")
	r, err := Open(t.Context(), mem, p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with cancelled context: %v", err)
	}
}

func TestTSVLeadingEmptyField(t *testing.T) {
	mem := newMem(t)
	p := writeFile(t, t.TempDir(), "a.tsv", "\tb\n1\t2\n")
	checkTable(t, mustLoad(t, mem, p, ReadOptions{}), []string{"column_1 BIGINT", "b BIGINT"}, []string{"1 | 2"})
}
