package catalog

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Schema metadata keys written by the catalog into table and segment
// files. They are stripped again when a file is read.
const (
	metaPrefix     = "cai.catalog."
	metaFormat     = metaPrefix + "format" // file format version
	metaKind       = metaPrefix + "kind"
	metaName       = metaPrefix + "name" // original spelling
	metaDefinition = metaPrefix + "definition"
	metaComputedAt = metaPrefix + "computed_at"
	metaModel      = metaPrefix + "model"
	arrowFormat    = "1"
)

// writeArrow writes t as an Arrow IPC file whose schema metadata carries
// extra (plus the format version) next to t's own metadata.
func writeArrow(w io.Writer, mem memory.Allocator, t *Table, extra map[string]string) error {
	user := splitSchema(t.Schema).schema.Metadata() // drop stale catalog keys
	keys := append([]string{metaFormat}, user.Keys()...)
	vals := append([]string{arrowFormat}, user.Values()...)
	for k, v := range extra {
		keys, vals = append(keys, k), append(vals, v)
	}
	meta := arrow.NewMetadata(keys, vals)
	schema := arrow.NewSchemaWithEndian(t.Schema.Fields(), &meta, t.Schema.Endianness())
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		return err
	}
	for _, b := range t.Batches {
		if err := fw.Write(b); err != nil {
			fw.Close()
			return err
		}
	}
	return fw.Close()
}

// arrowHeader is what a table or segment file says about itself.
type arrowHeader struct {
	meta   map[string]string // the catalog's keys
	schema *arrow.Schema     // the user's schema, catalog keys stripped
}

// splitSchema separates the catalog's metadata from the user's schema.
func splitSchema(s *arrow.Schema) arrowHeader {
	md := s.Metadata()
	h := arrowHeader{meta: map[string]string{}}
	var keys, vals []string
	for i, k := range md.Keys() {
		if strings.HasPrefix(k, metaPrefix) {
			h.meta[k] = md.Values()[i]
		} else {
			keys, vals = append(keys, k), append(vals, md.Values()[i])
		}
	}
	var user *arrow.Metadata
	if len(keys) > 0 {
		m := arrow.NewMetadata(keys, vals)
		user = &m
	}
	h.schema = arrow.NewSchemaWithEndian(s.Fields(), user, s.Endianness())
	return h
}

// readArrow opens an IPC file of the given kind and, when load is true,
// reads every batch into mem. Decoding problems (including panics inside
// the IPC reader on garbage input) come back as *CorruptError.
func readArrow(path, kind, name string, mem memory.Allocator, load bool) (h arrowHeader, batches []arrow.RecordBatch, err error) {
	f, err := os.Open(path)
	if err != nil {
		return h, nil, fmt.Errorf("catalog: %s %q: %w", kind, name, err)
	}
	defer f.Close()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic decoding: %v", p)
		}
		if err != nil {
			for _, b := range batches {
				b.Release()
			}
			h, batches = arrowHeader{}, nil
			err = &CorruptError{Kind: kind, Name: name, Path: path, Err: err}
		}
	}()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		return h, nil, err
	}
	defer r.Close()
	h = splitSchema(r.Schema())
	if err := h.check(kind, name); err != nil {
		return h, nil, err
	}
	for i := 0; load && i < r.NumRecords(); i++ {
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			return h, batches, err
		}
		batches = append(batches, array.NewRecordBatch(h.schema, rec.Columns(), rec.NumRows()))
		rec.Release()
	}
	return h, batches, nil
}

// check verifies that the file belongs where it was found.
func (h arrowHeader) check(kind, name string) error {
	switch {
	case h.meta[metaFormat] != arrowFormat:
		return fmt.Errorf("unsupported catalog format %q", h.meta[metaFormat])
	case h.meta[metaKind] != kind:
		return fmt.Errorf("file holds a %q, not a %s", h.meta[metaKind], kind)
	case key(h.meta[metaName]) != key(name):
		return fmt.Errorf("file holds %q, not %q", h.meta[metaName], name)
	}
	return nil
}

// releaseAll releases batches.
func releaseAll(batches []arrow.RecordBatch) {
	for _, b := range batches {
		b.Release()
	}
}
