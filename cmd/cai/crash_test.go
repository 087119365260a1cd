package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cai-dev/cai/engine"
	"github.com/cai-dev/cai/expr"
)

// TestMain lets the test binary act as the cai command for the crash
// test: with CAI_CRASH_CHILD set it runs its arguments as cai would.
func TestMain(m *testing.M) {
	if os.Getenv("CAI_CRASH_CHILD") != "" {
		os.Exit(run(os.Args[1:], os.Stdin, io.Discard, io.Discard))
	}
	os.Exit(m.Run())
}

// crashScript rewrites a table, a segment and (every third version) a
// model, version after version. Every object is self-checking: all rows
// of a table or segment version carry the same version number.
func crashScript(versions int) string {
	var sb strings.Builder
	for v := 1; v <= versions; v++ {
		fmt.Fprintf(&sb, "CREATE OR REPLACE TABLE t AS SELECT customer_id, %d AS version FROM base;\n", v)
		fmt.Fprintf(&sb, "CREATE OR REPLACE SEGMENT s AS SELECT customer_id, %d AS version FROM base WHERE amount > 0;\n", v)
		if v%3 == 1 {
			fmt.Fprintf(&sb, "CREATE OR REPLACE MODEL m AS PREDICT CHURN FOR EACH customer_id FROM base GOAL amount > 0 WITHIN 30 DAYS "+
				"WITH (epochs = 1, min_class = 1, snapshots = 1, seed = %d);\n", v)
		}
	}
	return sb.String()
}

// TestCrashSafety starts `cai --db DIR run script` in a child process,
// kills it with SIGKILL at a random moment, reopens DIR and checks that
// every object is a complete version (old or new), never a torn one.
func TestCrashSafety(t *testing.T) {
	trials := 30
	if testing.Short() {
		trials = 8
	}
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("customer_id,date,amount\n")
	rng := rand.New(rand.NewSource(1))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for c := 1; c <= 150; c++ {
		for k := rng.Intn(8) + 1; k > 0; k-- {
			day := start.AddDate(0, 0, rng.Intn(180))
			fmt.Fprintf(&csv, "%d,%s,%.2f\n", c, day.Format("2006-01-02"), 5+rng.Float64()*50)
		}
	}
	data := filepath.Join(dir, "base.csv")
	script := filepath.Join(dir, "script.cai")
	if err := os.WriteFile(data, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte(crashScript(400)), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "db")
	if status := run([]string{"--db", db, "-c", "CREATE TABLE base FROM '" + data + "';"}, strings.NewReader(""), io.Discard, io.Discard); status != 0 {
		t.Fatalf("setup failed with status %d", status)
	}
	seen := map[string]int{}
	for trial := 0; trial < trials; trial++ {
		started := time.Now()
		cmd := exec.Command(os.Args[0], "--db", db, "run", script)
		cmd.Env = append(os.Environ(), "CAI_CRASH_CHILD=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment once the child has written an object
		// (on a loaded machine it may take longer than any fixed delay to
		// get there).
		waitForWrite(filepath.Join(db, "tables"), started, 10*time.Second)
		time.Sleep(time.Duration(rng.Intn(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		for k, v := range checkDB(t, db, trial) {
			seen[k] += v
		}
	}
	t.Logf("%d trials; objects verified: %v", trials, seen)
	if seen["table"] == 0 || seen["segment"] == 0 {
		t.Errorf("the child never got far enough to write a table and a segment: %v", seen)
	}
}

// checkDB opens DIR as a second process would and verifies every object.
func checkDB(t *testing.T, dir string, trial int) map[string]int {
	t.Helper()
	e, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		t.Fatalf("trial %d: DIR does not open after SIGKILL: %v", trial, err)
	}
	defer e.Close()
	found := map[string]int{}
	query := func(sql string) [][]any {
		var rows [][]any
		err := e.Run(context.Background(), "", sql, nil, func(r *engine.Result) error {
			defer r.Release()
			for _, b := range r.Batches {
				for i := 0; i < int(b.NumRows()); i++ {
					var row []any
					for c := 0; c < int(b.NumCols()); c++ {
						v, err := expr.FromArrow(b.Column(c))
						if err != nil {
							return err
						}
						row = append(row, v.Value(i))
					}
					rows = append(rows, row)
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("trial %d: %s: %v", trial, sql, err)
		}
		return rows
	}
	base := query("SELECT COUNT(*) FROM base")
	baseRows := base[0][0].(int64)
	for _, name := range e.Catalog().Tables() {
		if name != "t" {
			continue
		}
		r := query("SELECT COUNT(*), MIN(version), MAX(version) FROM t")
		if len(r) == 1 && (r[0][0].(int64) != baseRows || r[0][1] != r[0][2]) {
			t.Errorf("trial %d: table t is torn: %v rows (want %d), versions %v..%v", trial, r[0][0], baseRows, r[0][1], r[0][2])
		}
		found["table"]++
	}
	for _, name := range e.Catalog().Segments() {
		if name != "s" {
			continue
		}
		r := query("SELECT COUNT(*), MIN(version), MAX(version) FROM s")
		if len(r) == 1 && (r[0][0].(int64) == 0 || r[0][1] != r[0][2]) {
			t.Errorf("trial %d: segment s is torn: %v", trial, r[0])
		}
		found["segment"]++
	}
	for _, name := range e.Catalog().Models() {
		if name != "m" {
			continue
		}
		r := query("SELECT COUNT(*) FROM PREDICT(m)")
		if len(r) == 1 && r[0][0].(int64) == 0 {
			t.Errorf("trial %d: model m scores nobody", trial)
		}
		found["model"]++
	}
	return found
}

// waitForWrite waits until a file under dir changes after since, or
// timeout passes.
func waitForWrite(dir string, since time.Time, timeout time.Duration) {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		written := false
		_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil {
				if info, err := d.Info(); err == nil && info.ModTime().After(since) {
					written = true
					return filepath.SkipAll
				}
			}
			return nil
		})
		if written {
			return
		}
	}
}
