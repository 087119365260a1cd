package output

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/cai-dev/cai/engine"
)

// writeParquet writes the rows as one Snappy-compressed Parquet file with
// the Arrow schema stored, so types read back exactly.
func writeParquet(w io.Writer, r *engine.Result) error {
	mem := memory.DefaultAllocator
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithCompression(compress.Codecs.Snappy))
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem), pqarrow.WithStoreSchema())
	// The file writer closes a sink that is an io.Closer; w is not ours.
	fw, err := pqarrow.NewFileWriter(r.Schema, writerOnly{w}, props, arrProps)
	if err != nil {
		return err
	}
	for _, b := range r.Batches {
		if err := fw.WriteBuffered(b); err != nil {
			fw.Close()
			return err
		}
	}
	return fw.Close()
}

// writerOnly hides every method of a writer but Write.
type writerOnly struct{ w io.Writer }

func (o writerOnly) Write(p []byte) (int, error) { return o.w.Write(p) }
