package output

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/cai-dev/cai/engine"
)

// writeCSV writes RFC 4180 CSV with a header row.
func writeCSV(w io.Writer, r *engine.Result) error {
	if !r.HasRows() {
		return writeMessage(w, r)
	}
	cw := csv.NewWriter(w)
	header := make([]string, r.Schema.NumFields())
	for i, f := range r.Schema.Fields() {
		header[i] = f.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, b := range r.Batches {
		for i := 0; i < int(b.NumRows()); i++ {
			for j := range rec {
				rec[j] = csvText(valueAt(b.Column(j), i))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText renders a value exactly: NULL as an empty field, floats in
// full precision, timestamps in RFC 3339, lists and structs as JSON.
func csvText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		return exactFloat(v)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case timeValue:
		return exactTime(v)
	}
	return string(appendJSON(nil, v))
}

// exactFloat is the shortest text that reads back as f, without an
// exponent for ordinary magnitudes.
func exactFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// exactTime is RFC 3339 (with fractional seconds when present), or
// YYYY-MM-DD for dates.
func exactTime(tv timeValue) string {
	if tv.date {
		return tv.t.Format(time.DateOnly)
	}
	return tv.t.Format(time.RFC3339Nano)
}
