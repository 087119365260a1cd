package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/parser"
)

// FuzzPlan feeds statements through parse, bind and execution against a
// small catalog: whatever the input, the engine must answer with a result
// or an error, never a panic ("internal error" counts as a failure), and
// must not leak Arrow memory.
func FuzzPlan(f *testing.F) {
	for _, file := range []string{"testdata/query.test", "testdata/errors.test"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, block := range strings.Split(string(data), "\nrun\n") {
			in, _, _ := strings.Cut(strings.TrimPrefix(block, "run\n"), "----")
			if strings.Contains(in, "CREATE TABLE") || strings.Contains(in, "MODEL") {
				continue
			}
			f.Add(in)
		}
	}
	f.Add("SELECT p.country, COUNT(DISTINCT e.event_type) FROM events e LEFT JOIN profiles p ON e.profile_id = p.profile_id AND e.value > 1 GROUP BY 1 HAVING COUNT(*) > 0 ORDER BY 2 DESC NULLS LAST;")
	f.Add("SELECT * FROM (SELECT profile_id AS id, MAX(ts) AS last FROM events GROUP BY 1) t WHERE t.last > '2024-01-02' LIMIT 2 OFFSET 1;")
	abs, err := filepath.Abs("testdata/csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := parser.Parse("", src); err != nil {
			return
		}
		if strings.Contains(strings.ToUpper(src), "COPY") || strings.Contains(strings.ToUpper(src), "REPORT") {
			return // no file writes from the fuzzer
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		e, err := Open(Options{Mem: mem, AllowedDirs: []string{abs}, StatementTimeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		setup := "CREATE TABLE events FROM '" + abs + "/events.csv'; CREATE TABLE profiles FROM '" + abs + "/profiles.csv';"
		if err := e.Run(context.Background(), "", setup, nil, func(r *Result) error { r.Release(); return nil }); err != nil {
			t.Fatal(err)
		}
		err = e.Run(context.Background(), "", src, nil, func(r *Result) error { r.Release(); return nil })
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%q: %v", src, err)
		}
		e.Close()
		if err == nil || !strings.Contains(err.Error(), "memory budget") {
			mem.AssertSize(t, 0)
		}
	})
}

// FuzzExpr evaluates one scalar expression over every row of a small
// table with NULLs, NaN and extreme values: it must give a result or an
// error, never a panic.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{
		"value * 2 + 1", "CAST(profile_id AS DOUBLE) / 0", "coalesce(value, -1) % 3",
		"ts + 30 DAYS", "date_trunc('week', ts)", "date_diff('hour', ts, TIMESTAMP '2024-03-01')",
		"CASE WHEN value > 10 THEN 'hi' WHEN value IS NULL THEN NULL ELSE lower(channel) END",
		"event_type LIKE '%view%' OR profile_id IN (1, 2, NULL)", "9223372036854775807 + profile_id",
		"round(value, 2) BETWEEN 1 AND 50", "length(event_type || channel)", "greatest(value, 1.5, NULL)",
		"nullif(channel, 'web')", "-profile_id * -9223372036854775807", "ln(value) + sqrt(value) + exp(value)",
	} {
		f.Add(s)
	}
	abs, err := filepath.Abs("testdata/csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, x string) {
		if strings.ContainsAny(x, ";") {
			return
		}
		src := "SELECT " + x + " AS v FROM events;"
		if _, err := parser.Parse("", src); err != nil {
			return
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		e, err := Open(Options{Mem: mem, AllowedDirs: []string{abs}, StatementTimeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Run(context.Background(), "", "CREATE TABLE events FROM '"+abs+"/events.csv';", nil, func(r *Result) error { r.Release(); return nil }); err != nil {
			t.Fatal(err)
		}
		err = e.Run(context.Background(), "", src, nil, func(r *Result) error { r.Release(); return nil })
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%q: %v", src, err)
		}
		e.Close()
		mem.AssertSize(t, 0)
	})
}
