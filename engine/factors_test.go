package engine

import (
	"math"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/cai-dev/cai/ml"
)

// naiveFactors is the definition factorPlan.profile implements, written
// plainly: group the attributions by factor code, keep the groups with a
// positive sum, strongest first (ties in order of first appearance), the
// representative being the profile's own category level or else the
// column with the largest |attribution| (the first column when none).
func naiveFactors(mf *modelFile, x, attr []float64, n int) []factor {
	type group struct {
		code   string
		impact float64
		rep    int
		repAbs float64
	}
	var gs []*group
	byCode := map[string]*group{}
	for j, c := range mf.Columns {
		g := byCode[c.Group]
		if g == nil {
			g = &group{code: c.Group, rep: j, repAbs: -1}
			byCode[c.Group] = g
			gs = append(gs, g)
		}
		g.impact += attr[j]
		a := math.Abs(attr[j])
		if c.Kind == ml.KindBinary && x[j] == 1 && len(c.Name) > len(c.Group) && c.Name[len(c.Group)] == '=' {
			a = math.Inf(1)
		}
		if a > g.repAbs {
			g.rep, g.repAbs = j, a
		}
	}
	var out []factor
	for _, g := range gs {
		if g.impact > 0 {
			j := g.rep
			out = append(out, factor{code: g.code, col: j, value: x[j], typical: mf.Typical[j], impact: g.impact,
				text: factorText(mf.Columns[j], mf.Describe[j], x[j], mf.Typical[j])})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].impact > out[b].impact })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func TestFactorPlanMatchesDefinition(t *testing.T) {
	mf := &modelFile{}
	add := func(name, group string, kind ml.Kind) {
		mf.Columns = append(mf.Columns, ml.Column{Name: name, Group: group, Kind: kind})
		mf.Describe = append(mf.Describe, name)
		mf.Typical = append(mf.Typical, float64(len(mf.Typical)))
	}
	add("purchase_count_7d", "purchase_frequency", ml.KindCount)
	add("purchase_count_30d", "purchase_frequency", ml.KindCount)
	add("purchase_days_since_last", "purchase_recency", ml.KindDays)
	add("country=US", "country", ml.KindBinary)
	add("country=DE", "country", ml.KindBinary)
	add("country=FR", "country", ml.KindBinary)
	add("age", "age", ml.KindNumeric)
	add("value_sum", "purchase_value", ml.KindAmount)
	add("vip", "vip", ml.KindBinary)
	plan := newFactorPlan(mf)
	buf := plan.newBuffer()
	rng := rand.New(rand.NewSource(1))
	w := len(mf.Columns)
	for trial := 0; trial < 2000; trial++ {
		x, attr := make([]float64, w), make([]float64, w)
		for j := range x {
			x[j] = float64(rng.Intn(3))
			switch rng.Intn(10) {
			case 0:
				attr[j] = 0
			case 1:
				attr[j] = math.NaN()
			case 2:
				attr[j] = 0.25 // ties
			default:
				attr[j] = rng.NormFloat64()
			}
			if rng.Intn(8) == 0 {
				x[j] = math.NaN()
			}
		}
		x[3], x[4], x[5] = 0, 0, 0
		x[3+rng.Intn(3)] = 1
		n := 1 + rng.Intn(6)
		got, want := plan.profile(x, attr, n, buf), naiveFactors(mf, x, attr, n)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(fmtFactors(got), fmtFactors(want)) {
			t.Fatalf("trial %d: x=%v attr=%v n=%d\ngot  %+v\nwant %+v", trial, x, attr, n, got, want)
		}
	}
}

// fmtFactors makes NaN values comparable.
func fmtFactors(fs []factor) []factor {
	out := append([]factor(nil), fs...)
	for i := range out {
		if math.IsNaN(out[i].value) {
			out[i].value = -12345
		}
	}
	return out
}

// scores: the share of the population with a strictly lower probability,
// ties sharing one score.
func TestScoresShareBelow(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	prob := make([]float64, 500)
	for i := range prob {
		prob[i] = float64(rng.Intn(60)) / 60 // many ties
	}
	got := scores(prob)
	for i, p := range prob {
		below := 0
		for _, q := range prob {
			if q < p {
				below++
			}
		}
		if want := 100 * float64(below) / float64(len(prob)); got[i] != want {
			t.Fatalf("score of %v = %v, want %v", p, got[i], want)
		}
	}
	if len(scores(nil)) != 0 {
		t.Fatal("scores of nothing")
	}
}
