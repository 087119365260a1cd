package output

import (
	"bytes"
	"testing"
)

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, 40)
	p.Update("loading events.csv", 10, 200)
	p.Update("loading events.csv", 20, 200) // throttled
	p.Update("loading events.csv", 200, 200)
	p.Update("training", 3, 0)
	p.Update("a step with a name far too long to fit on one narrow line", 0, 0)
	p.Clear()
	p.Clear() // nothing drawn: no output
	want := "\r\x1b[Kloading events.csv 10 / 200 (5%)" +
		"\r\x1b[Kloading events.csv 200 / 200 (100%)" +
		"\r\x1b[Ktraining 3" +
		"\r\x1b[Ka step with a name far too long to fit…" +
		"\r\x1b[K"
	if got := buf.String(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	var nilP *Progress
	nilP.Update("x", 1, 2) // a nil Progress is quiet
	nilP.Clear()
}
