package ml

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Calibration method names recorded in a model besides the Options ones.
const (
	// calibrationPrior is the fallback when the validation split holds a
	// single class: the logit is shifted by −log(positive weight), which
	// undoes class weighting exactly for a well-fitted model.
	calibrationPrior = "prior"
)

// calibrator maps an uncalibrated logit to a calibrated probability.
type calibrator struct {
	Method string
	A, B   float64   // platt and prior: p = σ(A·z + B)
	X, Y   []float64 // isotonic: increasing logits and their probabilities
	Lo, Hi float64   // isotonic: output bounds
}

// apply returns the calibrated probability of logit z.
func (c *calibrator) apply(z float64) float64 {
	if c.Method != CalibrationIsotonic {
		return sigmoid(c.A*z + c.B)
	}
	return clamp(interpolate(c.X, c.Y, z), c.Lo, c.Hi)
}

// interpolate evaluates the piecewise-linear function through (xs, ys),
// constant beyond the ends.
func interpolate(xs, ys []float64, x float64) float64 {
	n := len(xs)
	switch {
	case n == 0:
		return 0.5
	case x <= xs[0]:
		return ys[0]
	case x >= xs[n-1]:
		return ys[n-1]
	}
	k := sort.SearchFloat64s(xs, x) // xs[k-1] < x <= xs[k]
	x0, x1, y0, y1 := xs[k-1], xs[k], ys[k-1], ys[k]
	if x1 == x0 {
		return y1
	}
	return y0 + (y1-y0)*(x-x0)/(x1-x0)
}

// fitCalibration fits the requested calibration on validation logits z and
// labels y, falling back to the class-weight prior correction when y holds
// a single class. The note explains a fallback.
func fitCalibration(method string, z, y []float64, posW float64) (calibrator, string) {
	pos := 0
	for _, v := range y {
		if v == 1 {
			pos++
		}
	}
	if method == CalibrationNone {
		return calibrator{Method: CalibrationNone, A: 1}, ""
	}
	if pos == 0 || pos == len(y) {
		note := fmt.Sprintf("the validation split has %d positives among %d rows, so %s calibration was skipped; probabilities only undo the class weighting",
			pos, len(y), method)
		return calibrator{Method: calibrationPrior, A: 1, B: -math.Log(posW)}, note
	}
	if method == CalibrationIsotonic {
		return fitIsotonic(z, y), ""
	}
	a, b := fitPlatt(z, y, pos)
	return calibrator{Method: CalibrationPlatt, A: a, B: b}, ""
}

// fitPlatt fits p = σ(a·z + b) by Newton's method with backtracking on the
// log loss against Platt's smoothed targets (Platt 1999; Lin, Lin and Weng
// 2007).
func fitPlatt(z, y []float64, pos int) (a, b float64) {
	neg := len(y) - pos
	hiT := (float64(pos) + 1) / (float64(pos) + 2)
	loT := 1 / (float64(neg) + 2)
	t := make([]float64, len(y))
	for i, v := range y {
		t[i] = loT
		if v == 1 {
			t[i] = hiT
		}
	}
	loss := func(a, b float64) float64 {
		var f float64
		for i, zi := range z {
			s := a*zi + b
			f += t[i]*logOnePlusExp(-s) + (1-t[i])*logOnePlusExp(s)
		}
		return f
	}
	a, b = 0, math.Log((float64(pos)+1)/(float64(neg)+1))
	f := loss(a, b)
	for range 100 {
		var g1, g2, h11, h12, h22 float64
		for i, zi := range z {
			p := sigmoid(a*zi + b)
			d, w := p-t[i], p*(1-p)
			g1 += d * zi
			g2 += d
			h11 += w * zi * zi
			h12 += w * zi
			h22 += w
		}
		h11, h22 = h11+1e-12, h22+1e-12
		det := h11*h22 - h12*h12
		da := -(h22*g1 - h12*g2) / det
		db := -(h11*g2 - h12*g1) / det
		slope := g1*da + g2*db // −(Newton decrement)²
		if !(-slope > 1e-12*(1+f)) {
			break // converged (or a degenerate Hessian)
		}
		step := 1.0
		for ; step >= 1e-10; step /= 2 {
			if nf := loss(a+step*da, b+step*db); nf <= f+1e-4*step*slope && nf < f {
				a, b, f = a+step*da, b+step*db, nf
				break
			}
		}
		if step < 1e-10 {
			break
		}
	}
	return a, b
}

// fitIsotonic fits a non-decreasing map from logit to probability by
// pool-adjacent-violators, interpolated linearly between block ends.
func fitIsotonic(z, y []float64) calibrator {
	idx := make([]int, len(z))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case z[i] < z[j]:
			return -1
		case z[i] > z[j]:
			return 1
		}
		return 0
	})
	type block struct{ sum, n, lo, hi float64 }
	var blocks []block
	for k := 0; k < len(idx); {
		// Pool equal logits first: they must share one value.
		b := block{lo: z[idx[k]], hi: z[idx[k]]}
		for ; k < len(idx) && z[idx[k]] == b.lo; k++ {
			b.sum += y[idx[k]]
			b.n++
		}
		blocks = append(blocks, b)
		for len(blocks) > 1 {
			p, q := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if p.sum/p.n < q.sum/q.n {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, block{sum: p.sum + q.sum, n: p.n + q.n, lo: p.lo, hi: q.hi})
		}
	}
	c := calibrator{Method: CalibrationIsotonic}
	for _, b := range blocks {
		v := b.sum / b.n
		c.X, c.Y = append(c.X, b.lo), append(c.Y, v)
		if b.hi > b.lo {
			c.X, c.Y = append(c.X, b.hi), append(c.Y, v)
		}
	}
	eps := 1 / (2 * float64(len(z)+1))
	c.Lo, c.Hi = eps, 1-eps
	return c
}
