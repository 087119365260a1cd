package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/mattn/go-runewidth"

	"github.com/cai-dev/cai/engine"
)

// TableOptions control the Table format. The zero value, which Write
// uses, means the defaults given with each field.
type TableOptions struct {
	// MaxRows is the most rows printed in full (40). A longer result
	// prints its first Head (20) and last Tail (5) rows around a "…"
	// row.
	MaxRows, Head, Tail int
	// MaxWidth caps a column's width in characters (40); longer text is
	// cut and ends in "…".
	MaxWidth int
	// ListWidth caps the width of list and struct columns, such as the
	// factors of a prediction, instead of MaxWidth (60).
	ListWidth int
}

func (o TableOptions) withDefaults() TableOptions {
	d := TableOptions{MaxRows: 40, Head: 20, Tail: 5, MaxWidth: 40, ListWidth: 60}
	if o.MaxRows <= 0 {
		o.MaxRows = d.MaxRows
	}
	if o.Head <= 0 && o.Tail <= 0 {
		o.Head, o.Tail = d.Head, d.Tail
	}
	if o.MaxWidth <= 0 {
		o.MaxWidth = d.MaxWidth
	}
	if o.ListWidth <= 0 {
		o.ListWidth = d.ListWidth
	}
	return o
}

// column is one column of a table being laid out.
type column struct {
	name  string
	right bool // right-aligned (numbers)
	max   int  // widest cell allowed
	width int  // widest cell present
}

// WriteTable writes r as an aligned box-drawing table with a footer that
// counts the rows; a result without rows prints its message.
func WriteTable(w io.Writer, r *engine.Result, o TableOptions) error {
	if !r.HasRows() {
		return writeMessage(w, r)
	}
	o = o.withDefaults()
	n := r.NumRows()
	shown := shownRows(n, o)
	cols := tableColumns(r.Schema, o)
	rows := tableCells(r, shown, cols)
	for _, c := range cols {
		c.width = runewidth.StringWidth(c.name)
	}
	for _, row := range rows {
		for j, cell := range row {
			cols[j].width = max(cols[j].width, runewidth.StringWidth(cell))
		}
	}
	bw := bufio.NewWriter(w)
	if len(cols) > 0 {
		writeTableBody(bw, cols, rows, shown)
	}
	fmt.Fprintln(bw, footer(n, shown))
	return bw.Flush()
}

// rowRange is a half-open range of row numbers.
type rowRange struct{ from, to int64 }

// shownRows picks the rows to print: all of them, or a head and a tail.
func shownRows(n int64, o TableOptions) []rowRange {
	if n <= int64(o.MaxRows) || int64(o.Head+o.Tail) >= n {
		return []rowRange{{0, n}}
	}
	return []rowRange{{0, int64(o.Head)}, {n - int64(o.Tail), n}}
}

func tableColumns(s *arrow.Schema, o TableOptions) []*column {
	cols := make([]*column, s.NumFields())
	for i, f := range s.Fields() {
		c := &column{name: escapeControls(f.Name), right: isNumeric(f.Type), max: o.MaxWidth}
		if isNested(f.Type) {
			c.max = o.ListWidth
		}
		cols[i] = c
	}
	return cols
}

func isNested(dt arrow.DataType) bool {
	_, ok := dt.(arrow.NestedType)
	return ok
}

// tableCells renders the shown rows, truncated to each column's maximum.
func tableCells(r *engine.Result, shown []rowRange, cols []*column) [][]string {
	var rows [][]string
	var off int64
	for _, b := range r.Batches {
		bn := b.NumRows()
		for _, rg := range shown {
			from, to := max(rg.from, off), min(rg.to, off+bn)
			for i := from; i < to; i++ {
				row := make([]string, len(cols))
				for j := range cols {
					row[j] = truncate(displayText(valueAt(b.Column(j), int(i-off))), cols[j].max)
				}
				rows = append(rows, row)
			}
		}
		off += bn
	}
	return rows
}

// truncate cuts s to width display columns, ending in "…" when cut.
func truncate(s string, width int) string {
	if runewidth.StringWidth(s) <= width {
		return s
	}
	return runewidth.Truncate(s, width, "…")
}

func writeTableBody(w *bufio.Writer, cols []*column, rows [][]string, shown []rowRange) {
	rule(w, cols, "┌", "┬", "┐")
	header := make([]string, len(cols))
	for j, c := range cols {
		header[j] = c.name
	}
	line(w, cols, header)
	rule(w, cols, "├", "┼", "┤")
	head := int(shown[0].to - shown[0].from)
	for i, row := range rows {
		if i == head && len(shown) > 1 {
			gap := make([]string, len(cols))
			for j := range gap {
				gap[j] = "…"
			}
			line(w, cols, gap)
		}
		line(w, cols, row)
	}
	rule(w, cols, "└", "┴", "┘")
}

func rule(w *bufio.Writer, cols []*column, left, mid, right string) {
	w.WriteString(left)
	for j, c := range cols {
		if j > 0 {
			w.WriteString(mid)
		}
		w.WriteString(strings.Repeat("─", c.width+2))
	}
	w.WriteString(right + "\n")
}

func line(w *bufio.Writer, cols []*column, cells []string) {
	w.WriteString("│")
	for j, c := range cols {
		pad := strings.Repeat(" ", c.width-runewidth.StringWidth(cells[j]))
		w.WriteString(" ")
		if c.right {
			w.WriteString(pad + cells[j])
		} else {
			w.WriteString(cells[j] + pad)
		}
		w.WriteString(" │")
	}
	w.WriteString("\n")
}

// footer is "(1 row)", "(N rows)" or "(N rows, M shown)".
func footer(n int64, shown []rowRange) string {
	var m int64
	for _, rg := range shown {
		m += rg.to - rg.from
	}
	switch {
	case m < n:
		return fmt.Sprintf("(%d rows, %d shown)", n, m)
	case n == 1:
		return "(1 row)"
	}
	return fmt.Sprintf("(%d rows)", n)
}
