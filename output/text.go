package output

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// displayText renders a decoded value for a table cell or a chart label:
// numbers readable rather than exact, timestamps without a time of day at
// midnight, lists and structs compact, NULL as NULL.
func displayText(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		return formatFloat(v)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return escapeControls(v)
	case timeValue:
		return formatTime(v)
	case []any:
		return listText(v)
	case structValue:
		return structText(v)
	}
	return "?"
}

// formatFloat prints up to 6 significant digits, without an exponent for
// magnitudes from 1e-4 to 1e15 (the integer part is never rounded away).
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	abs := math.Abs(f)
	if abs < 1e-4 || abs >= 1e15 {
		return strconv.FormatFloat(f, 'g', 6, 64)
	}
	exp := int(math.Floor(math.Log10(abs)))
	s := strconv.FormatFloat(f, 'f', max(0, 5-exp), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatTime prints 'YYYY-MM-DD' for dates and midnights, else
// 'YYYY-MM-DD HH:MM:SS'.
func formatTime(tv timeValue) string {
	h, m, s := tv.t.Clock()
	if tv.date || h == 0 && m == 0 && s == 0 && tv.t.Nanosecond() == 0 {
		return tv.t.Format(time.DateOnly)
	}
	return tv.t.Format(time.DateTime)
}

// listText renders a list compactly: the texts of a list of factors
// (structs with a "text" field) joined by "; ", otherwise "[a, b, c]".
func listText(l []any) string {
	if texts, ok := factorTexts(l); ok {
		return strings.Join(texts, "; ")
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = displayText(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// factorTexts returns the "text" field of every element when l is a list
// of structs that have one (the factors column of a prediction).
func factorTexts(l []any) ([]string, bool) {
	if len(l) == 0 {
		return nil, false
	}
	texts := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(structValue)
		if !ok {
			return nil, false
		}
		i := slices.Index(s.names, "text")
		if i < 0 {
			return nil, false
		}
		if t, ok := s.vals[i].(string); ok {
			texts = append(texts, escapeControls(t))
		}
	}
	return texts, true
}

func structText(s structValue) string {
	parts := make([]string, len(s.vals))
	for i, v := range s.vals {
		parts[i] = s.names[i] + ": " + displayText(v)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var controls = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)

// escapeControls keeps a cell on one line.
func escapeControls(s string) string {
	if strings.ContainsAny(s, "\n\r\t") {
		return controls.Replace(s)
	}
	return s
}
