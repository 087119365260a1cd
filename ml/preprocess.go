package ml

import (
	"math"
	"slices"
)

const (
	// maxAbsInput bounds a transformed value before standardisation, so
	// ±Inf and absurdly large inputs stay finite.
	maxAbsInput = 1e15
	// maxAbsZ bounds a standardised model input.
	maxAbsZ = 10
)

// inputPrep is the fitted transform of one raw column.
type inputPrep struct {
	Log    bool    // sign(x)·log1p(|x|) before standardising
	Median float64 // raw-space median of observed training values, imputed for NaN
	Mean   float64 // mean of the transformed, imputed training values
	Scale  float64 // 1/std, or 0 when the column is constant
	// Indicator is the model-input index of this column's missing
	// indicator, or -1 when the training split had no missing value.
	Indicator         int
	IndMean, IndScale float64
	// Ref is the reference (typical) raw value: Median, or NaN when more
	// than half of the training rows miss the value.
	Ref float64
}

// preprocessor maps a raw row (len(Inputs) values) to the model inputs:
// one standardised value per column, then one standardised missing
// indicator per column that had missing training values.
type preprocessor struct {
	Inputs []inputPrep
	Width  int // number of model inputs
}

// signLog1p is sign(x)·log1p(|x|).
func signLog1p(x float64) float64 {
	if x < 0 {
		return -math.Log1p(-x)
	}
	return math.Log1p(x)
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// transformed returns the pre-standardisation value of raw x, which must not
// be NaN.
func (p *inputPrep) transformed(x float64) float64 {
	if p.Log {
		x = signLog1p(x)
	}
	return clamp(x, -maxAbsInput, maxAbsInput)
}

// fitTransform fits the per-column transforms on the training matrix and
// returns them with the transformed training matrix (equal to
// p.transform(X), computed without a second pass). The work runs on a
// column-major copy, columns in parallel; each column's arithmetic is
// sequential, so the result does not depend on the number of goroutines.
func fitTransform(cols []Column, X Matrix) (*preprocessor, Matrix) {
	n, c := X.Rows, X.Cols
	p := &preprocessor{Inputs: make([]inputPrep, c), Width: c}
	byCol := make([]float64, n*c)
	for i := range n {
		for j, v := range X.Row(i) {
			byCol[j*n+i] = v
		}
	}
	missing := make([]int, c)
	parallelChunks(c, 4, func(lo, hi int) {
		vals := make([]float64, 0, n)
		for j := lo; j < hi; j++ {
			missing[j] = p.Inputs[j].fit(cols[j].Kind, byCol[j*n:(j+1)*n], vals)
		}
	})
	for j := range p.Inputs {
		if missing[j] > 0 {
			p.Inputs[j].Indicator = p.Width
			p.Width++
		}
	}
	out := NewMatrix(n, p.Width)
	parallelRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row, raw := out.Row(i), X.Row(i)
			for j := range c {
				row[j] = byCol[j*n+i]
				if in := &p.Inputs[j]; in.Indicator >= 0 {
					row[in.Indicator] = in.indicator(math.IsNaN(raw[j]))
				}
			}
		}
	})
	return p, out
}

// fit fits one training column, replaces its values by the standardised
// model inputs and returns the number of missing values. vals is scratch.
func (in *inputPrep) fit(kind Kind, col, vals []float64) (missing int) {
	n := float64(len(col))
	in.Log = kind.heavyTailed()
	in.Indicator = -1
	vals = vals[:0]
	for _, v := range col {
		if !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	missing = len(col) - len(vals)
	in.Median = clamp(median(vals), -maxAbsInput, maxAbsInput)
	in.Ref = in.Median
	if 2*missing > len(col) {
		in.Ref = math.NaN()
	}
	imputed := in.transformed(in.Median)
	var sum float64
	for i, v := range col {
		t := imputed
		if !math.IsNaN(v) {
			t = in.transformed(v)
		}
		col[i] = t
		sum += t
	}
	in.Mean = sum / n
	var ss float64
	for _, t := range col {
		ss += (t - in.Mean) * (t - in.Mean)
	}
	in.Scale = invStd(ss/n, in.Mean)
	for i, t := range col {
		col[i] = in.standardise(t)
	}
	if missing > 0 {
		frac := float64(missing) / n
		in.IndMean = frac
		in.IndScale = invStd(frac*(1-frac), frac)
	}
	return missing
}

// standardise maps a transformed value to the model input.
func (in *inputPrep) standardise(t float64) float64 {
	return clamp((t-in.Mean)*in.Scale, -maxAbsZ, maxAbsZ)
}

// indicator returns the standardised missing indicator.
func (in *inputPrep) indicator(missing bool) float64 {
	v := 0.0
	if missing {
		v = 1
	}
	return (v - in.IndMean) * in.IndScale
}

// invStd returns 1/sqrt(variance), or 0 when the variance is negligible.
func invStd(variance, mean float64) float64 {
	if !(variance > 1e-24*(1+mean*mean)) || math.IsInf(variance, 0) {
		return 0
	}
	return 1 / math.Sqrt(variance)
}

// median returns the median of vals (reordering it), or 0 when empty.
func median(vals []float64) float64 {
	n := len(vals)
	if n == 0 {
		return 0
	}
	m := selectKth(vals, n/2)
	if n%2 == 0 {
		// The lower middle is the largest value left of position n/2.
		m = slices.Max(vals[:n/2])/2 + m/2
	}
	if math.IsNaN(m) { // -Inf and +Inf in the middle
		return 0
	}
	return m
}

// selectKth reorders vals so that vals[k] holds the value that sorting would
// put there, with no larger value before it and no smaller after it, and
// returns it (Hoare's quickselect with a median-of-three pivot; vals must
// not contain NaN).
func selectKth(vals []float64, k int) float64 {
	lo, hi := 0, len(vals)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		a, b, c := vals[lo], vals[mid], vals[hi]
		pivot := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for vals[i] < pivot {
				i++
			}
			for vals[j] > pivot {
				j--
			}
			if i <= j {
				vals[i], vals[j] = vals[j], vals[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return vals[k]
		}
	}
	slices.Sort(vals[lo : hi+1])
	return vals[k]
}

// transformRow writes the model inputs for raw row x into out (len Width).
func (p *preprocessor) transformRow(x, out []float64) {
	for j := range p.Inputs {
		in := &p.Inputs[j]
		v := x[j]
		miss := math.IsNaN(v)
		if miss {
			v = in.Median
		}
		out[j] = in.standardise(in.transformed(v))
		if in.Indicator >= 0 {
			out[in.Indicator] = in.indicator(miss)
		}
	}
}

// transform returns the model-input matrix for raw X.
func (p *preprocessor) transform(X Matrix) Matrix {
	out := NewMatrix(X.Rows, p.Width)
	parallelRows(X.Rows, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p.transformRow(X.Row(i), out.Row(i))
		}
	})
	return out
}

// owner returns, for each model input, the raw column it belongs to.
func (p *preprocessor) owner() []int {
	own := make([]int, p.Width)
	for j, in := range p.Inputs {
		own[j] = j
		if in.Indicator >= 0 {
			own[in.Indicator] = j
		}
	}
	return own
}

// reference returns the reference raw row.
func (p *preprocessor) reference() []float64 {
	ref := make([]float64, len(p.Inputs))
	for j, in := range p.Inputs {
		ref[j] = in.Ref
	}
	return ref
}
