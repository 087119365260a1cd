package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/mattn/go-runewidth"

	"github.com/cai-dev/cai/engine"
)

// ErrNothingToChart is returned by Chart for results that have no
// natural bar chart.
var ErrNothingToChart = errors.New("nothing to chart")

// Chart draws r as a horizontal bar chart about width characters wide:
// one bar per row, labelled, with the value after the bar. Which columns
// it draws depends on r.Chart:
//
//   - "deciles": the "lift" column, labelled by the "decile" column;
//   - "histogram": the "count" column, labelled by the first column;
//   - otherwise a result of exactly two columns, one label (string,
//     integer or timestamp) and one number.
//
// Other results give ErrNothingToChart. Chart does not release r.
func Chart(w io.Writer, r *engine.Result, width int) error {
	if !r.HasRows() {
		return ErrNothingToChart
	}
	label, value, err := chartColumns(r)
	if err != nil {
		return err
	}
	var labels, texts []string
	var vals []float64
	for _, b := range r.Batches {
		for i := 0; i < int(b.NumRows()); i++ {
			labels = append(labels, truncate(displayText(valueAt(b.Column(label), i)), 24))
			v := valueAt(b.Column(value), i)
			texts = append(texts, displayText(v))
			vals = append(vals, asFloat(v))
		}
	}
	return drawBars(w, r.Schema.Field(value).Name+" by "+r.Schema.Field(label).Name,
		labels, texts, vals, isNumeric(r.Schema.Field(label).Type), width)
}

// chartColumns picks the label and value columns of r.
func chartColumns(r *engine.Result) (label, value int, err error) {
	s := r.Schema
	named := func(name string) int {
		idx := s.FieldIndices(name)
		if len(idx) != 1 || !isNumeric(s.Field(idx[0]).Type) {
			return -1
		}
		return idx[0]
	}
	switch r.Chart {
	case "deciles":
		label, value = indexOf(s, "decile"), named("lift")
	case "histogram":
		label, value = 0, named("count")
	default:
		label, value = twoColumns(s)
	}
	if label < 0 || value < 0 || label == value {
		return 0, 0, ErrNothingToChart
	}
	return label, value, nil
}

func indexOf(s *arrow.Schema, name string) int {
	if idx := s.FieldIndices(name); len(idx) == 1 {
		return idx[0]
	}
	return -1
}

// twoColumns finds the label and the number in a two-column result: the
// string or timestamp column if there is one, else the first integer
// column, labels the other.
func twoColumns(s *arrow.Schema) (label, value int) {
	if s.NumFields() != 2 {
		return -1, -1
	}
	isLabel := func(dt arrow.DataType) bool {
		switch dt.ID() {
		case arrow.STRING, arrow.LARGE_STRING, arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64, arrow.BOOL:
			return true
		}
		return false
	}
	a, b := s.Field(0).Type, s.Field(1).Type
	switch {
	case isLabel(a) && isNumeric(b):
		return 0, 1
	case isLabel(b) && isNumeric(a):
		return 1, 0
	case arrow.IsInteger(a.ID()) && isNumeric(b):
		return 0, 1
	case arrow.IsInteger(b.ID()) && isNumeric(a):
		return 1, 0
	}
	return -1, -1
}

// asFloat converts a decoded number; NULL and non-numbers are NaN.
func asFloat(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// eighths are the partial blocks, from none to seven eighths.
var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// bar is a bar of length cells (in character cells, fractions drawn in
// eighths).
func bar(cells float64) string {
	n := int(math.Round(cells * 8))
	if n <= 0 {
		return ""
	}
	return strings.Repeat("█", n/8) + eighths[n%8]
}

func drawBars(w io.Writer, title string, labels, texts []string, vals []float64, rightLabels bool, width int) error {
	labelW, textW := 0, 0
	for i := range labels {
		labelW = max(labelW, runewidth.StringWidth(labels[i]))
		textW = max(textW, runewidth.StringWidth(texts[i]))
	}
	barW := max(10, width-labelW-textW-4)
	top := 0.0
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			top = max(top, v)
		}
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, title)
	for i, l := range labels {
		pad := strings.Repeat(" ", labelW-runewidth.StringWidth(l))
		if rightLabels {
			l = pad + l
		} else {
			l += pad
		}
		b := ""
		if top > 0 && vals[i] > 0 && !math.IsInf(vals[i], 0) {
			b = bar(vals[i] / top * float64(barW))
		}
		fmt.Fprintf(bw, "%s │%s %s\n", l, b, texts[i])
	}
	return bw.Flush()
}
