package ml

import (
	"math"
	"slices"
	"sync"
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
// returns them with the transformed training matrix in float32, the
// training precision (equal to p.transform(X) rounded to float32, computed
// without a second transform pass).
//
// The columns are fitted in blocks of colBlock: a block is gathered into a
// column-major scratch buffer (reading one short contiguous run per row),
// fitted column by column, and its standardised values written back into
// the output rows. Blocks run in parallel; each column's arithmetic is
// sequential, so the result does not depend on the number of goroutines.
// Besides the output, the memory used is colBlock+1 float64 columns per
// goroutine.
func fitTransform(cols []Column, X Matrix) (*preprocessor, matrix32) {
	n, c := X.Rows, X.Cols
	p := &preprocessor{Inputs: make([]inputPrep, c), Width: c}
	for j, miss := range countMissing(X) {
		p.Inputs[j].Indicator = -1
		if miss > 0 {
			p.Inputs[j].Indicator = p.Width
			p.Width++
		}
	}
	out := newMatrix32(n, p.Width)
	blocks := (c + colBlock - 1) / colBlock
	parallelChunks(blocks, 1, func(lo, hi int) {
		buf := make([]float64, min(colBlock, c)*n)
		vals := make([]float64, 0, n)
		for b := lo; b < hi; b++ {
			j0, j1 := b*colBlock, min((b+1)*colBlock, c)
			for i := range n {
				for k, v := range X.Data[i*c+j0 : i*c+j1] {
					buf[k*n+i] = v
				}
			}
			for j := j0; j < j1; j++ {
				p.Inputs[j].fit(cols[j].Kind, buf[(j-j0)*n:(j-j0+1)*n], vals)
			}
			for i := range n {
				row := out.row(i)
				for k, v := range X.Data[i*c+j0 : i*c+j1] {
					in := &p.Inputs[j0+k]
					row[j0+k] = float32(buf[k*n+i])
					if in.Indicator >= 0 {
						row[in.Indicator] = float32(in.indicator(math.IsNaN(v)))
					}
				}
			}
		}
	})
	return p, out
}

// colBlock is the number of columns fitTransform fits per block.
const colBlock = 8

// countMissing returns the number of NaNs in each column of X.
func countMissing(X Matrix) []int {
	out := make([]int, X.Cols)
	var mu sync.Mutex
	parallelRows(X.Rows, func(lo, hi int) {
		miss := make([]int, X.Cols)
		for i := lo; i < hi; i++ {
			for j, v := range X.Row(i) {
				if math.IsNaN(v) {
					miss[j]++
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		for j, m := range miss {
			out[j] += m
		}
	})
	return out
}

// fit fits one training column and replaces its values by the
// standardised model inputs. vals is scratch. The caller sets Indicator.
func (in *inputPrep) fit(kind Kind, col, vals []float64) {
	n := float64(len(col))
	in.Log = kind.heavyTailed()
	vals = vals[:0]
	for _, v := range col {
		if !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	missing := len(col) - len(vals)
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
