package storage

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file holds what the Parquet and Arrow loaders share: flattening
// struct columns to dotted names and converting each batch to the target
// schema.

// leaf is a column of a flattened schema: a top-level column, or a field
// of nested struct columns reached through path.
type leaf struct {
	name string
	path []int // path[0] is the top-level column; the rest are struct fields
	typ  arrow.DataType
}

// flattenSchema lists the leaves of schema with engine types. A struct
// column a with fields x and y gives leaves "a.x" and "a.y"; structs inside
// lists stay structs.
func flattenSchema(schema *arrow.Schema) []leaf {
	var leaves []leaf
	var walk func(name string, path []int, dt arrow.DataType)
	walk = func(name string, path []int, dt arrow.DataType) {
		st, ok := dt.(*arrow.StructType)
		if !ok || st.NumFields() == 0 {
			leaves = append(leaves, leaf{name: name, path: path, typ: dt})
			return
		}
		for j, f := range st.Fields() {
			walk(name+"."+f.Name, append(path[:len(path):len(path)], j), f.Type)
		}
	}
	for i, f := range schema.Fields() {
		walk(f.Name, []int{i}, NormalizeType(f.Type))
	}
	names := make([]string, len(leaves))
	for i, l := range leaves {
		names[i] = l.name
	}
	for i, n := range uniqueNames(names) {
		leaves[i].name = n
	}
	return leaves
}

