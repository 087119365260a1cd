package storage

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// csvSource loads a CSV file. Types are inferred from the first
// ReadOptions.SampleRows records (see columnStats.resolve); a later value
// that does not parse as its column's type is an error naming the line.
type csvSource struct {
	mem     memory.Allocator
	path    string
	opts    *ReadOptions
	ov      *overrides
	sampled int // records read by probe
}

// csvFile is an open CSV file positioned after its header.
type csvFile struct {
	t       *textFile
	r       *csv.Reader
	names   []string
	pending []string // first data record, already read, with NoHeader
	nulls   map[string]bool
}

func (s *csvSource) start() (*csvFile, error) {
	t, err := openText(s.path)
	if err != nil {
		return nil, err
	}
	if t.empty() {
		t.Close()
		return nil, &Error{Path: s.path, Err: ErrEmptyFile}
	}
	r := csv.NewReader(t.r)
	r.Comma = s.delimiter(t)
	r.ReuseRecord = true
	f := &csvFile{t: t, r: r, nulls: map[string]bool{"": true}}
	for _, v := range s.opts.NullValues {
		f.nulls[v] = true
	}
	first, err := r.Read()
	if err != nil {
		t.Close()
		if err == io.EOF {
			return nil, &Error{Path: s.path, Err: ErrEmptyFile}
		}
		return nil, s.readError(err, nil, 0)
	}
	names := make([]string, len(first))
	if s.opts.NoHeader {
		f.pending = append([]string(nil), first...)
	} else {
		for i, n := range first {
			names[i] = validUTF8(strings.TrimSpace(n))
		}
	}
	f.names = uniqueNames(names)
	return f, nil
}

// delimiter returns the configured delimiter or guesses one.
func (s *csvSource) delimiter(t *textFile) rune {
	if s.opts.Delimiter != 0 {
		return s.opts.Delimiter
	}
	name := strings.TrimSuffix(strings.ToLower(s.path), ".gz")
	if filepath.Ext(name) == ".tsv" {
		return '\t'
	}
	head, _ := t.r.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.IndexByte(head, ',') >= 0 {
		return ','
	}
	best, count := ',', 0
	for _, c := range []byte{'\t', ';', '|'} {
		if n := bytes.Count(head, []byte{c}); n > count {
			best, count = rune(c), n
		}
	}
	return best
}

// read returns the next record.
func (f *csvFile) read() ([]string, error) {
	if f.pending != nil {
		rec := f.pending
		f.pending = nil
		return rec, nil
	}
	return f.r.Read()
}

// readError turns an encoding/csv error into an *Error with a line number.
func (s *csvSource) readError(err error, rec []string, ncols int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{Path: s.path, Err: err}
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return malformed(s.path, pe.Line, fmt.Sprintf("wrong number of fields: got %d, want %d", len(rec), ncols))
	}
	return malformed(s.path, pe.Line, fmt.Sprintf("%v (at byte %d)", pe.Err, pe.Column))
}

func (s *csvSource) probe(ctx context.Context) (*arrow.Schema, error) {
	f, err := s.start()
	if err != nil {
		return nil, err
	}
	defer f.t.Close()
	stats := make([]columnStats, len(f.names))
	for i := range stats {
		stats[i] = newColumnStats()
	}
	for s.sampled = 0; !s.opts.sampleDone(s.sampled); s.sampled++ {
		if s.sampled%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := f.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, s.readError(err, rec, len(f.names))
		}
		for i, v := range rec {
			if !f.nulls[v] {
				stats[i].observe(v)
			}
		}
	}
	fields := make([]arrow.Field, len(f.names))
	for i, name := range f.names {
		dt, ok := s.ov.typeOf(name)
		if !ok {
			dt = stats[i].resolve(name)
		}
		fields[i] = arrow.Field{Name: name, Type: dt, Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}

func (s *csvSource) open(ctx context.Context, target *arrow.Schema) (batchReader, error) {
	f, err := s.start()
	if err != nil {
		return nil, err
	}
	rb := array.NewRecordBuilder(s.mem, target)
	index := make(map[string]int, len(f.names))
	for i, n := range f.names {
		index[n] = i
	}
	cols := make([]textColumn, target.NumFields())
	for j, field := range target.Fields() {
		src, ok := index[field.Name]
		if !ok {
			src = -1
		}
		cols[j] = textColumn{
			name:  field.Name,
			src:   src,
			typ:   field.Type,
			parse: textAppender(rb.Field(j), s.ov.allowEpoch(field.Name)),
			b:     rb.Field(j),
		}
	}
	return &csvBatchReader{src: s, f: f, rb: rb, cols: cols}, nil
}

// textColumn parses one column of text into a builder.
type textColumn struct {
	name  string
	src   int // field index in the file; -1 if the file lacks the column
	typ   arrow.DataType
	parse func(string) bool
	b     array.Builder
}

type csvBatchReader struct {
	src  *csvSource
	f    *csvFile
	rb   *array.RecordBuilder
	cols []textColumn
	done bool
}

func (r *csvBatchReader) next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.done {
		return nil, io.EOF
	}
	for n := 0; n < r.src.opts.BatchSize; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := r.f.read()
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			return nil, r.src.readError(err, rec, len(r.f.names))
		}
		if err := r.appendRecord(rec); err != nil {
			return nil, err
		}
	}
	return r.rb.NewRecordBatch(), nil
}

func (r *csvBatchReader) appendRecord(rec []string) error {
	for j := range r.cols {
		c := &r.cols[j]
		if c.src < 0 || r.f.nulls[rec[c.src]] {
			c.b.AppendNull()
			continue
		}
		if !c.parse(rec[c.src]) {
			line, _ := r.f.r.FieldPos(c.src)
			return &Error{
				Path:   r.src.path,
				Line:   line,
				Column: c.name,
				Msg: fmt.Sprintf("cannot parse %s as %s %s", quoteValue(rec[c.src]), sqlTypeName(c.typ),
					r.src.ov.typeNote(c.name, r.src.sampled)),
				Err: ErrMalformed,
			}
		}
	}
	return nil
}

func (r *csvBatchReader) close() error {
	if r.rb == nil {
		return nil
	}
	r.rb.Release()
	r.rb = nil
	return r.f.t.Close()
}
