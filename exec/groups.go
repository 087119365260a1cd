package exec

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/cai-dev/cai/expr"
)

// groupTable assigns dense group ids to key tuples and keeps one copy of
// each distinct key. A single integer-like key uses a map of int64; other
// keys are encoded to bytes.
type groupTable struct {
	keys    []*expr.Vector // distinct key values, one row per group
	ints    *intTable
	strs    map[string]int32
	nullID  int32
	generic map[string]int32
	buf     []byte
	n       int
}

// intTable is an open-addressing hash table from int64 keys to group ids
// (linear probing, at most half full).
type intTable struct {
	keys  []int64
	ids   []int32 // id+1; 0 = empty slot
	shift uint
	n     int
}

func newIntTable() *intTable {
	t := &intTable{}
	t.resize(1 << 10)
	return t
}

func (t *intTable) resize(size int) {
	oldK, oldI := t.keys, t.ids
	t.keys, t.ids = make([]int64, size), make([]int32, size)
	t.shift = uint(64 - bitsLen(size-1))
	for i, id := range oldI {
		if id != 0 {
			t.insert(oldK[i], id)
		}
	}
}

func bitsLen(x int) int {
	n := 0
	for ; x > 0; x >>= 1 {
		n++
	}
	return n
}

func (t *intTable) slot(k int64) int {
	return int((uint64(k) * 0x9E3779B97F4A7C15) >> t.shift)
}

func (t *intTable) insert(k int64, id int32) {
	mask := len(t.keys) - 1
	for h := t.slot(k); ; h = (h + 1) & mask {
		if t.ids[h] == 0 {
			t.keys[h], t.ids[h] = k, id
			return
		}
	}
}

// get returns the id of k, or -1.
func (t *intTable) get(k int64) int32 {
	mask := len(t.keys) - 1
	for h := t.slot(k); ; h = (h + 1) & mask {
		id := t.ids[h]
		if id == 0 {
			return -1
		}
		if t.keys[h] == k {
			return id - 1
		}
	}
}

func (t *intTable) put(k int64, id int32) {
	if 2*(t.n+1) > len(t.keys) {
		t.resize(2 * len(t.keys))
	}
	t.insert(k, id+1)
	t.n++
}

func newGroupTable(nkeys int) *groupTable {
	t := &groupTable{keys: make([]*expr.Vector, nkeys), nullID: -1}
	if nkeys == 0 {
		t.n = 1 // the single group of an aggregate without GROUP BY
	}
	return t
}

// assign returns the group id of every row of the key vectors.
func (t *groupTable) assign(keys []*expr.Vector, n int) []int32 {
	ids := make([]int32, n)
	if len(keys) == 0 {
		return ids
	}
	for j, k := range keys {
		if t.keys[j] == nil {
			t.keys[j] = &expr.Vector{DT: k.DT}
		}
	}
	k0 := keys[0].Kind()
	if len(keys) == 1 && (k0 == expr.KindInt || k0 == expr.KindTimestamp || k0 == expr.KindDuration) {
		if t.ints == nil {
			t.ints = newIntTable()
		}
		v := keys[0]
		valid := v.Valid
		var last int64
		lastID := int32(-1)
		for i, x := range v.I[:n] {
			if valid != nil && !valid[i] {
				if t.nullID < 0 {
					t.nullID = t.add(keys, i)
				}
				ids[i] = t.nullID
				continue
			}
			if lastID >= 0 && x == last { // runs of one key are common
				ids[i] = lastID
				continue
			}
			id := t.ints.get(x)
			if id < 0 {
				id = t.add(keys, i)
				t.ints.put(x, id)
			}
			ids[i] = id
			last, lastID = x, id
		}
		return ids
	}
	if len(keys) == 1 && k0 == expr.KindString {
		// A single string key: look the string up as is (no encoding, no
		// allocation); a new key is copied out of the batch.
		if t.strs == nil {
			t.strs = make(map[string]int32)
		}
		v := keys[0]
		valid := v.Valid
		for i, s := range v.S[:n] {
			if valid != nil && !valid[i] {
				if t.nullID < 0 {
					t.nullID = t.add(keys, i)
				}
				ids[i] = t.nullID
				continue
			}
			id, ok := t.strs[s]
			if !ok {
				s = strings.Clone(s)
				id = t.addString(s)
				t.strs[s] = id
			}
			ids[i] = id
		}
		return ids
	}
	if t.generic == nil {
		t.generic = make(map[string]int32)
	}
	for i := 0; i < n; i++ {
		t.buf = encodeKey(t.buf[:0], keys, i)
		id, ok := t.generic[string(t.buf)]
		if !ok {
			id = t.add(keys, i)
			t.generic[string(t.buf)] = id
		}
		ids[i] = id
	}
	return ids
}

// addString adds a group for a single string key.
func (t *groupTable) addString(s string) int32 {
	k := t.keys[0]
	if k.Valid != nil {
		k.Valid = append(k.Valid, true)
	}
	k.S = append(k.S, s)
	k.Len++
	t.n++
	return int32(t.n - 1)
}

func (t *groupTable) add(keys []*expr.Vector, i int) int32 {
	for j, k := range keys {
		appendRow(t.keys[j], k, i)
	}
	t.n++
	return int32(t.n - 1)
}

// encodeKey appends an unambiguous byte encoding of row i of the vectors.
func encodeKey(buf []byte, vs []*expr.Vector, i int) []byte {
	for _, v := range vs {
		if v.IsNull(i) {
			buf = append(buf, 0)
			continue
		}
		buf = append(buf, 1)
		switch v.Kind() {
		case expr.KindInt, expr.KindTimestamp, expr.KindDuration:
			buf = binary.LittleEndian.AppendUint64(buf, uint64(v.I[i]))
		case expr.KindFloat:
			f := v.F[i]
			if f == 0 {
				f = 0 // -0 groups with 0
			}
			if math.IsNaN(f) {
				f = math.NaN()
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
		case expr.KindString:
			buf = binary.AppendUvarint(buf, uint64(len(v.S[i])))
			buf = append(buf, v.S[i]...)
		case expr.KindBool:
			if v.B[i] {
				buf = append(buf, 1)
			} else {
				buf = append(buf, 0)
			}
		default:
			s := v.Arr.ValueStr(i)
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
	}
	return buf
}

// appendRow appends row i of src to dst (same kind), growing dst.
func appendRow(dst, src *expr.Vector, i int) {
	null := src.IsNull(i)
	if null && dst.Valid == nil {
		dst.Valid = make([]bool, dst.Len, dst.Len+1)
		for j := range dst.Valid {
			dst.Valid[j] = true
		}
	}
	if dst.Valid != nil {
		dst.Valid = append(dst.Valid, !null)
	}
	switch dst.Kind() {
	case expr.KindInt, expr.KindTimestamp, expr.KindDuration:
		var x int64
		if !null {
			x = src.I[i]
		}
		dst.I = append(dst.I, x)
	case expr.KindFloat:
		var x float64
		if !null {
			x = src.F[i]
		}
		dst.F = append(dst.F, x)
	case expr.KindString:
		var x string
		if !null {
			x = src.S[i]
		}
		dst.S = append(dst.S, x)
	case expr.KindBool:
		dst.B = append(dst.B, !null && src.B[i])
	}
	dst.Len++
}
