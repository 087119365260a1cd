package storage

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Reader streams the rows of one or more files as record batches.
//
// Contract: Next returns the next batch, or io.EOF once all rows have been
// returned, and keeps returning the same error after any failure. Each
// batch is owned by the caller, who must Release it; it is never reused by
// the Reader. Every batch has exactly Schema(); no batch is empty. Close
// releases the Reader's resources; it is safe to call more than once, and
// Next after Close returns an error. A Reader is not safe for concurrent
// use.
type Reader interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close() error
}

// source is one input file in one format.
type source interface {
	// probe returns the file's schema with engine types, flattened, with
	// overrides applied. Columns of unknown type have type arrow.Null.
	probe(ctx context.Context) (*arrow.Schema, error)
	// open starts reading the file; its batches have schema target, which
	// holds every column of probe's schema, maybe with wider types.
	open(ctx context.Context, target *arrow.Schema) (batchReader, error)
}

// batchReader reads the batches of one file. next returns io.EOF at the end.
type batchReader interface {
	next(ctx context.Context) (arrow.RecordBatch, error)
	close() error
}

// Open returns a Reader over the files matching pattern, a path or a glob
// (filepath.Match syntax). The files are read in sorted order and must
// unify to one schema: a column missing from a file is NULL in that file's
// rows, and a column whose types differ between files widens (BIGINT to
// DOUBLE, any other mix to VARCHAR). Types are inferred per file for CSV
// and JSON (see ReadOptions.SampleRows) and taken from the metadata for
// Parquet and Arrow, then normalised to engine types (see NormalizeType).
// Struct columns of Parquet and Arrow files are flattened to dotted names
// as JSON objects are.
//
// Open reads the start of every file to learn its schema. Errors are
// *Error values naming the file; a pattern that matches nothing gives
// ErrNoFiles and an empty file ErrEmptyFile.
func Open(ctx context.Context, mem memory.Allocator, pattern string, opts ReadOptions) (Reader, error) {
	opts = opts.withDefaults()
	ov, err := newOverrides(&opts)
	if err != nil {
		return nil, err
	}
	paths, err := expand(pattern)
	if err != nil {
		return nil, err
	}
	sources := make([]source, len(paths))
	schemas := make([]*arrow.Schema, len(paths))
	for i, p := range paths {
		if sources[i], err = newSource(mem, p, &opts, ov); err != nil {
			return nil, withPath(p, err)
		}
		if schemas[i], err = sources[i].probe(ctx); err != nil {
			return nil, withPath(p, err)
		}
	}
	schema := unifySchemas(schemas)
	if err := ov.checkKnown(schema, pattern); err != nil {
		return nil, err
	}
	return &multiReader{mem: mem, schema: schema, sources: sources, paths: paths}, nil
}

// expand returns the sorted files that pattern names.
func expand(pattern string) ([]string, error) {
	if !strings.ContainsAny(pattern, "*?[") {
		fi, err := os.Stat(pattern)
		switch {
		case err != nil:
			return nil, &Error{Path: pattern, Err: err}
		case fi.IsDir():
			return nil, &Error{Path: pattern, Msg: "is a directory"}
		}
		return []string{pattern}, nil
	}
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, &Error{Path: pattern, Msg: "bad glob pattern: " + err.Error(), Err: err}
	}
	files := matches[:0]
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && !fi.IsDir() {
			files = append(files, m)
		}
	}
	if len(files) == 0 {
		return nil, &Error{Path: pattern, Err: ErrNoFiles}
	}
	sort.Strings(files)
	return files, nil
}

// newSource picks the loader for path.
func newSource(mem memory.Allocator, path string, opts *ReadOptions, ov *overrides) (source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 {
		return nil, &Error{Path: path, Err: ErrEmptyFile}
	}
	format := opts.Format
	if format == FormatAuto {
		if format, err = detectFormat(path); err != nil {
			return nil, err
		}
	}
	switch format {
	case CSV:
		return &csvSource{mem: mem, path: path, opts: opts, ov: ov}, nil
	case JSON:
		return &jsonSource{mem: mem, path: path, opts: opts, ov: ov}, nil
	case Parquet:
		return &parquetSource{mem: mem, path: path, opts: opts, ov: ov}, nil
	case Arrow:
		return &ipcSource{mem: mem, path: path, opts: opts, ov: ov}, nil
	}
	return nil, &Error{Path: path, Msg: "unsupported format " + format.String(), Err: ErrUnsupportedFormat}
}

// detectFormat uses the extension of path, or failing that its first bytes
// (decompressed if gzipped).
func detectFormat(path string) (Format, error) {
	if f, err := FormatFromPath(path); err == nil {
		return f, nil
	}
	t, err := openText(path)
	if err != nil {
		return FormatAuto, err
	}
	defer t.Close()
	head, _ := t.r.Peek(4096)
	if f, ok := sniffFormat(head); ok && (!t.compressed() || f == CSV || f == JSON) {
		return f, nil
	}
	return FormatAuto, &Error{Path: path, Msg: "cannot tell the file format from its extension or content", Err: ErrUnsupportedFormat}
}

// multiReader reads the files of a glob one after another.
type multiReader struct {
	mem     memory.Allocator
	schema  *arrow.Schema
	sources []source
	paths   []string
	idx     int
	cur     batchReader
	err     error
}

func (m *multiReader) Schema() *arrow.Schema { return m.schema }

func (m *multiReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if m.err != nil {
		return nil, m.err
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if m.cur == nil {
			if m.idx == len(m.sources) {
				m.err = io.EOF
				return nil, io.EOF
			}
			cur, err := m.sources[m.idx].open(ctx, m.schema)
			if err != nil {
				return nil, m.fail(err)
			}
			m.cur = cur
		}
		rec, err := m.cur.next(ctx)
		switch {
		case err == io.EOF:
			err = m.cur.close()
			m.cur = nil
			if err != nil {
				return nil, m.fail(err)
			}
			m.idx++
		case err != nil:
			return nil, m.fail(err)
		case rec.NumRows() == 0:
			rec.Release()
		default:
			// Batches are usually kept (CREATE TABLE): drop the slack
			// the decoders reserved.
			return compactRecord(m.mem, rec), nil
		}
	}
}

// fail records err as the reader's final error.
func (m *multiReader) fail(err error) error {
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		err = withPath(m.paths[m.idx], err)
	}
	m.err = err
	return err
}

func (m *multiReader) Close() error {
	if m.err == errClosed {
		return nil
	}
	m.err = errClosed
	if m.cur != nil {
		err := m.cur.close()
		m.cur = nil
		return err
	}
	return nil
}

var errClosed = errors.New("storage: reader is closed")
