package storage

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// arrowMagic opens (and closes) an Arrow IPC file; a stream lacks it.
var arrowMagic = []byte("ARROW1")

// ipcSource loads an Arrow IPC file or stream, told apart by the "ARROW1"
// magic bytes. Batches are returned as stored, after normalising types
// and flattening structs; each is fully validated first, so corrupt files
// give errors wrapping ErrMalformed rather than bad arrays.
//
// The IPC decoder in arrow-go v18.9.0 does not release the message it is
// decoding when it rejects a corrupt batch. So that such files cannot leak
// from the caller's allocator, batches are decoded into memory from a
// private Go allocator (reclaimed by the garbage collector) and copied into
// the caller's allocator once validated.
type ipcSource struct {
	mem  memory.Allocator
	path string
	opts *ReadOptions
	ov   *overrides
}

// ipcReader reads batches from either IPC format; next returns batches the
// caller owns and io.EOF at the end.
type ipcReader interface {
	schema() *arrow.Schema
	next() (arrow.RecordBatch, error)
	close()
}

func (s *ipcSource) openReader() (rd ipcReader, err error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	err = s.guard(func() error {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		size := fi.Size()
		scratch := memory.NewGoAllocator()
		opts := []ipc.Option{ipc.WithAllocator(scratch), ipc.WithMetadataSizeLimit(size), ipc.WithBodySizeLimit(size)}
		head := make([]byte, len(arrowMagic))
		n, _ := f.ReadAt(head, 0)
		if bytes.Equal(head[:n], arrowMagic) {
			if err := checkIPCFile(f, size); err != nil {
				return err
			}
			fr, err := ipc.NewFileReader(f, opts...)
			if err != nil {
				return err
			}
			rd = &ipcFileReader{f: f, fr: fr}
			return nil
		}
		if err := checkIPCStream(f, size); err != nil {
			return err
		}
		sr, err := ipc.NewReader(bufio.NewReader(f), opts...)
		if err != nil {
			return err
		}
		rd = &ipcStreamReader{f: f, sr: sr}
		return nil
	})
	if err != nil {
		if rd != nil {
			rd.close()
		} else {
			f.Close()
		}
		return nil, err
	}
	return rd, nil
}

// guard runs f, turning errors and panics into *Error values that wrap
// ErrMalformed.
func (s *ipcSource) guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panic: %v", r)
		}
		if err != nil && err != io.EOF {
			err = &Error{Path: s.path, Msg: "invalid Arrow file: " + err.Error(), Err: ErrMalformed}
		}
	}()
	return f()
}

func (s *ipcSource) probe(context.Context) (*arrow.Schema, error) {
	rd, err := s.openReader()
	if err != nil {
		return nil, err
	}
	defer rd.close()
	return leafSchema(flattenSchema(rd.schema()), s.ov), nil
}

func (s *ipcSource) open(_ context.Context, target *arrow.Schema) (batchReader, error) {
	rd, err := s.openReader()
	if err != nil {
		return nil, err
	}
	return &ipcBatchReader{src: s, rd: rd, conv: newColumnar(s.mem, s.path, rd.schema(), target)}, nil
}

type ipcBatchReader struct {
	src  *ipcSource
	rd   ipcReader
	conv *columnar
}

func (r *ipcBatchReader) next(context.Context) (arrow.RecordBatch, error) {
	var rec arrow.RecordBatch
	err := r.src.guard(func() error {
		var err error
		if rec, err = r.rd.next(); err != nil {
			return err
		}
		if err = array.ValidateRecordFull(rec); err != nil {
			rec.Release()
			rec = nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	var own arrow.RecordBatch
	if err := r.src.guard(func() error { own = copyRecord(r.src.mem, rec); return nil }); err != nil {
		return nil, err
	}
	defer own.Release()
	return r.conv.convert(own)
}

func (r *ipcBatchReader) close() error {
	if r.rd != nil {
		r.rd.close()
		r.rd = nil
	}
	return nil
}

type ipcFileReader struct {
	f  *os.File
	fr *ipc.FileReader
	i  int
}

func (r *ipcFileReader) schema() *arrow.Schema { return r.fr.Schema() }

func (r *ipcFileReader) next() (arrow.RecordBatch, error) {
	if r.i >= r.fr.NumRecords() {
		return nil, io.EOF
	}
	r.i++
	return r.fr.RecordBatchAt(r.i - 1)
}

func (r *ipcFileReader) close() {
	r.fr.Close()
	r.f.Close()
}

type ipcStreamReader struct {
	f  *os.File
	sr *ipc.Reader
}

func (r *ipcStreamReader) schema() *arrow.Schema { return r.sr.Schema() }

func (r *ipcStreamReader) next() (arrow.RecordBatch, error) {
	if !r.sr.Next() {
		if err := r.sr.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	rec := r.sr.RecordBatch()
	rec.Retain()
	return rec, nil
}

func (r *ipcStreamReader) close() {
	r.sr.Release()
	r.f.Close()
}
