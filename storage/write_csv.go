package storage

import (
	"encoding/csv"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// csvWriter writes CSV with a header row; see Write for value formats.
type csvWriter struct {
	w   *csv.Writer
	row []string
}

func newCSVWriter(w io.Writer, schema *arrow.Schema) (*csvWriter, error) {
	cw := &csvWriter{w: csv.NewWriter(w), row: make([]string, schema.NumFields())}
	for i, f := range schema.Fields() {
		cw.row[i] = f.Name
	}
	return cw, cw.w.Write(cw.row)
}

func (cw *csvWriter) write(rec arrow.RecordBatch) error {
	cols := rec.Columns()
	for i := 0; i < int(rec.NumRows()); i++ {
		for j, c := range cols {
			cw.row[j] = formatCell(c, i)
		}
		if err := cw.w.Write(cw.row); err != nil {
			return err
		}
	}
	return nil
}

func (cw *csvWriter) close() error {
	cw.w.Flush()
	return cw.w.Error()
}
