package planner_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/planner"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected plans in testdata/*.test")

// testCatalog holds two empty tables: events(profile_id, ts, event_type,
// value, channel) and profiles(profile_id, country, tier).
func testCatalog(t *testing.T, mem memory.Allocator) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Open(catalog.Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	add := func(name string, fields ...arrow.Field) {
		schema := arrow.NewSchema(fields, nil)
		b := array.NewRecordBuilder(mem, schema)
		rec := b.NewRecordBatch()
		b.Release()
		tb := catalog.NewTable(name, schema, []arrow.RecordBatch{rec})
		if err := cat.PutTable(tb, false); err != nil {
			t.Fatal(err)
		}
		tb.Release()
	}
	f := func(n string, dt arrow.DataType) arrow.Field { return arrow.Field{Name: n, Type: dt, Nullable: true} }
	add("events", f("profile_id", expr.IntType), f("ts", expr.TimestampType), f("event_type", expr.StringType), f("value", expr.FloatType), f("channel", expr.StringType))
	add("profiles", f("profile_id", expr.IntType), f("country", expr.StringType), f("tier", expr.StringType))
	return cat
}

// TestPlans binds each statement of testdata/*.test (one per case:
// "plan\n<statement>\n----\n<plan tree or error>\n\n") and compares the
// plan tree.
func TestPlans(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.test")
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			cat := testCatalog(t, mem)
			defer cat.Close()
			cases := readCases(t, file)
			var out strings.Builder
			for _, c := range cases {
				got := plan(cat, c.input)
				if *rewrite {
					fmt.Fprintf(&out, "plan\n%s----\n%s\n", c.input, got)
					continue
				}
				if got != c.want {
					t.Errorf("%s:%d: %s\ngot:\n%s\nwant:\n%s", file, c.line, c.input, got, c.want)
				}
			}
			if *rewrite {
				if err := os.WriteFile(file, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func plan(cat *catalog.Catalog, src string) string {
	stmts, err := parser.Parse("", src)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	b := &planner.Binder{Cat: cat, Now: 1}
	defer b.Release()
	n, err := b.BindQuery(stmts[0])
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	return planner.Format(n)
}

type testCase struct {
	line        int
	input, want string
}

func readCases(t *testing.T, path string) []testCase {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var cases []testCase
	sc := bufio.NewScanner(fh)
	state, n := 0, 0
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case state == 0 && l == "plan":
			cases = append(cases, testCase{line: n})
			state = 1
		case state == 1 && l == "----":
			state = 2
		case state == 1:
			cases[len(cases)-1].input += l + "\n"
		case state == 2 && l == "":
			state = 0
		case state == 2:
			cases[len(cases)-1].want += l + "\n"
		}
	}
	return cases
}