// leafSchema is the schema of leaves with type overrides applied.
func leafSchema(leaves []leaf, ov *overrides) *arrow.Schema {
	fields := make([]arrow.Field, len(leaves))
	for i, l := range leaves {
		dt, ok := ov.typeOf(l.name)
		if !ok {
			dt = l.typ
		}
		fields[i] = arrow.Field{Name: l.name, Type: dt, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// columnar converts batches read from a Parquet or Arrow file to the
// target schema: it normalises types, flattens structs, casts to the
// target types and adds NULL columns for columns the file lacks.
type columnar struct {
	mem    memory.Allocator
	path   string
	leaves []leaf
	src    []int // per target field, its leaf index or -1
	target *arrow.Schema
	rows   int64 // rows converted so far, for error messages
}

func newColumnar(mem memory.Allocator, path string, fileSchema, target *arrow.Schema) *columnar {
	c := &columnar{mem: mem, path: path, leaves: flattenSchema(fileSchema), target: target}
	index := make(map[string]int, len(c.leaves))
	for i, l := range c.leaves {
		index[l.name] = i
	}
	c.src = make([]int, target.NumFields())
	for j, f := range target.Fields() {
		i, ok := index[f.Name]
		if !ok {
			i = -1
		}
		c.src[j] = i
	}
	return c
}

// convert returns a new batch with the target schema; rec is not released.
func (c *columnar) convert(rec arrow.RecordBatch) (out arrow.RecordBatch, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &Error{Path: c.path, Msg: fmt.Sprintf("corrupt data: %v", r), Err: ErrMalformed}
		}
	}()
	n := int(rec.NumRows())
	norm := make([]arrow.Array, rec.NumCols())
	cols := make([]arrow.Array, c.target.NumFields())
	defer releaseAll(norm)
	defer releaseAll(cols)
	for j, f := range c.target.Fields() {
		if c.src[j] < 0 {
			cols[j] = array.MakeArrayOfNull(c.mem, f.Type, n)
			continue
		}
		l := c.leaves[c.src[j]]
		top := l.path[0]
		if norm[top] == nil {
			if norm[top], err = Normalize(c.mem, rec.Column(top)); err != nil {
				return nil, &Error{Path: c.path, Column: rec.ColumnName(top), Msg: err.Error(), Err: ErrMalformed}
			}
		}
		leafArr := extractLeaf(c.mem, norm[top], l.path[1:])
		cols[j], err = castArray(c.mem, leafArr, f.Type)
		leafArr.Release()
		if err != nil {
			return nil, c.castError(f.Name, err)
		}
	}
	c.rows += int64(n)
	return array.NewRecordBatch(c.target, cols, int64(n)), nil
}

func (c *columnar) castError(column string, err error) error {
	var ce *castError
	if errors.As(err, &ce) {
		return &Error{Path: c.path, Column: column, Err: ErrMalformed,
			Msg: fmt.Sprintf("%v (row %d)", ce, c.rows+int64(ce.row)+1)}
	}
	return &Error{Path: c.path, Column: column, Msg: err.Error()}
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// extractLeaf follows path through nested struct arrays; a row is NULL in
// the result when it is NULL at any level.
func extractLeaf(mem memory.Allocator, arr arrow.Array, path []int) arrow.Array {
	arr.Retain()
	for _, i := range path {
		st := arr.(*array.Struct)
		next := pushDownNulls(mem, st, st.Field(i))
		arr.Release()
		arr = next
	}
	return arr
}

// pushDownNulls returns child (a field of parent) with parent's NULLs
// merged into its validity bitmap.
func pushDownNulls(mem memory.Allocator, parent *array.Struct, child arrow.Array) arrow.Array {
	if parent.NullN() == 0 {
		child.Retain()
		return child
	}
	if child.Len() != parent.Len() {
		panic("struct field length differs from struct length")
	}
	cd := child.Data()
	off, n := cd.Offset(), cd.Len()
	bitmap := memory.NewResizableBuffer(mem)
	defer bitmap.Release()
	bitmap.Resize(int(bitutil.BytesForBits(int64(off + n))))
	bits := bitmap.Bytes()
	clear(bits)
	nulls := 0
	for j := 0; j < n; j++ {
		if parent.IsValid(j) && child.IsValid(j) {
			bitutil.SetBit(bits, off+j)
		} else {
			nulls++
		}
	}
	buffers := append([]*memory.Buffer{bitmap}, cd.Buffers()[1:]...)
	nd := array.NewData(cd.DataType(), n, buffers, cd.Children(), nulls, off)
	defer nd.Release()
	return array.MakeFromData(nd)
}

// compact returns arr itself, or, when its buffers hold much more capacity
// than they use (decoders reserve ahead, and string buffers grow by
// doubling), a copy in exactly sized buffers; arr is released in that
// case. A loaded table lives as long as the session, so its slack would
// otherwise stay allocated for as long: on Parquet it was ~40% of the
// data.
func compact(mem memory.Allocator, arr arrow.Array) arrow.Array {
	used, held := BufferBytes(arr.Data())
	if held-used <= used/8+1024 {
		return arr
	}
	d := copyData(mem, arr.Data())
	defer d.Release()
	arr.Release()
	return array.MakeFromData(d)
}

// compactRecord applies compact to every column of rec; rec is released
// when a new batch is returned.
func compactRecord(mem memory.Allocator, rec arrow.RecordBatch) arrow.RecordBatch {
	var cols []arrow.Array
	for i, c := range rec.Columns() {
		c.Retain()
		if cc := compact(mem, c); cc != c {
			if cols == nil {
				cols = make([]arrow.Array, rec.NumCols())
				for j := range i {
					cols[j] = rec.Column(j)
					cols[j].Retain()
				}
			}
			cols[i] = cc
		} else if cols != nil {
			cols[i] = c
		} else {
			c.Release()
		}
	}
	if cols == nil {
		return rec
	}
	defer releaseAll(cols)
	out := array.NewRecordBatch(rec.Schema(), cols, rec.NumRows())
	rec.Release()
	return out
}

// BufferBytes sums the used and the allocated bytes of d's buffers,
// children and dictionary.
func BufferBytes(d arrow.ArrayData) (used, held int64) {
	for _, b := range d.Buffers() {
		if b != nil {
			used += int64(b.Len())
			held += int64(b.Cap())
		}
	}
	for _, c := range d.Children() {
		u, h := BufferBytes(c)
		used, held = used+u, held+h
	}
	if d.DataType().ID() == arrow.DICTIONARY && d.Dictionary() != nil {
		u, h := BufferBytes(d.Dictionary())
		used, held = used+u, held+h
	}
	return used, held
}

// RecordBytes is the number of bytes rec's buffers use.
func RecordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, c := range rec.Columns() {
		u, _ := BufferBytes(c.Data())
		n += u
	}
	return n
}

// copyRecord deep-copies rec into buffers allocated from mem.
func copyRecord(mem memory.Allocator, rec arrow.RecordBatch) arrow.RecordBatch {
	cols := make([]arrow.Array, rec.NumCols())
	defer releaseAll(cols)
	for i, c := range rec.Columns() {
		d := copyData(mem, c.Data())
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	return array.NewRecordBatch(rec.Schema(), cols, rec.NumRows())
}

// copyData deep-copies an array's buffers, children and dictionary.
func copyData(mem memory.Allocator, d arrow.ArrayData) arrow.ArrayData {
	bufs := make([]*memory.Buffer, len(d.Buffers()))
	for i, b := range d.Buffers() {
		if b != nil {
			bufs[i] = memory.NewResizableBuffer(mem)
			bufs[i].Resize(b.Len())
			copy(bufs[i].Bytes(), b.Bytes())
		}
	}
	children := make([]arrow.ArrayData, len(d.Children()))
	for i, c := range d.Children() {
		children[i] = copyData(mem, c)
	}
	nd := array.NewData(d.DataType(), d.Len(), bufs, children, d.NullN(), d.Offset())
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	for _, c := range children {
		c.Release()
	}
	if d.DataType().ID() == arrow.DICTIONARY && d.Dictionary() != nil {
		cd := copyData(mem, d.Dictionary())
		nd.SetDictionary(cd)
		cd.Release()
	}
	return nd
}
