package storage

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestGlob(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		cols  []string
		rows  []string
	}{
		{
			name: "three CSV files, columns unified",
			files: map[string]string{
				"part-2.csv": "id,x,y\n2,2.5,b\n",
				"part-1.csv": "id,x\n1,1\n",
				"part-3.csv": "id,z\n3,2024-01-01\n",
			},
			cols: []string{"id BIGINT", "x DOUBLE", "y VARCHAR", "z TIMESTAMP"},
			rows: []string{
				"1 | 1.0 | NULL | NULL",
				"2 | 2.5 | b | NULL",
				"3 | NULL | NULL | 2024-01-01T00:00:00Z",
			},
		},
		{
			name: "conflicting types widen to text",
			files: map[string]string{
				"a.csv": "v\n1\n",
				"b.csv": "v\n2024-01-01\n",
				"c.csv": "w,v\n1,\n",
			},
			cols: []string{"v VARCHAR", "w BIGINT"},
			rows: []string{"1 | NULL", "2024-01-01 | NULL", "NULL | 1"},
		},
		{
			name: "header-only file does not force text",
			files: map[string]string{
				"a.csv": "v\n",
				"b.csv": "v\n7\n",
			},
			cols: []string{"v BIGINT"},
			rows: []string{"7"},
		},
		{
			name: "JSON files",
			files: map[string]string{
				"a.jsonl": `{"user":{"id":1},"tags":[1]}` + "\n",
				"b.jsonl": `{"user":{"id":"u2"},"tags":[1.5]}` + "\n",
				"c.jsonl": `{"user":{"name":"c"}}` + "\n",
			},
			cols: []string{"user.id VARCHAR", "tags DOUBLE[]", "user.name VARCHAR"},
			rows: []string{"1 | [1.0] | NULL", "u2 | [1.5] | NULL", "NULL | NULL | c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			dir := t.TempDir()
			ext := ""
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
				ext = filepath.Ext(name)
			}
			checkTable(t, mustLoad(t, mem, filepath.Join(dir, "*"+ext), ReadOptions{}), tt.cols, tt.rows)
		})
	}
}

func TestGlobMixedFormats(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	writeFile(t, dir, "1.csv", "id,amount\n1,9.5\n")
	writeFile(t, dir, "2.jsonl", `{"id":2,"amount":3}`+"\n")
	recs := buildBatches(t, mem, roundTripSchema, roundTripBatches[:1])
	if err := writeBatches(mem, filepath.Join(dir, "3.parquet"), roundTripSchema, recs, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := mustLoad(t, mem, filepath.Join(dir, "*"), ReadOptions{})
	want := []string{"id BIGINT", "amount DOUBLE", "name VARCHAR", "flag BOOLEAN", "ts TIMESTAMP", "tags VARCHAR[]",
		"factors STRUCT(code VARCHAR, text VARCHAR, value DOUBLE, typical DOUBLE, impact DOUBLE, importance VARCHAR)[]"}
	if !equalStrings(got.cols, want) {
		t.Errorf("schema:\n got %q\nwant %q", got.cols, want)
	}
	if len(got.rows) != 4 || got.rows[0] != "1 | 9.5 | NULL | NULL | NULL | NULL | NULL" {
		t.Errorf("rows %q", got.rows)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.xyz", "\x00\x01\x02\xff\xfe")
	tests := []struct {
		name    string
		pattern string
		opts    ReadOptions
		is      error
	}{
		{"glob matches nothing", filepath.Join(dir, "*.csv"), ReadOptions{}, ErrNoFiles},
		{"missing file", filepath.Join(dir, "missing.csv"), ReadOptions{}, nil},
		{"directory", dir, ReadOptions{}, nil},
		{"binary file of unknown format", filepath.Join(dir, "a.xyz"), ReadOptions{}, ErrUnsupportedFormat},
		{"bad glob", filepath.Join(dir, "[.csv"), ReadOptions{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			_, err := load(t, mem, tt.pattern, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			t.Log(err)
		})
	}
}

func TestFormatNames(t *testing.T) {
	for path, want := range map[string]Format{
		"a.csv": CSV, "a.TSV": CSV, "a.csv.gz": CSV, "a.json": JSON, "a.jsonl": JSON, "x/a.ndjson.gz": JSON,
		"a.parquet": Parquet, "a.arrow": Arrow, "a.ipc": Arrow, "a.feather": Arrow,
	} {
		if got, err := FormatFromPath(path); err != nil || got != want {
			t.Errorf("FormatFromPath(%q) = %v, %v; want %v", path, got, err, want)
		}
	}
	for _, path := range []string{"a.xlsx", "a", "a.parquet.gz"} {
		if _, err := FormatFromPath(path); !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("FormatFromPath(%q) error = %v, want ErrUnsupportedFormat", path, err)
		}
	}
	for _, f := range []Format{CSV, JSON, Parquet, Arrow, FormatAuto} {
		if got, err := ParseFormat(f.String()); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if _, err := ParseFormat("xml"); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("ParseFormat(xml) error = %v", err)
	}
}
