package ml

import (
	"math"
	"math/rand"
)

// synth generates n rows of d columns with mixed kinds and labels drawn from
// a logistic rule on log-transformed features. It returns the true logit
// of every row so tests can compare against the best possible AUC.
func synth(n, d int, seed int64, intercept float64) ([]Column, Dataset, []float64) {
	rng := rand.New(rand.NewSource(seed))
	kinds := []Kind{KindCount, KindAmount, KindDays, KindNumeric, KindBinary}
	cols := make([]Column, d)
	coef := make([]float64, d)
	for j := range cols {
		cols[j] = Column{Name: "c" + string(rune('a'+j%26)) + string(rune('0'+j/26)), Kind: kinds[j%len(kinds)]}
		if j < 10 {
			coef[j] = []float64{0.9, -0.6, -0.5, 0.7, 0.8, 0.5, 0.4, -0.4, 0.3, 0.6}[j]
		}
	}
	X := NewMatrix(n, d)
	y := make([]float64, n)
	truth := make([]float64, n)
	for i := range n {
		row := X.Row(i)
		z := intercept
		for j, c := range cols {
			var v, f float64
			switch c.Kind {
			case KindCount:
				v = math.Floor(math.Exp(rng.NormFloat64()*1.2) * 2)
				f = math.Log1p(v) - 1
			case KindAmount:
				v = math.Exp(3 + rng.NormFloat64()*1.5)
				f = (math.Log1p(v) - 3) / 1.5
			case KindDays:
				v = math.Floor(rng.ExpFloat64() * 60)
				f = math.Log1p(v) - 3.5
			case KindNumeric:
				v = rng.NormFloat64()*10 + 50
				f = (v - 50) / 10
			case KindBinary:
				if rng.Float64() < 0.3 {
					v = 1
				}
				f = v*2 - 0.6
			}
			row[j] = v
			z += coef[j] * f
		}
		truth[i] = z
		if rng.Float64() < sigmoid(z) {
			y[i] = 1
		}
	}
	return cols, Dataset{X: X, Y: y}, truth
}

// split returns rows [lo, hi) of d.
func (d Dataset) split(lo, hi int) Dataset {
	c := d.X.Cols
	return Dataset{X: Matrix{Rows: hi - lo, Cols: c, Data: d.X.Data[lo*c : hi*c]}, Y: d.Y[lo:hi]}
}
