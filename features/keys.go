package features

import (
	"strconv"

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
func NewKeys(isInt bool) *Keys {
	return &Keys{IsInt: isInt, ints: map[int64]int32{}, strs: map[string]int32{}}
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
	var s string
	switch v.Kind() {
	case expr.KindString:
		s = v.S[i]
	case expr.KindInt:
		s = strconv.FormatInt(v.I[i], 10)
	default:
		return -1
	}
	if s == "" {
		return -1
	}
	if id, ok := k.strs[s]; ok {
		return id
	}
	if k.Fixed {
		return Unknown
	}
	id := int32(len(k.StrVals))
	k.strs[s] = id
	k.StrVals = append(k.StrVals, s)
	return id
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
