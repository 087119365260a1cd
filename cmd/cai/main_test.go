package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCai runs the command with args and stdin.
func runCai(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), status
}

// inTempDir moves the test into a fresh directory holding files.
func inTempDir(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

const eventsCSV = "customer_id,event_type,value\nc1,purchase,10\nc1,visit,\nc2,purchase,5.5\n"

func TestRun(t *testing.T) {
	inTempDir(t, map[string]string{
		"e.csv": eventsCSV,
		"script.cai": "CREATE TABLE t FROM 'e.csv';\n" +
			"SELECT COUNT(*) AS n FROM t;\n" +
			"SELECT customer_id, evnt_type FROM t;\n" +
			"SELECT 'not reached' AS x;\n",
		"vars.cai":   "SELECT '${who}' AS who, ${n} + 1 AS m, '$${kept}' AS k;\n",
		"nov.cai":    "SELECT 1 AS a;\nSELECT ${missing} AS b;\n",
		"ok.cai":     "CREATE TABLE t FROM 'e.csv';\nSELECT event_type, SUM(value) AS total FROM t GROUP BY event_type ORDER BY event_type;\n",
		"syntax.cai": "SELECT 1 AS a;\n\nSELEC 2;\n",
	})
	tests := []struct {
		name       string
		args       []string
		stdin      string
		status     int
		stdout     string
		stderr     string // prefix of standard error
		stderrHas  string
		stdoutHas  string
		skipStdout bool
	}{
		{name: "-c prints each result in order as CSV",
			args:   []string{"-c", "SELECT 1 AS x; SELECT 2 AS y, 'b' AS z;"},
			stdout: "x\n1\ny,z\n2,b\n"},
		{name: "messages go to stderr off a terminal",
			args:   []string{"-c", "CREATE TABLE t FROM 'e.csv'; SELECT COUNT(*) AS n FROM t;"},
			stdout: "n\n3\n", stderr: "created table t (3 rows, 3 columns)\n"},
		{name: "script error at line 3",
			args: []string{"run", "script.cai"}, status: 1,
			stdout: "n\n3\n", stderr: "created table t (3 rows, 3 columns)\nscript.cai:3:21: unknown column \"evnt_type\" (did you mean \"event_type\"?)\n"},
		{name: "a syntax error stops the script before it starts",
			args: []string{"run", "syntax.cai"}, status: 1,
			stdout: "", stderr: "syntax.cai:3:1: "},
		{name: "variables",
			args:   []string{"run", "vars.cai", "-v", "who=Ada", "-v", "n=41"},
			stdout: "who,m,k\nAda,42,${kept}\n"},
		{name: "variables before the command, flags after the file",
			args:   []string{"-v", "who=Bo", "run", "vars.cai", "--format", "json", "-v=n=1"},
			stdout: `{"who":"Bo","m":2,"k":"${kept}"}` + "\n"},
		{name: "variable without a value",
			args: []string{"run", "nov.cai"}, status: 2,
			stderr: "cai: nov.cai:2:8: no value for ${missing} (pass -v missing=value)\n"},
		{name: "variables in -c",
			args:   []string{"-v", "x=7", "-c", "SELECT ${x} AS x;"},
			stdout: "x\n7\n"},
		{name: "json",
			args:   []string{"--format", "json", "run", "ok.cai"},
			stdout: `{"event_type":"purchase","total":15.5}` + "\n" + `{"event_type":"visit","total":null}` + "\n",
			stderr: "created table t"},
		{name: "table",
			args:   []string{"--format=table", "-c", "SELECT 1 AS x; SELECT 2 AS y;"},
			stdout: "┌───┐\n│ x │\n├───┤\n│ 1 │\n└───┘\n(1 row)\n\n┌───┐\n│ y │\n├───┤\n│ 2 │\n└───┘\n(1 row)\n"},
		{name: "statements from stdin",
			stdin: "SELECT 3 AS z;\nSELECT nope;\n", status: 1,
			stdout: "z\n3\n", stderr: "stdin:2:8: unknown column \"nope\""},
		{name: "-c error has no file name",
			args: []string{"-c", "SELECT 1 AS x;\nSELECT nope;"}, status: 1,
			stdout: "x\n1\n", stderr: "2:8: unknown column"},
		{name: "parquet allows one result",
			args: []string{"--format", "parquet", "-c", "SELECT 1 AS x; SELECT 2 AS y;"}, status: 1,
			skipStdout: true, stderrHas: "--format parquet writes one result"},
		{name: "--as-of fixes now()",
			args:   []string{"--as-of", "2024-06-30", "-c", "SELECT now() AS t, date_trunc('month', now() - 1 DAY) AS m;"},
			stdout: "t,m\n2024-06-30T00:00:00Z,2024-06-01T00:00:00Z\n"},
		{name: "--as-of with a time and an offset",
			args:   []string{"-c", "SELECT now() AS t;", "--as-of=2024-06-30T12:00:00+02:00"},
			stdout: "t\n2024-06-30T10:00:00Z\n"},
		{name: "bad --as-of", args: []string{"--as-of", "soon", "-c", "SELECT 1;"}, status: 2, stderr: `cai: invalid value "soon" for flag -as-of`},
		{name: "version", args: []string{"version"}, stdout: "cai devel\n"},
		{name: "help", args: []string{"--help"}, stdoutHas: "usage:"},
		{name: "unknown command", args: []string{"frobnicate"}, status: 2, stderr: `cai: unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"--nope"}, status: 2, stderr: "cai: flag provided but not defined: -nope"},
		{name: "bad format", args: []string{"--format", "xml", "-c", "SELECT 1;"}, status: 2, stderr: "cai: --format: unknown format"},
		{name: "run without a file", args: []string{"run"}, status: 2, stderr: "cai: cai run takes one script file"},
		{name: "-c with a command", args: []string{"-c", "SELECT 1;", "run", "x.cai"}, status: 2, stderr: "cai: -c takes no command"},
		{name: "bad variable", args: []string{"-v", "1x=2", "-c", "SELECT 1;"}, status: 2, stderr: "cai: invalid value"},
		{name: "missing script", args: []string{"run", "missing.cai"}, status: 2, stderr: "cai: open missing.cai: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, status := runCai(t, tt.stdin, tt.args...)
			if status != tt.status {
				t.Errorf("status %d, want %d; stderr:\n%s", status, tt.status, stderr)
			}
			switch {
			case tt.skipStdout:
			case tt.stdoutHas != "":
				if !strings.Contains(stdout, tt.stdoutHas) {
					t.Errorf("stdout lacks %q:\n%s", tt.stdoutHas, stdout)
				}
			case stdout != tt.stdout:
				t.Errorf("stdout:\n%s\nwant\n%s", stdout, tt.stdout)
			}
			if !strings.HasPrefix(stderr, tt.stderr) || tt.stderr == "" && tt.stderrHas == "" && stderr != "" {
				t.Errorf("stderr:\n%s\nwant it to start with\n%s", stderr, tt.stderr)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, stderr)
			}
		})
	}
}

func TestParquetOutput(t *testing.T) {
	stdout, stderr, status := runCai(t, "", "--format", "parquet", "-c", "SELECT 1 AS x, 'a' AS y;")
	if status != 0 || stderr != "" {
		t.Fatalf("status %d, stderr %s", status, stderr)
	}
	if !strings.HasPrefix(stdout, "PAR1") || !strings.HasSuffix(stdout, "PAR1") {
		t.Errorf("not a Parquet file: %q", stdout)
	}
}

func TestPersistentDB(t *testing.T) {
	inTempDir(t, map[string]string{"e.csv": eventsCSV})
	db := filepath.Join(t.TempDir(), "db")
	if _, stderr, status := runCai(t, "", "--db", db, "-c", "CREATE TABLE t FROM 'e.csv';"); status != 0 {
		t.Fatalf("create: %d %s", status, stderr)
	}
	stdout, stderr, status := runCai(t, "", "--db", db, "-c", "SELECT COUNT(*) AS n FROM t;")
	if status != 0 || stdout != "n\n3\n" {
		t.Errorf("select: %d %q %s", status, stdout, stderr)
	}
}

// panicReader panics when read, standing in for a bug.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("boom") }

func TestInternalError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run(nil, panicReader{}, &stdout, &stderr); status != 3 {
		t.Errorf("status %d, want 3", status)
	}
	if !strings.HasPrefix(stderr.String(), "cai: internal error: boom") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"a": "1", "b_2": "two", "empty": ""}
	tests := []struct{ src, want, err string }{
		{"SELECT ${a}, '${b_2}', '${empty}';", "SELECT 1, 'two', '';", ""},
		{"no references, $ { a } $a {a}", "no references, $ { a } $a {a}", ""},
		{"$${a} stays", "${a} stays", ""},
		{"$$${a}", "$${a}", ""}, // "$", then the escaped reference
		{"x\n  ${nope}", "", "f.cai:2:3: no value for ${nope} (pass -v nope=value)"},
		{"é${nope}", "", "f.cai:1:2: no value for ${nope}"},
	}
	for _, tt := range tests {
		got, err := substitute("f.cai", tt.src, vars)
		switch {
		case tt.err != "":
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.src, err, tt.err)
			}
		case err != nil || got != tt.want:
			t.Errorf("%q: got %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
}
