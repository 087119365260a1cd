package repl

import (
	"slices"
	"testing"
)

func TestComplete(t *testing.T) {
	s := newSession(t)
	tests := []struct {
		line       string
		pos        int // -1: end of line
		head, tail string
		want       []string // all of these, in order, among the completions
		wantNot    []string
		exact      bool // the completions are exactly want
	}{
		{line: "sel", head: "", want: []string{"select"}, exact: true},
		{line: "SEL", want: []string{"SELECT"}, exact: true},
		{line: "Sel", want: []string{"SELECT"}, exact: true},
		{line: "select * fr", head: "select * ", want: []string{"from"}, exact: true},
		{line: "SELECT * FROM ev", head: "SELECT * FROM ", want: []string{"evaluate", "event", "event_type", "events"}},
		{line: "SELECT coun", head: "SELECT ", want: []string{"count"}},
		{line: "SELECT date_t", head: "SELECT ", want: []string{"date_trunc"}},
		{line: "SELECT cus", head: "SELECT ", want: []string{"customer_id"}, exact: true},
		{line: "SELECT events.cu", head: "SELECT ", want: []string{"events.customer_id"}, exact: true},
		{line: "SELECT events.", head: "SELECT ", want: []string{`events."commerce.order.priceTotal"`, "events.customer_id", "events.event_type", "events.ts"}, exact: true},
		{line: "SELECT comm", head: "SELECT ", want: []string{`"commerce.order.priceTotal"`}, exact: true},
		{line: `SELECT "comm`, head: "SELECT ", want: []string{`"commerce.order.priceTotal"`}, exact: true},
		{line: `SELECT "cus`, head: "SELECT ", want: []string{`"customer_id"`}, exact: true},
		{line: "SELECT commerce.ord", head: "SELECT ", want: []string{`"commerce.order.priceTotal"`}, exact: true},
		{line: "SELECT cu FROM events", pos: 9, head: "SELECT ", tail: " FROM events", want: []string{"customer_id"}, exact: true},
		{line: "SELECT 'ev", head: "SELECT '", want: []string{"events"}, wantNot: nil},
		{line: "SELECT ", head: "SELECT ", want: nil, exact: true},
		{line: "SELECT zzz", head: "SELECT ", want: nil, exact: true},
		{line: `\ti`, want: []string{`\timing`}, exact: true},
		{line: `\`, want: []string{`\help`, `\d`, `\format`, `\timing`, `\chart`, `\q`}, exact: true},
		{line: `\d ev`, head: `\d `, want: []string{"events"}, exact: true},
		{line: `\format c`, head: `\format `, want: []string{"csv"}, exact: true},
		{line: `\format `, head: `\format `, want: []string{"csv", "json", "table"}, exact: true},
		{line: `\chart o`, head: `\chart `, want: []string{"off", "on"}, exact: true},
	}
	for _, tt := range tests {
		pos := len([]rune(tt.line))
		if tt.pos > 0 {
			pos = tt.pos
		}
		head, got, tail := s.Complete(tt.line, pos)
		if head != tt.head || tail != tt.tail {
			t.Errorf("%q: head %q tail %q, want %q %q", tt.line, head, tail, tt.head, tt.tail)
		}
		if tt.exact {
			if !slices.Equal(got, tt.want) {
				t.Errorf("%q: got %q, want %q", tt.line, got, tt.want)
			}
			continue
		}
		i := 0
		for _, g := range got {
			if i < len(tt.want) && g == tt.want[i] {
				i++
			}
		}
		if i < len(tt.want) {
			t.Errorf("%q: got %q, want %q among them in order", tt.line, got, tt.want)
		}
	}
}
