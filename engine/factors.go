package engine

import (
	"math"
	"sort"
	"strings"

	"github.com/cai-dev/cai/ml"
)

// factor is one rolled-up influential factor of a profile.
type factor struct {
	code           string
	text           string
	col            int // the column that represents it for this profile
	value, typical float64
	impact         float64
}

// factorPlan is how a model's input columns roll up to factors, worked
// out once per scoring instead of once per profile: factors are the
// column groups (all one-hot levels of an attribute are one factor, so
// are the count windows of one event type), numbered in order of first
// appearance.
type factorPlan struct {
	mf     *modelFile
	group  []int  // column -> group
	level  []bool // column is one level of a one-hot category
	codes  []string
	ngroup int
}

func newFactorPlan(mf *modelFile) *factorPlan {
	fp := &factorPlan{mf: mf, group: make([]int, len(mf.Columns)), level: make([]bool, len(mf.Columns))}
	index := map[string]int{}
	for j, c := range mf.Columns {
		g, ok := index[c.Group]
		if !ok {
			g = len(fp.codes)
			index[c.Group] = g
			fp.codes = append(fp.codes, c.Group)
		}
		fp.group[j] = g
		fp.level[j] = c.Kind == ml.KindBinary && strings.Contains(c.Name, "=")
	}
	fp.ngroup = len(fp.codes)
	return fp
}

// factorBuffer is one goroutine's scratch space for factorPlan.profile.
type factorBuffer struct {
	impact, repAbs []float64
	rep, order     []int
}

func (fp *factorPlan) newBuffer() *factorBuffer {
	return &factorBuffer{impact: make([]float64, fp.ngroup), repAbs: make([]float64, fp.ngroup),
		rep: make([]int, fp.ngroup), order: make([]int, 0, fp.ngroup)}
}

// profile rolls one profile's attributions (attr, over its inputs x) up
// to factors and phrases the n strongest of those that push toward the
// predicted outcome, strongest first (ties in group order). A factor's
// value is that of its representative column: the profile's own level of
// a category, otherwise the column with the largest |attribution|.
func (fp *factorPlan) profile(x, attr []float64, n int, b *factorBuffer) []factor {
	for g := range b.impact {
		b.impact[g], b.repAbs[g], b.rep[g] = 0, -1, -1
	}
	for j, g := range fp.group {
		b.impact[g] += attr[j]
		a := math.Abs(attr[j])
		if fp.level[j] && x[j] == 1 {
			a = math.Inf(1)
		}
		if b.rep[g] < 0 {
			b.rep[g] = j // a group's first column, until one has a larger |attribution|
		}
		if a > b.repAbs[g] {
			b.rep[g], b.repAbs[g] = j, a
		}
	}
	b.order = b.order[:0]
	for g, v := range b.impact {
		if v > 0 { // false for NaN
			b.order = append(b.order, g)
		}
	}
	sort.SliceStable(b.order, func(i, k int) bool { return b.impact[b.order[i]] > b.impact[b.order[k]] })
	if len(b.order) > n {
		b.order = b.order[:n]
	}
	if len(b.order) == 0 {
		return nil
	}
	mf := fp.mf
	out := make([]factor, len(b.order))
	for i, g := range b.order {
		j := b.rep[g]
		out[i] = factor{code: fp.codes[g], col: j, value: x[j], typical: mf.Typical[j], impact: b.impact[g]}
		out[i].text = factorText(mf.Columns[j], mf.Describe[j], x[j], mf.Typical[j])
	}
	return out
}
