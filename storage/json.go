package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// jsonSource loads a JSON lines file: one object per line, blank lines
// ignored. Nested objects are flattened to dotted column names, so
// {"commerce":{"order":{"priceTotal":3.5}}} gives the DOUBLE column
// "commerce.order.priceTotal". Arrays become lists of their inferred
// element type; objects inside arrays become structs with the union of
// the fields seen. A column whose values mix kinds (numbers and strings,
// say) is VARCHAR, with arrays and objects stored as JSON text. Keys
// missing from a row are NULL. Types are inferred from the first
// ReadOptions.SampleRows objects, and a key first seen after them is an
// error (a schema cannot grow mid-stream).
type jsonSource struct {
	mem     memory.Allocator
	path    string
	opts    *ReadOptions
	ov      *overrides
	sampled int
}

// jsonFile is an open JSON lines file.
type jsonFile struct {
	t     *textFile
	lines lineReader
}

func (s *jsonSource) start() (*jsonFile, error) {
	t, err := openText(s.path)
	if err != nil {
		return nil, err
	}
	if t.empty() {
		t.Close()
		return nil, &Error{Path: s.path, Err: ErrEmptyFile}
	}
	return &jsonFile{t: t, lines: lineReader{r: t.r}}, nil
}

// read returns the next object, skipping blank lines.
func (s *jsonSource) read(f *jsonFile) (jsonObject, error) {
	for {
		line, err := f.lines.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, &Error{Path: s.path, Line: f.lines.line, Err: err}
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		obj, err := decodeLine(line)
		if err != nil {
			return nil, malformed(s.path, f.lines.line, err.Error())
		}
		return obj, nil
	}
}

func (s *jsonSource) probe(ctx context.Context) (*arrow.Schema, error) {
	f, err := s.start()
	if err != nil {
		return nil, err
	}
	defer f.t.Close()
	cols := jsonColumns{index: map[string]int{}}
	for s.sampled = 0; !s.opts.sampleDone(s.sampled); s.sampled++ {
		if s.sampled%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		obj, err := s.read(f)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		cols.add("", obj)
	}
	fields := make([]arrow.Field, 0, len(cols.names))
	for i, name := range cols.names {
		dt, ok := s.ov.typeOf(name)
		if !ok {
			if cols.types[i].kinds == 0 && cols.hasChildren(name) {
				continue // {"a": null} beside {"a": {"b": 1}}: column a.b suffices
			}
			dt = cols.types[i].resolve(name)
		}
		fields = append(fields, arrow.Field{Name: name, Type: dt, Nullable: true})
	}
	return arrow.NewSchema(fields, nil), nil
}

// jsonColumns collects the flattened columns of the sampled objects.
type jsonColumns struct {
	names []string
	index map[string]int
	types []*jsonType
}

// hasChildren reports whether some column is nested under name.
func (c *jsonColumns) hasChildren(name string) bool {
	for _, n := range c.names {
		if strings.HasPrefix(n, name+".") {
			return true
		}
	}
	return false
}

func (c *jsonColumns) add(prefix string, obj jsonObject) {
	for _, m := range obj {
		name := prefix + m.key
		if o, ok := m.val.(jsonObject); ok {
			c.add(name+".", o)
			continue
		}
		i, ok := c.index[name]
		if !ok {
			i = len(c.names)
			c.index[name] = i
			c.names = append(c.names, name)
			c.types = append(c.types, &jsonType{})
		}
		c.types[i].observe(m.val)
	}
}

func (s *jsonSource) open(ctx context.Context, target *arrow.Schema) (batchReader, error) {
	f, err := s.start()
	if err != nil {
		return nil, err
	}
	r := &jsonBatchReader{
		src:        s,
		f:          f,
		rb:         array.NewRecordBuilder(s.mem, target),
		index:      make(map[string]int, target.NumFields()),
		row:        make([]any, target.NumFields()),
		allowEpoch: make([]bool, target.NumFields()),
	}
	for i, field := range target.Fields() {
		r.index[field.Name] = i
		r.allowEpoch[i] = s.ov.allowEpoch(field.Name)
	}
	return r, nil
}

type jsonBatchReader struct {
	src        *jsonSource
	f          *jsonFile
	rb         *array.RecordBuilder
	index      map[string]int // column name to field index
	row        []any          // the current row's value per column
	allowEpoch []bool
	done       bool
}

func (r *jsonBatchReader) next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.done {
		return nil, io.EOF
	}
	for n := 0; n < r.src.opts.BatchSize; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		obj, err := r.src.read(r.f)
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			return nil, err
		}
		if err := r.appendObject(obj); err != nil {
			return nil, err
		}
	}
	return r.rb.NewRecordBatch(), nil
}

func (r *jsonBatchReader) appendObject(obj jsonObject) error {
	clear(r.row)
	if err := r.place("", obj); err != nil {
		return err
	}
	for i, v := range r.row {
		if err := appendJSON(r.rb.Field(i), v, r.allowEpoch[i]); err != nil {
			name := r.rb.Schema().Field(i).Name
			msg := err.Error()
			var mm *jsonMismatch
			if errors.As(err, &mm) && mm.field == "" {
				msg += " " + r.src.ov.typeNote(name, r.src.sampled)
			}
			return &Error{Path: r.src.path, Line: r.f.lines.line, Column: name, Msg: msg, Err: ErrMalformed}
		}
	}
	return nil
}

// place flattens obj into r.row.
func (r *jsonBatchReader) place(prefix string, obj jsonObject) error {
	for _, m := range obj {
		name := prefix + m.key
		if o, ok := m.val.(jsonObject); ok {
			if err := r.place(name+".", o); err != nil {
				return err
			}
			continue
		}
		i, ok := r.index[name]
		if !ok && m.val == nil {
			continue // a null needs no column
		}
		if !ok {
			return &Error{
				Path: r.src.path, Line: r.f.lines.line, Column: name, Err: ErrMalformed,
				Msg: fmt.Sprintf("key first seen after the %d rows sampled for the schema; sample more rows (SampleRows, -1 for the whole file)", r.src.sampled),
			}
		}
		r.row[i] = m.val
	}
	return nil
}

func (r *jsonBatchReader) close() error {
	if r.rb == nil {
		return nil
	}
	r.rb.Release()
	r.rb = nil
	return r.f.t.Close()
}
