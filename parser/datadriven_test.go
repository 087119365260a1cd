package parser

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The test scripts in testdata/*.test are a sequence of cases:
//
//	# a comment
//	parse [file=name.cai]
//	SELECT a FROM t;
//	----
//	<expected output>
//
// The input runs from the directive line to "----"; the expected output
// from there to the first blank line (or the end of the file). Outputs
// never hold blank lines.

// testCase is one case of a test script.
type testCase struct {
	pos       string // file:line of the directive, for messages
	directive string // parse, error or format
	args      map[string]string
	input     string
	expected  string
	// the line range of the expected output in the script, for -rewrite
	outStart, outEnd int
}

// readCases parses a test script.
func readCases(t testing.TB, path string) ([]*testCase, []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var cases []*testCase
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		tc := &testCase{pos: fmt.Sprintf("%s:%d", filepath.Base(path), i+1), args: map[string]string{}}
		fields := strings.Fields(line)
		tc.directive = fields[0]
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(f, "=")
			tc.args[k] = v
		}
		var in []string
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			in = append(in, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("%s: no ---- after the input", tc.pos)
		}
		tc.input = strings.Join(in, "\n")
		tc.outStart = i + 1
		var out []string
		for i++; i < len(lines) && lines[i] != ""; i++ {
			out = append(out, lines[i])
		}
		tc.outEnd = i
		tc.expected = strings.Join(out, "\n")
		cases = append(cases, tc)
	}
	return cases, lines
}

// rewriteCases writes the script back with the actual outputs.
func rewriteCases(t *testing.T, path string, lines []string, cases []*testCase, actual []string) {
	t.Helper()
	var b strings.Builder
	next := 0
	for i, tc := range cases {
		for _, l := range lines[next:tc.outStart] {
			b.WriteString(l + "\n")
		}
		if actual[i] != "" {
			b.WriteString(actual[i] + "\n")
		}
		next = tc.outEnd
	}
	for _, l := range lines[next:] {
		b.WriteString(l + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testScripts lists the test scripts.
func testScripts(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.test"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test scripts: %v", err)
	}
	return paths
}
