package repl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cai-dev/cai"
	"github.com/cai-dev/cai/output"
)

// newSession opens an in-memory database with a table "events" loaded
// from a small CSV file.
func newSession(t *testing.T) *Session {
	t.Helper()
	db, err := cai.Open(cai.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	path := filepath.Join(t.TempDir(), "events.csv")
	csv := "customer_id,event_type,commerce.order.priceTotal,ts\n" +
		"c1,purchase,12.5,2024-01-01\n" +
		"c1,visit,,2024-01-02T10:00:00Z\n" +
		"c2,purchase,30,2024-01-03\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewSession(db, Options{})
	if _, err := db.Exec(context.Background(), "CREATE TABLE events FROM '"+path+"';"); err != nil {
		t.Fatal(err)
	}
	return s
}

// feed evaluates lines in order and returns the output and the error of
// the last one.
func feed(t *testing.T, s *Session, lines ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	for _, l := range lines {
		err = s.Eval(context.Background(), &buf, l)
	}
	return buf.String(), err
}

func TestMultiLineStatement(t *testing.T) {
	s := newSession(t)
	var buf bytes.Buffer
	steps := []struct {
		line, prompt string
		printed      bool
	}{
		{"SELECT COUNT(*) AS n", ContinuePrompt, false},
		{"", ContinuePrompt, false},
		{"  FROM events -- a ';' in a comment does not end it", ContinuePrompt, false},
		{"  WHERE event_type = 'a;b'", ContinuePrompt, false},
		{"   OR event_type = 'purchase'", ContinuePrompt, false},
		{";", Prompt, true},
	}
	for _, st := range steps {
		before := buf.Len()
		if err := s.Eval(context.Background(), &buf, st.line); err != nil {
			t.Fatalf("%q: %v", st.line, err)
		}
		if got := s.Prompt(); got != st.prompt {
			t.Errorf("after %q prompt is %q, want %q", st.line, got, st.prompt)
		}
		if printed := buf.Len() > before; printed != st.printed {
			t.Errorf("after %q printed = %v, want %v:\n%s", st.line, printed, st.printed, buf.String())
		}
	}
	want := "┌───┐\n│ n │\n├───┤\n│ 2 │\n└───┘\n(1 row)\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestStatementsAndRest(t *testing.T) {
	s := newSession(t)
	out, err := feed(t, s, "SELECT 1 AS a; SELECT 2 AS b; SELECT")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "│ a │") || !strings.Contains(out, "│ b │") || s.Prompt() != ContinuePrompt {
		t.Fatalf("first line: prompt %q, output\n%s", s.Prompt(), out)
	}
	out, err = feed(t, s, "3 AS c;")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "│ c │") || s.Prompt() != Prompt {
		t.Fatalf("second line: prompt %q, output\n%s", s.Prompt(), out)
	}
	// Comments and blank lines alone never leave the prompt waiting.
	for _, l := range []string{"", "   ", "-- a comment", "/* a block */", "SELECT 1; -- trailing"} {
		if _, err := feed(t, s, l); err != nil || s.Prompt() != Prompt {
			t.Errorf("%q: prompt %q, err %v", l, s.Prompt(), err)
		}
	}
	feed(t, s, "SELECT")
	s.Reset()
	if s.Prompt() != Prompt {
		t.Error("Reset kept the unfinished statement")
	}
}

