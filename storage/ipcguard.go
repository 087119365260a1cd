package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The Arrow IPC reader sizes some slices straight from vector lengths in
// the file's flatbuffer metadata, so a corrupt length can make it allocate
// terabytes, which kills the process instead of panicking. checkIPCFile
// and checkIPCStream walk that metadata first and reject any vector that
// cannot fit in its buffer, which bounds those allocations by the file
// size.

var errBadFlatbuffer = errors.New("corrupt metadata")

// maxFieldDepth bounds the nesting of fields in a schema.
const maxFieldDepth = 64

// checkIPCFile checks the footer of an IPC file and the metadata of every
// message it lists.
func checkIPCFile(r io.ReaderAt, size int64) error {
	const tail = 10 // int32 footer length, then "ARROW1"
	if size < int64(2*len(arrowMagic)+2+tail) {
		return errors.New("file too short")
	}
	var buf [tail]byte
	if _, err := r.ReadAt(buf[:], size-tail); err != nil {
		return err
	}
	n := int64(int32(binary.LittleEndian.Uint32(buf[:4])))
	if n <= 0 || n > size-tail-8 {
		return fmt.Errorf("bad footer length %d", n)
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-tail-n); err != nil {
		return err
	}
	fb := flatbuf(footer)
	root, err := fb.root()
	if err != nil {
		return err
	}
	if schema, ok, err := root.table(1); err != nil {
		return err
	} else if ok {
		if err := schema.checkSchema(); err != nil {
			return err
		}
	}
	if err := root.checkKeyValues(4); err != nil {
		return err
	}
	for _, slot := range []int{2, 3} { // dictionaries, record batches
		start, count, err := root.vector(slot, 24)
		if err != nil {
			return err
		}
		for i := 0; i < count; i++ {
			b := footer[start+24*i:]
			off, meta := int64(binary.LittleEndian.Uint64(b)), int64(int32(binary.LittleEndian.Uint32(b[8:])))
			if off < 0 || meta < 8 || off > size-meta {
				return fmt.Errorf("block %d out of range", i)
			}
			msg := make([]byte, meta)
			if _, err := r.ReadAt(msg, off); err != nil {
				return err
			}
			if err := checkMessage(stripPrefix(msg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// stripPrefix removes the continuation marker and length before a
// message's flatbuffer.
func stripPrefix(msg []byte) []byte {
	if len(msg) >= 8 && binary.LittleEndian.Uint32(msg) == 0xffffffff {
		return msg[8:]
	}
	return msg[4:]
}

// checkIPCStream checks the metadata of every message in an IPC stream.
func checkIPCStream(r io.ReaderAt, size int64) error {
	var word [4]byte
	for off := int64(0); off+4 <= size; {
		if _, err := r.ReadAt(word[:], off); err != nil {
			return err
		}
		off += 4
		n := int64(int32(binary.LittleEndian.Uint32(word[:])))
		if n == -1 { // continuation marker; the length follows
			if off+4 > size {
				return nil
			}
			if _, err := r.ReadAt(word[:], off); err != nil {
				return err
			}
			off += 4
			n = int64(int32(binary.LittleEndian.Uint32(word[:])))
		}
		if n == 0 {
			return nil // end of stream
		}
		if n < 0 || n > size-off {
			return fmt.Errorf("message length %d out of range", n)
		}
		msg := make([]byte, n)
		if _, err := r.ReadAt(msg, off); err != nil {
			return err
		}
		off += n
		body, err := checkMessageBody(msg)
		if err != nil {
			return err
		}
		if body < 0 || body > size-off {
			return fmt.Errorf("message body length %d out of range", body)
		}
		off += body
	}
	return nil
}

func checkMessage(msg []byte) error {
	_, err := checkMessageBody(msg)
	return err
}

// checkMessageBody checks a Message flatbuffer and returns its body length.
func checkMessageBody(msg []byte) (int64, error) {
	m, err := flatbuf(msg).root()
	if err != nil {
		return 0, err
	}
	if err := m.checkKeyValues(4); err != nil {
		return 0, err
	}
	const (
		headerSchema     = 1
		headerDictionary = 2
		headerBatch      = 3
	)
	body, _ := m.scalar(3, 8)
	header, ok, err := m.table(2)
	if err != nil || !ok {
		return int64(body), err
	}
	switch kind, _ := m.scalar(1, 1); kind {
	case headerSchema:
		err = header.checkSchema()
	case headerDictionary:
		var batch fbTable
		if batch, ok, err = header.table(1); ok && err == nil {
			err = batch.checkBatch(int64(body))
		}
	case headerBatch:
		err = header.checkBatch(int64(body))
	}
	return int64(body), err
}

// checkBatch checks a RecordBatch table: its field nodes must have
// non-negative counts and its buffers must lie inside the message body.
func (t fbTable) checkBatch(body int64) error {
	if body < 0 {
		return errBadFlatbuffer
	}
	nodes, n, err := t.vector(1, 16)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		length := int64(binary.LittleEndian.Uint64(t.buf[nodes+16*i:]))
		nulls := int64(binary.LittleEndian.Uint64(t.buf[nodes+16*i+8:]))
		if length < 0 || nulls < 0 || nulls > length {
			return fmt.Errorf("field node %d has length %d and %d nulls", i, length, nulls)
		}
	}
	bufs, n, err := t.vector(2, 16)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		off := int64(binary.LittleEndian.Uint64(t.buf[bufs+16*i:]))
		length := int64(binary.LittleEndian.Uint64(t.buf[bufs+16*i+8:]))
		if off < 0 || length < 0 || off > body || length > body-off {
			return fmt.Errorf("buffer %d [%d, +%d) lies outside the %d-byte message body", i, off, length, body)
		}
	}
	_, _, err = t.vector(4, 8) // variadic buffer counts
	return err
}

// flatbuf is a flatbuffer whose offsets are all checked before use.
type flatbuf []byte

// fbTable is a table at pos in a flatbuffer.
type fbTable struct {
	buf   flatbuf
	pos   int
	vt    int // vtable position
	vtLen int
}

func (b flatbuf) u32(pos int) (uint32, bool) {
	if pos < 0 || pos > len(b)-4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[pos:]), true
}

func (b flatbuf) u16(pos int) (int, bool) {
	if pos < 0 || pos > len(b)-2 {
		return 0, false
	}
	return int(binary.LittleEndian.Uint16(b[pos:])), true
}

func (b flatbuf) root() (fbTable, error) {
	off, ok := b.u32(0)
	if !ok {
		return fbTable{}, errBadFlatbuffer
	}
	return b.tableAt(int(off))
}

func (b flatbuf) tableAt(pos int) (fbTable, error) {
	soff, ok := b.u32(pos)
	if !ok {
		return fbTable{}, errBadFlatbuffer
	}
	vt := pos - int(int32(soff))
	vtLen, ok1 := b.u16(vt)
	tLen, ok2 := b.u16(vt + 2)
	if !ok1 || !ok2 || vtLen < 4 || vt+vtLen > len(b) || pos+tLen > len(b) {
		return fbTable{}, errBadFlatbuffer
	}
	return fbTable{buf: b, pos: pos, vt: vt, vtLen: vtLen}, nil
}

// field returns the position of a field's value, or 0 if it is absent.
func (t fbTable) field(slot int) int {
	o := 4 + 2*slot
	if o+2 > t.vtLen {
		return 0
	}
	off, _ := t.buf.u16(t.vt + o)
	if off == 0 {
		return 0
	}
	return t.pos + off
}

// scalar reads an unsigned little-endian field of size 1, 2, 4 or 8.
func (t fbTable) scalar(slot, size int) (uint64, bool) {
	p := t.field(slot)
	if p == 0 || p > len(t.buf)-size {
		return 0, false
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(t.buf[p+i])
	}
	return v, true
}

// ref follows the offset stored in a field.
func (t fbTable) ref(slot int) (int, bool, error) {
	p := t.field(slot)
	if p == 0 {
		return 0, false, nil
	}
	off, ok := t.buf.u32(p)
	target := p + int(off)
	if !ok || target < 0 || target >= len(t.buf) {
		return 0, false, errBadFlatbuffer
	}
	return target, true, nil
}

func (t fbTable) table(slot int) (fbTable, bool, error) {
	p, ok, err := t.ref(slot)
	if !ok || err != nil {
		return fbTable{}, false, err
	}
	sub, err := t.buf.tableAt(p)
	return sub, err == nil, err
}

// vector returns the start and length of a vector field, checking that
// its elements fit in the buffer.
func (t fbTable) vector(slot, elemSize int) (start, n int, err error) {
	p, ok, err := t.ref(slot)
	if !ok || err != nil {
		return 0, 0, err
	}
	count, ok := t.buf.u32(p)
	if !ok || int64(count)*int64(elemSize) > int64(len(t.buf)-p-4) {
		return 0, 0, errBadFlatbuffer
	}
	return p + 4, int(count), nil
}

// tables returns the tables of a vector-of-tables field.
func (t fbTable) tables(slot int) ([]fbTable, error) {
	start, n, err := t.vector(slot, 4)
	if err != nil {
		return nil, err
	}
	out := make([]fbTable, n)
	for i := range out {
		p := start + 4*i
		off, _ := t.buf.u32(p)
		if out[i], err = t.buf.tableAt(p + int(off)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkKeyValues checks a custom_metadata field: a vector of KeyValue
// tables holding two strings.
func (t fbTable) checkKeyValues(slot int) error {
	kvs, err := t.tables(slot)
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		for s := 0; s < 2; s++ {
			if _, _, err := kv.vector(s, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSchema checks a Schema table: fields, custom_metadata, features.
func (t fbTable) checkSchema() error {
	if _, _, err := t.vector(3, 8); err != nil {
		return err
	}
	if err := t.checkKeyValues(2); err != nil {
		return err
	}
	return t.checkFields(1, 0)
}

// checkFields checks a vector of Field tables and their children.
func (t fbTable) checkFields(slot, depth int) error {
	if depth > maxFieldDepth {
		return fmt.Errorf("fields nested more than %d deep", maxFieldDepth)
	}
	fields, err := t.tables(slot)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if _, _, err := f.vector(0, 1); err != nil { // name
			return err
		}
		const typeUnion = 14
		if kind, _ := f.scalar(2, 1); kind == typeUnion {
			u, ok, err := f.table(3)
			if err != nil {
				return err
			}
			if ok {
				if _, _, err := u.vector(1, 4); err != nil { // typeIds
					return err
				}
			}
		}
		if _, _, err := f.table(4); err != nil { // dictionary
			return err
		}
		if err := f.checkKeyValues(6); err != nil {
			return err
		}
		if err := f.checkFields(5, depth+1); err != nil {
			return err
		}
	}
	return nil
}
