package storage

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetSource loads a Parquet file through pqarrow, one batch of
// ReadOptions.BatchSize rows at a time. Struct columns are flattened to
// dotted names; lists (including lists of structs) are kept. Every batch
// is fully validated, and panics in the decoder, which corrupt files can
// provoke, are returned as errors wrapping ErrMalformed.
type parquetSource struct {
	mem  memory.Allocator
	path string
	opts *ReadOptions
	ov   *overrides
}

// parquetFile is an open Parquet file.
type parquetFile struct {
	pf     *file.Reader
	fr     *pqarrow.FileReader
	schema *arrow.Schema
}

func (s *parquetSource) openFile() (pf *parquetFile, err error) {
	err = s.guard(func() error {
		r, err := file.OpenParquetFile(s.path, false, file.WithReadProps(parquet.NewReaderProperties(s.mem)))
		if err != nil {
			return err
		}
		pf = &parquetFile{pf: r}
		props := pqarrow.ArrowReadProperties{BatchSize: int64(s.opts.BatchSize)}
		if pf.fr, err = pqarrow.NewFileReader(r, props, s.mem); err != nil {
			return err
		}
		pf.schema, err = pf.fr.Schema()
		return err
	})
	if err != nil && pf != nil {
		pf.pf.Close()
	}
	return pf, err
}

// guard runs f, turning errors and panics from the decoder into *Error
// values that wrap ErrMalformed.
func (s *parquetSource) guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panic: %v", r)
		}
		if err != nil && err != io.EOF {
			err = &Error{Path: s.path, Msg: "invalid Parquet file: " + err.Error(), Err: ErrMalformed}
		}
	}()
	return f()
}

func (s *parquetSource) probe(context.Context) (*arrow.Schema, error) {
	pf, err := s.openFile()
	if err != nil {
		return nil, err
	}
	defer pf.pf.Close()
	return leafSchema(flattenSchema(pf.schema), s.ov), nil
}

func (s *parquetSource) open(ctx context.Context, target *arrow.Schema) (batchReader, error) {
	pf, err := s.openFile()
	if err != nil {
		return nil, err
	}
	r := &parquetBatchReader{src: s, pf: pf, conv: newColumnar(s.mem, s.path, pf.schema, target)}
	if pf.pf.NumRows() == 0 || pf.schema.NumFields() == 0 {
		return r, nil
	}
	err = s.guard(func() error {
		var err error
		r.rr, err = pf.fr.GetRecordReader(ctx, nil, nil)
		return err
	})
	if err != nil {
		pf.pf.Close()
		return nil, err
	}
	return r, nil
}

type parquetBatchReader struct {
	src  *parquetSource
	pf   *parquetFile
	rr   pqarrow.RecordReader // nil for a file without rows
	conv *columnar
}

func (r *parquetBatchReader) next(context.Context) (arrow.RecordBatch, error) {
	if r.rr == nil {
		return nil, io.EOF
	}
	var rec arrow.RecordBatch
	err := r.src.guard(func() error {
		var err error
		if rec, err = r.rr.Read(); err != nil { // owned by rr until the next Read
			return err
		}
		// The decoder can build inconsistent arrays from a corrupt file.
		return array.ValidateRecordFull(rec)
	})
	if err != nil {
		return nil, err
	}
	return r.conv.convert(rec)
}

func (r *parquetBatchReader) close() error {
	if r.pf == nil {
		return nil
	}
	if r.rr != nil {
		r.src.guard(func() error { r.rr.Release(); return nil })
		r.rr = nil
	}
	err := r.pf.pf.Close()
	r.pf = nil
	return err
}