func TestCommands(t *testing.T) {
	s := newSession(t)
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { clock = clock.Add(12300 * time.Microsecond); return clock }
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{`\format csv`, "SELECT 1 AS x;"}, "Format is csv.\nx\n1\n"},
		{[]string{`\format json`, "SELECT 1 AS x, 'a' AS y;"}, "Format is json.\n{\"x\":1,\"y\":\"a\"}\n"},
		{[]string{`\format`}, "Format is json.\n"},
		{[]string{`\timing`, "SELECT 1 AS x;", `\timing`}, "Timing on.\n{\"x\":1}\nTime: 12.3 ms\nTiming off.\n"},
		{[]string{`\timing on`, `\timing on`, `\timing off`}, "Timing on.\nTiming on.\nTiming off.\n"},
		{[]string{`\chart`, `\chart off`}, "Charts on.\nCharts off.\n"},
		{[]string{`\format table`, `\d`}, "Format is table.\n" +
			"┌────────┬───────┐\n│ name   │ kind  │\n├────────┼───────┤\n│ events │ table │\n└────────┴───────┘\n(1 row)\n"},
		{[]string{`\format csv`, `\d events`}, "Format is csv.\ncolumn_name,column_type\n" +
			"customer_id,VARCHAR\nevent_type,VARCHAR\ncommerce.order.priceTotal,DOUBLE\nts,TIMESTAMP\n"},
	}
	for _, tt := range tests {
		out, err := feed(t, s, tt.lines...)
		if err != nil {
			t.Errorf("%q: %v", tt.lines, err)
		}
		if out != tt.want {
			t.Errorf("%q:\ngot\n%s\nwant\n%s", tt.lines, out, tt.want)
		}
	}
}

func TestCommandErrors(t *testing.T) {
	s := newSession(t)
	for _, line := range []string{`\nope`, `\format xml`, `\format parquet`, `\timing maybe`, `\d a b`, `\d missing`} {
		if _, err := feed(t, s, line); err == nil {
			t.Errorf("%s: no error", line)
		}
	}
	if _, err := feed(t, s, `\q`); !errors.Is(err, ErrQuit) {
		t.Errorf(`\q: got %v, want ErrQuit`, err)
	}
	// A command in the middle of a statement keeps the statement.
	feed(t, s, "SELECT 1")
	if _, err := feed(t, s, `\timing`); err != nil || s.Prompt() != ContinuePrompt {
		t.Errorf("command mid-statement: prompt %q, err %v", s.Prompt(), err)
	}
}

func TestHelp(t *testing.T) {
	out, err := feed(t, newSession(t), `\help`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not mention %s", c.name)
		}
	}
	for _, w := range []string{"SELECT", "PREDICT", "EVALUATE", "SEGMENT"} {
		if !strings.Contains(out, w) {
			t.Errorf("help does not mention %s", w)
		}
	}
}

func TestErrorWithCaret(t *testing.T) {
	s := newSession(t)
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"SELECT", "  evnt_type FROM events;"},
			"2:3: unknown column \"evnt_type\" (did you mean \"event_type\"?)\n" +
				"    evnt_type FROM events;\n" +
				"    ^\n"},
		{[]string{"SELEC 1;"},
			"1:1: unexpected \"SELEC\", expected a statement (did you mean SELECT?)\n" +
				"  SELEC 1;\n" +
				"  ^\n"},
		{[]string{"SELECT 1 AS x; SELECT * FROM nowhere;"}, "1:30: "},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		_, err := feed(t, s, tt.lines...)
		if err == nil {
			t.Errorf("%q: no error", tt.lines)
			continue
		}
		WriteError(&out, err)
		if !strings.HasPrefix(out.String(), tt.want) {
			t.Errorf("%q:\ngot\n%s\nwant\n%s", tt.lines, out.String(), tt.want)
		}
	}
}

func TestCanceled(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Eval(ctx, &bytes.Buffer{}, "SELECT 1;")
	var out bytes.Buffer
	WriteError(&out, err)
	if out.String() != "canceled\n" {
		t.Errorf("got %q (%v), want canceled", out.String(), err)
	}
}

func TestParquetFormatFallsBack(t *testing.T) {
	s := NewSession(nil, Options{Format: output.Parquet})
	if s.format != output.Table {
		t.Errorf("format %v, want table", s.format)
	}
}

var timeRE = regexp.MustCompile(`Time: \d+\.\d ms`)

func TestTimingRealClock(t *testing.T) {
	out, err := feed(t, newSession(t), `\timing`, "SELECT 1 AS x; SELECT 2 AS y;")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(timeRE.FindAllString(out, -1)); n != 2 {
		t.Errorf("want a time after each of 2 statements, got %d:\n%s", n, out)
	}
}
