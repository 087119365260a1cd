package features

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/expr"
)

// typeTable gives every event-type string Build cares about a small code:
// 1..len(EventTypes) for the tracked types, further codes for strings
// that only the goal names; 0 is any other string and NULL. Lookups are
// one cheap hash and one string comparison (no map, no allocation).
type typeTable struct {
	names []string // code-1 -> string
	slots []uint16 // open addressing, code or 0
	mask  uint32
}

func newTypeTable(names []string) *typeTable {
	t := &typeTable{}
	size := 16
	for size < 4*(len(names)+1) {
		size *= 2
	}
	t.slots = make([]uint16, size)
	t.mask = uint32(size - 1)
	for _, s := range names {
		t.add(s)
	}
	return t
}

func typeHash(s string) uint32 {
	n := len(s)
	h := uint32(n) * 0x9E3779B1
	if n > 0 {
		h ^= uint32(s[0]) * 0x85EBCA77
		h ^= uint32(s[n-1]) * 0xC2B2AE3D
		h ^= uint32(s[n/2]) * 0x27D4EB2F
		h ^= uint32(s[n/3]) * 0x165667B1
	}
	return h ^ h>>15
}

// add registers s (if new) and returns its code.
func (t *typeTable) add(s string) uint16 {
	if c := t.code(s); c != 0 {
		return c
	}
	if len(t.names) >= 1<<16-2 {
		return 0
	}
	t.names = append(t.names, s)
	c := uint16(len(t.names))
	for h := typeHash(s) & t.mask; ; h = (h + 1) & t.mask {
		if t.slots[h] == 0 {
			t.slots[h] = c
			return c
		}
	}
}

// code is the code of s, 0 when s is not in the table.
func (t *typeTable) code(s string) uint16 {
	for h := typeHash(s) & t.mask; ; h = (h + 1) & t.mask {
		c := t.slots[h]
		if c == 0 || t.names[c-1] == s {
			return c
		}
	}
}

// codes fills out with the code of every row of the event-type column a
// (0 for NULL). It reads Arrow strings and dictionaries in place.
func (t *typeTable) codes(a arrow.Array, out []uint16) error {
	nulls := a.NullN() > 0
	switch x := a.(type) {
	case *array.String:
		last, lastC := "", t.code("")
		for i := range out {
			if nulls && x.IsNull(i) {
				out[i] = 0
				continue
			}
			s := x.Value(i)
			if s != last {
				last, lastC = s, t.code(s)
			}
			out[i] = lastC
		}
		return nil
	case *array.LargeString:
		for i := range out {
			if nulls && x.IsNull(i) {
				out[i] = 0
				continue
			}
			out[i] = t.code(x.Value(i))
		}
		return nil
	case *array.Dictionary:
		if dict, ok := x.Dictionary().(*array.String); ok {
			dc := make([]uint16, dict.Len())
			for j := range dc {
				if dict.IsValid(j) {
					dc[j] = t.code(dict.Value(j))
				}
			}
			for i := range out {
				if nulls && x.IsNull(i) {
					out[i] = 0
					continue
				}
				out[i] = dc[x.GetValueIndex(i)]
			}
			return nil
		}
	}
	v, err := expr.FromArrow(a)
	if err != nil {
		return err
	}
	for i := range out {
		out[i] = 0
		if v.Kind() == expr.KindString && !v.IsNull(i) {
			out[i] = t.code(v.S[i])
		}
	}
	return nil
}

// goalTypes recognises a goal that only tests the event type against
// string literals (event_type = 'x', 'x' = event_type, event_type IN
// ('x', 'y')) and returns the literals. Such a goal is evaluated from the
// type codes instead of comparing strings row by row.
func goalTypes(spec *Spec) ([]string, bool) {
	if spec.TypeCol < 0 || spec.Goal == nil {
		return nil, false
	}
	if expr.KindOf(spec.Schema.Field(spec.TypeCol).Type) != expr.KindString {
		return nil, false
	}
	isTypeCol := func(e expr.Expr) bool {
		c, ok := e.(*expr.Col)
		return ok && c.Idx == spec.TypeCol
	}
	strConst := func(e expr.Expr) (string, bool, bool) { // value, null, ok
		c, ok := e.(*expr.Const)
		if !ok {
			return "", false, false
		}
		if c.Null {
			return "", true, true
		}
		if expr.KindOf(c.T) != expr.KindString {
			return "", false, false
		}
		return c.S, false, true
	}
	switch g := spec.Goal.(type) {
	case *expr.Compare:
		if g.Op != "=" {
			return nil, false
		}
		l, r := g.L, g.R
		if !isTypeCol(l) {
			l, r = r, l
		}
		if !isTypeCol(l) {
			return nil, false
		}
		s, null, ok := strConst(r)
		if !ok {
			return nil, false
		}
		if null {
			return []string{}, true // = NULL is never true
		}
		return []string{s}, true
	case *expr.InList:
		if g.Not || !isTypeCol(g.X) {
			return nil, false
		}
		out := []string{}
		for _, item := range g.List {
			s, null, ok := strConst(item)
			if !ok {
				return nil, false
			}
			if !null { // a NULL item only turns a non-match into NULL: not a goal either way
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}
