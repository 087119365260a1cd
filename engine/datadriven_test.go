package engine

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata/*.test")

// A test file is a sequence of cases:
//
//	# comment
//	run
//	SQL statements (one or more, ending with ;)
//	----
//	expected output
//	<blank line>
//
// The output of a statement that returns rows is a header of
// name:TYPE columns and one line per row, values separated by " | ";
// other statements print their message; an error prints "error: " and
// the message (with its position).
func TestDataDriven(t *testing.T) {
	files, err := filepath.Glob("testdata/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runFile(t, f) })
	}
}

type ddCase struct {
	line     int
	input    string
	expected string
}

func parseCases(t *testing.T, path string) []ddCase {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var cases []ddCase
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lineNo := 0
	var cur *ddCase
	state := 0 // 0 outside, 1 input, 2 expected
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		switch state {
		case 0:
			if line == "run" {
				cases = append(cases, ddCase{line: lineNo})
				cur = &cases[len(cases)-1]
				state = 1
			}
		case 1:
			if line == "----" {
				state = 2
				continue
			}
			cur.input += line + "\n"
		case 2:
			if line == "" {
				state = 0
				continue
			}
			cur.expected += line + "\n"
		}
	}
	return cases
}

func runFile(t *testing.T, path string) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cases := parseCases(t, path)
	for i := range cases {
		c := &cases[i]
		got := maskVolatile(runCase(e, c.input))
		if *rewrite {
			c.expected = got
			continue
		}
		if got != c.expected {
			t.Errorf("%s:%d:\n%s\ngot:\n%s\nwant:\n%s", path, c.line, c.input, got, c.expected)
		}
	}
	if *rewrite {
		var sb strings.Builder
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.SplitAfter(string(src), "\n") { // keep header comments
			if strings.HasPrefix(l, "run") {
				break
			}
			sb.WriteString(l)
		}
		for _, c := range cases {
			fmt.Fprintf(&sb, "run\n%s----\n%s\n", c.input, c.expected)
		}
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runCase(e *Engine, input string) string {
	var sb strings.Builder
	err := e.Run(context.Background(), "", input, nil, func(r *Result) error {
		defer r.Release()
		if !r.HasRows() {
			sb.WriteString(r.Message + "\n")
			return nil
		}
		var hdr []string
		for _, f := range r.Schema.Fields() {
			hdr = append(hdr, f.Name+":"+expr.TypeName(f.Type))
		}
		sb.WriteString(strings.Join(hdr, " | ") + "\n")
		for _, b := range r.Batches {
			vs := make([]*expr.Vector, b.NumCols())
			for i := range vs {
				v, err := expr.FromArrow(b.Column(i))
				if err != nil {
					return err
				}
				vs[i] = v
			}
			for row := 0; row < int(b.NumRows()); row++ {
				cells := make([]string, len(vs))
				for i, v := range vs {
					cells[i] = formatCell(v, row)
				}
				sb.WriteString(strings.Join(cells, " | ") + "\n")
			}
		}
		return nil
	})
	if err != nil {
		sb.WriteString("error: " + err.Error() + "\n")
	}
	return sb.String()
}

func formatCell(v *expr.Vector, i int) string {
	if v.Arr != nil {
		if v.Arr.IsNull(i) {
			return "NULL"
		}
		return v.Arr.ValueStr(i)
	}
	if v.IsNull(i) {
		return "NULL"
	}
	switch v.Kind() {
	case expr.KindFloat:
		f := v.F[i]
		if math.Abs(f) < 1e15 && f == math.Trunc(f) {
			return strconv.FormatFloat(f, 'f', 1, 64)
		}
		return strconv.FormatFloat(f, 'g', 10, 64)
	case expr.KindTimestamp:
		return expr.FormatTime(v.I[i])
	case expr.KindDuration:
		return expr.FormatDuration(v.I[i])
	}
	return fmt.Sprint(v.Value(i))
}

// volatile matches what changes from run to run: wall-clock times of
// training and of objects' creation.
var volatile = regexp.MustCompile(`(?m)^(trained_at|train_time|fit_time) \| .*$|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+`)

// maskVolatile replaces training times and creation timestamps so cases
// that train models have stable output.
func maskVolatile(out string) string {
	out = maskTimes(out)
	return volatile.ReplaceAllStringFunc(out, func(s string) string {
		if i := strings.Index(s, " | "); i > 0 && !strings.HasPrefix(s, "2") {
			return s[:i] + " | (TIME)"
		}
		return "(NOW)"
	})
}
