package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// WriteOptions controls Write.
type WriteOptions struct {
	// Format of the output; FormatAuto takes it from the path's extension
	// (see FormatFromPath). Arrow writes the IPC file format.
	Format Format
}

// formatWriter encodes batches in one format.
type formatWriter interface {
	write(rec arrow.RecordBatch) error
	close() error // finishes the encoding; does not close the file
}

// Write writes the batches that next returns, all with the given schema,
// to path. next returns io.EOF after the last batch. Write neither retains
// nor releases batches: each must stay valid until next is called again,
// and the caller releases it (WriteReader does this for a Reader).
//
// Formats: CSV with a header row, timestamps in RFC 3339 (UTC), NULL as an
// empty field and lists and structs as JSON text; JSON lines with one flat
// object per row keyed by column name, timestamps as RFC 3339 strings and
// lists of structs as arrays of objects; Parquet (Snappy-compressed, the
// Arrow schema stored so types read back exactly); Arrow IPC file.
//
// The write is atomic: data goes to a temporary file in the same
// directory, which is synced and then renamed over path, and the directory
// is synced; on failure the temporary file is removed and path is left as
// it was.
func Write(ctx context.Context, mem memory.Allocator, path string, schema *arrow.Schema,
	next func() (arrow.RecordBatch, error), opts WriteOptions) error {
	format := opts.Format
	if format == FormatAuto {
		var err error
		if format, err = FormatFromPath(path); err != nil {
			return &Error{Path: path, Err: err}
		}
	}
	if err := writeAtomic(path, func(w io.Writer) error {
		return encode(ctx, mem, w, format, schema, next)
	}); err != nil {
		return withPath(path, err)
	}
	return nil
}

// WriteReader writes every batch of r to path with Write, releasing the
// batches. It does not close r.
func WriteReader(ctx context.Context, mem memory.Allocator, path string, r Reader, opts WriteOptions) error {
	var prev arrow.RecordBatch
	defer func() {
		if prev != nil {
			prev.Release()
		}
	}()
	return Write(ctx, mem, path, r.Schema(), func() (arrow.RecordBatch, error) {
		if prev != nil {
			prev.Release()
			prev = nil
		}
		rec, err := r.Next(ctx)
		prev = rec
		return rec, err
	}, opts)
}

func encode(ctx context.Context, mem memory.Allocator, w io.Writer, format Format, schema *arrow.Schema,
	next func() (arrow.RecordBatch, error)) error {
	fw, err := newFormatWriter(mem, w, format, schema)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			fw.close()
			return err
		}
		rec, err := next()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = writeBatch(fw, schema, rec)
		}
		if err != nil {
			fw.close()
			return err
		}
	}
	return fw.close()
}

func newFormatWriter(mem memory.Allocator, w io.Writer, format Format, schema *arrow.Schema) (formatWriter, error) {
	switch format {
	case CSV:
		return newCSVWriter(w, schema)
	case JSON:
		return newJSONWriter(w, schema), nil
	case Parquet:
		return newParquetWriter(mem, w, schema)
	case Arrow:
		return newIPCWriter(mem, w, schema)
	}
	return nil, fmt.Errorf("%w: cannot write format %s", ErrUnsupportedFormat, format)
}

// writeBatch checks rec against schema and writes it. Batches whose
// schema differs only in nullability or metadata are relabelled.
func writeBatch(fw formatWriter, schema *arrow.Schema, rec arrow.RecordBatch) error {
	if rec == nil {
		return errors.New("storage: next returned a nil batch")
	}
	if !rec.Schema().Equal(schema) {
		if err := sameColumns(rec.Schema(), schema); err != nil {
			return err
		}
		rec = array.NewRecordBatch(schema, rec.Columns(), rec.NumRows())
		defer rec.Release()
	}
	return fw.write(rec)
}

func sameColumns(got, want *arrow.Schema) error {
	if got.NumFields() != want.NumFields() {
		return fmt.Errorf("storage: batch has %d columns, schema %d", got.NumFields(), want.NumFields())
	}
	for i, f := range want.Fields() {
		g := got.Field(i)
		if g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			return fmt.Errorf("storage: batch column %d is %s %s, schema says %s %s", i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	return nil
}

// WriteFileAtomic runs write on a buffered temporary file next to path
// and renames it over path once complete and synced (then syncs the
// directory), so readers see the old file or the new one, never a part.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return writeAtomic(path, write)
}

// writeAtomic runs write on a buffered temporary file next to path and
// moves it into place once complete and synced.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Platforms that cannot sync a
// directory are not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
