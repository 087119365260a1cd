package features

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/expr"
)

// Keys maps profile identities (integers or strings) to dense indexes.
// When Fixed, the population is closed: unknown identities are ignored.
type Keys struct {
	IsInt   bool
	Fixed   bool
	ints    map[int64]int32
	strs    map[string]int32
	IntVals []int64
	StrVals []string
}

// NewKeys makes an empty key map for integer or string identities.
func NewKeys(isInt bool) *Keys { return NewKeysSized(isInt, 0) }

// NewKeysSized is NewKeys with room for n identities (a profile table's
// rows), which saves growing the map one doubling at a time.
func NewKeysSized(isInt bool, n int) *Keys {
	k := &Keys{IsInt: isInt}
	if isInt {
		k.ints, k.strs = make(map[int64]int32, n), map[string]int32{}
		k.IntVals = make([]int64, 0, n)
	} else {
		k.ints, k.strs = map[int64]int32{}, make(map[string]int32, n)
		k.StrVals = make([]string, 0, n)
	}
	return k
}

// Len is the number of profiles.
func (k *Keys) Len() int {
	if k.IsInt {
		return len(k.IntVals)
	}
	return len(k.StrVals)
}

// Unknown is returned by Add for an identity outside a Fixed population.
const Unknown = -2

// Add registers the identity at row i of v and returns its index, -1 for
// NULL or empty identities, and Unknown (when Fixed) for identities not
// in the population.
func (k *Keys) Add(v *expr.Vector, i int) int32 {
	if v.IsNull(i) {
		return -1
	}
	if k.IsInt {
		var x int64
		switch v.Kind() {
		case expr.KindInt:
			x = v.I[i]
		case expr.KindString:
			p, err := strconv.ParseInt(v.S[i], 10, 64)
			if err != nil {
				return -1
			}
			x = p
		default:
			return -1
		}
		return k.addInt(x)
	}
	var s string
	switch v.Kind() {
	case expr.KindString:
		s = v.S[i]
	case expr.KindInt:
		s = strconv.FormatInt(v.I[i], 10)
	default:
		return -1
	}
	return k.addStr(s)
}

// addInt registers an integer identity.
func (k *Keys) addInt(x int64) int32 {
	if id, ok := k.ints[x]; ok {
		return id
	}
	if k.Fixed {
		return Unknown
	}
	id := int32(len(k.IntVals))
	k.ints[x] = id
	k.IntVals = append(k.IntVals, x)
	return id
}

// addStr registers a string identity; s may alias an Arrow buffer (it is
// copied when kept).
func (k *Keys) addStr(s string) int32 {
	if s == "" {
		return -1
	}
	if id, ok := k.strs[s]; ok {
		return id
	}
	if k.Fixed {
		return Unknown
	}
	s = strings.Clone(s)
	id := int32(len(k.StrVals))
	k.strs[s] = id
	k.StrVals = append(k.StrVals, s)
	return id
}

// resolve fills pid with the profile index of every row of the identity
// column a whose valid[i] is true (-1 and Unknown as for Add; rows with
// valid[i] false get -1 and are not registered). Integer and string
// columns are read in place, and a run of rows with the same identity
// costs one lookup.
func (k *Keys) resolve(a arrow.Array, valid []bool, pid []int32) error {
	ok := func(i int) bool { return valid == nil || valid[i] }
	nulls := a.NullN() > 0
	switch x := a.(type) {
	case *array.Int64:
		if !k.IsInt {
			break
		}
		vals := x.Int64Values()
		var last int64
		lastP, have := int32(0), false
		for i := range pid {
			if !ok(i) || nulls && x.IsNull(i) {
				pid[i] = -1
				continue
			}
			v := vals[i]
			if !have || v != last {
				last, lastP, have = v, k.addInt(v), true
			}
			pid[i] = lastP
		}
		return nil
	case *array.String:
		if k.IsInt {
			break
		}
		last, lastP, have := "", int32(0), false
		for i := range pid {
			if !ok(i) || nulls && x.IsNull(i) {
				pid[i] = -1
				continue
			}
			s := x.Value(i)
			if !have || s != last {
				last, lastP, have = s, k.addStr(s), true
			}
			pid[i] = lastP
		}
		return nil
	case *array.LargeString:
		if k.IsInt {
			break
		}
		for i := range pid {
			if !ok(i) || nulls && x.IsNull(i) {
				pid[i] = -1
				continue
			}
			pid[i] = k.addStr(x.Value(i))
		}
		return nil
	}
	v, err := expr.FromArrow(a)
	if err != nil {
		return err
	}
	for i := range pid {
		pid[i] = -1
		if ok(i) {
			pid[i] = k.Add(v, i)
		}
	}
	return nil
}

// Vector returns the identities of the given profile indexes.
func (k *Keys) Vector(idx []int32) *expr.Vector {
	if k.IsInt {
		v := expr.NewVector(expr.IntType, len(idx))
		for i, p := range idx {
			v.I[i] = k.IntVals[p]
		}
		return v
	}
	v := expr.NewVector(expr.StringType, len(idx))
	for i, p := range idx {
		v.S[i] = k.StrVals[p]
	}
	return v
}

// String renders profile p's identity.
func (k *Keys) String(p int32) string {
	if k.IsInt {
		return strconv.FormatInt(k.IntVals[p], 10)
	}
	return k.StrVals[p]
}
