package engine

import (
	"context"
	"math"
	"sort"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// insightsTop is how many factors INSIGHTS lists per bucket.
const insightsTop = 10

// bucketNames are the score buckets, most likely first.
var bucketNames = []string{"high", "medium", "low"}

// bucketFactor is one influential factor of a bucket: how many of the
// bucket's profiles have it among their top factors, how strongly, and
// how the factor's value in the bucket compares with everyone scored.
type bucketFactor struct {
	Rank     int
	Code     string
	Feature  string // the input column that most often represents the factor in the bucket
	Describe string // that column in words
	// Binary is set when Feature is a 0/1 column (a category level): the
	// typical values are then shares of profiles, not medians.
	Binary     bool
	Profiles   int     // profiles of the bucket with the factor among their top factors
	Coverage   float64 // Profiles / profiles in the bucket
	MeanImpact float64 // mean impact over those profiles
	// TypicalBucket is the median of Feature over the bucket's profiles
	// (the share with Feature = 1 when Binary); TypicalOverall the same
	// over all scored profiles. NaN when every value is missing.
	TypicalBucket, TypicalOverall float64
}

// bucketInsight is the factors of one bucket.
type bucketInsight struct {
	Bucket   string
	Profiles int
	Factors  []bucketFactor
}

// insights summarises the scored profiles' factors per bucket.
func (e *Engine) insights(ctx context.Context, st *ast.Insights, params []any) (*Result, error) {
	mf, s, err := e.scoreSaved(ctx, st.At, st.Model, params)
	if err != nil {
		return nil, err
	}
	if len(s.prob) == 0 {
		return nil, planner.Errorf(st.At, ErrNoPopulation, "model %s has no eligible profiles at %s", mf.Name, expr.FormatTime(s.cutoff))
	}
	rb := e.newRows(col("bucket", expr.StringType), col("rank", expr.IntType), col("code", expr.StringType),
		col("coverage", expr.FloatType), col("mean_impact", expr.FloatType),
		col("typical_in_bucket", expr.FloatType), col("typical_overall", expr.FloatType), col("feature", expr.StringType))
	for _, bi := range bucketFactors(s, insightsTop) {
		for _, f := range bi.Factors {
			rb.add(bi.Bucket, f.Rank, f.Code, round4(f.Coverage), round4(f.MeanImpact),
				nullNaN(round4(f.TypicalBucket)), nullNaN(round4(f.TypicalOverall)), f.Feature)
		}
	}
	return rb.result(), nil
}

// bucketFactors ranks, per bucket (high, medium, low), the factors by the
// share of the bucket's profiles that have them among their top factors
// (the model's default number of factors), keeping at most top of them.
func bucketFactors(s *scored, top int) []bucketInsight {
	mf := s.mf
	n := len(s.prob)
	out := make([]bucketInsight, len(bucketNames))
	for k, name := range bucketNames {
		out[k].Bucket = name
	}
	if n == 0 {
		return out
	}
	nfactors := mf.Factors
	if nfactors <= 0 {
		nfactors = 5
	}
	sc := scores(s.prob)
	bucketOf := make([]int, n)
	for i, v := range sc {
		switch Bucket(v) {
		case "high":
			bucketOf[i] = 0
		case "medium":
			bucketOf[i] = 1
		default:
			bucketOf[i] = 2
		}
		out[bucketOf[i]].Profiles++
	}
	type acc struct {
		profiles int
		impact   float64
		reps     map[int]int // representative column -> profiles
	}
	accs := make([]map[string]*acc, len(bucketNames))
	for k := range accs {
		accs[k] = map[string]*acc{}
	}
	s.eachFactors(nfactors, func(i int, fs []factor) {
		for _, f := range fs {
			m := accs[bucketOf[i]]
			c := m[f.code]
			if c == nil {
				c = &acc{reps: map[int]int{}}
				m[f.code] = c
			}
			c.profiles++
			c.impact += f.impact
			c.reps[f.col]++
		}
	})
	for k := range out {
		var fs []bucketFactor
		for code, c := range accs[k] {
			j := modalColumn(c.reps)
			c0 := mf.Columns[j]
			f := bucketFactor{Code: code, Feature: c0.Name, Describe: mf.Describe[j],
				Binary:   c0.Kind == ml.KindBinary,
				Profiles: c.profiles, Coverage: float64(c.profiles) / float64(out[k].Profiles),
				MeanImpact: c.impact / float64(c.profiles)}
			f.TypicalBucket = columnTypical(s.X, j, f.Binary, func(i int) bool { return bucketOf[i] == k })
			f.TypicalOverall = columnTypical(s.X, j, f.Binary, func(int) bool { return true })
			fs = append(fs, f)
		}
		sort.Slice(fs, func(a, b int) bool {
			if fs[a].Profiles != fs[b].Profiles {
				return fs[a].Profiles > fs[b].Profiles
			}
			if fs[a].MeanImpact != fs[b].MeanImpact {
				return fs[a].MeanImpact > fs[b].MeanImpact
			}
			return fs[a].Code < fs[b].Code
		})
		if len(fs) > top {
			fs = fs[:top]
		}
		for r := range fs {
			fs[r].Rank = r + 1
		}
		out[k].Factors = fs
	}
	return out
}

// modalColumn is the most frequent representative column (lowest index on
// ties, so the choice is deterministic).
func modalColumn(reps map[int]int) int {
	best, bestN := -1, 0
	for j, n := range reps {
		if n > bestN || (n == bestN && j < best) {
			best, bestN = j, n
		}
	}
	return best
}

// columnTypical is the median of column j over the selected rows, or the
// share of them with value 1 for a binary column; NaN when all are
// missing.
func columnTypical(X ml.Matrix, j int, binary bool, keep func(int) bool) float64 {
	var vals []float64
	for i := 0; i < X.Rows; i++ {
		if !keep(i) {
			continue
		}
		if v := X.Data[i*X.Cols+j]; !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return math.NaN()
	}
	if binary {
		sum := 0.0
		for _, v := range vals {
			sum += v
		}
		return sum / float64(len(vals))
	}
	sort.Float64s(vals)
	return vals[len(vals)/2] // the upper median, as the model's typical values
}

// round4 rounds to 4 decimals for summary tables.
func round4(v float64) float64 {
	return math.Round(v*1e4) / 1e4
}

// nullNaN turns NaN into a NULL cell.
func nullNaN(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
