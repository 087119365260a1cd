package storage

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Row groups are closed at whichever limit is reached first.
const (
	parquetRowGroupRows  = 1 << 20
	parquetRowGroupBytes = 128 << 20
)

// parquetWriter writes Snappy-compressed Parquet, buffering batches into
// row groups of up to parquetRowGroupRows rows or about
// parquetRowGroupBytes bytes.
type parquetWriter struct {
	fw *pqarrow.FileWriter
}

func newParquetWriter(mem memory.Allocator, w io.Writer, schema *arrow.Schema) (*parquetWriter, error) {
	props := parquet.NewWriterProperties(
		parquet.WithAllocator(mem),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(parquetRowGroupRows),
	)
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem), pqarrow.WithStoreSchema())
	fw, err := pqarrow.NewFileWriter(schema, w, props, arrProps)
	if err != nil {
		return nil, err
	}
	return &parquetWriter{fw: fw}, nil
}

func (pw *parquetWriter) write(rec arrow.RecordBatch) error {
	if err := pw.fw.WriteBuffered(rec); err != nil {
		return err
	}
	if pw.fw.RowGroupTotalBytesWritten() >= parquetRowGroupBytes {
		return pw.fw.NewBufferedRowGroupChecked()
	}
	return nil
}

func (pw *parquetWriter) close() error { return pw.fw.Close() }
