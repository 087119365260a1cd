package storage

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ipcWriter writes the Arrow IPC file format, uncompressed, one record
// batch per batch written.
type ipcWriter struct {
	fw *ipc.FileWriter
}

func newIPCWriter(mem memory.Allocator, w io.Writer, schema *arrow.Schema) (*ipcWriter, error) {
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		return nil, err
	}
	return &ipcWriter{fw: fw}, nil
}

func (iw *ipcWriter) write(rec arrow.RecordBatch) error { return iw.fw.Write(rec) }

func (iw *ipcWriter) close() error { return iw.fw.Close() }
