package storage

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// jsonWriter writes JSON lines: one object per row with a member per
// column, in schema order, NULLs written as null. Column names are used as
// is, so a flattened column "a.b" is written as the key "a.b", which reads
// back as the same column.
type jsonWriter struct {
	w    io.Writer
	keys [][]byte // `"name":` per column
	buf  []byte
}

func newJSONWriter(w io.Writer, schema *arrow.Schema) *jsonWriter {
	jw := &jsonWriter{w: w, keys: make([][]byte, schema.NumFields())}
	for i, f := range schema.Fields() {
		jw.keys[i] = append(appendJSONString(nil, f.Name), ':')
	}
	return jw
}

func (jw *jsonWriter) write(rec arrow.RecordBatch) error {
	cols := rec.Columns()
	for i := 0; i < int(rec.NumRows()); i++ {
		buf := append(jw.buf[:0], '{')
		for j, c := range cols {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, jw.keys[j]...)
			buf = appendJSONValue(buf, c, i)
		}
		buf = append(buf, '}', '\n')
		jw.buf = buf
		if _, err := jw.w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func (jw *jsonWriter) close() error { return nil }
