package output

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/cai-dev/cai/engine"
)

// writeJSON writes JSON lines: one object per row with the columns as
// keys, in schema order.
func writeJSON(w io.Writer, r *engine.Result) error {
	if !r.HasRows() {
		return writeMessage(w, r)
	}
	keys := make([][]byte, r.Schema.NumFields())
	for i, f := range r.Schema.Fields() {
		keys[i] = append(appendJSONString(nil, f.Name), ':')
	}
	bw := bufio.NewWriter(w)
	var buf []byte
	for _, b := range r.Batches {
		for i := 0; i < int(b.NumRows()); i++ {
			buf = append(buf[:0], '{')
			for j, k := range keys {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, k...)
				buf = appendJSON(buf, valueAt(b.Column(j), i))
			}
			buf = append(buf, '}', '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// appendJSON appends v as JSON: NaN and infinities become null,
// timestamps RFC 3339 strings, structs objects in field order.
func appendJSON(buf []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...)
	case int64:
		return strconv.AppendInt(buf, v, 10)
	case uint64:
		return strconv.AppendUint(buf, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(buf, "null"...)
		}
		return append(buf, exactFloat(v)...)
	case bool:
		return strconv.AppendBool(buf, v)
	case string:
		return appendJSONString(buf, v)
	case timeValue:
		return appendJSONString(buf, exactTime(v))
	case []any:
		buf = append(buf, '[')
		for i, e := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, e)
		}
		return append(buf, ']')
	case structValue:
		buf = append(buf, '{')
		for i, e := range v.vals {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(appendJSONString(buf, v.names[i]), ':')
			buf = appendJSON(buf, e)
		}
		return append(buf, '}')
	}
	return append(buf, "null"...)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(buf []byte, s string) []byte {
	b, err := json.Marshal(s)
	if err != nil { // invalid UTF-8 is replaced, never an error; be safe
		return append(buf, `""`...)
	}
	return append(buf, b...)
}
