package ml

import "fmt"

// Attribute returns per-row, per-column attributions of the uncalibrated
// logit by integrated gradients against the reference row ref (raw feature
// space, same columns as X; nil selects Reference()).
//
// The logit, not the probability, is attributed: attributions in log-odds
// add up across factors and do not shrink where the sigmoid saturates.
// Completeness holds: every row sums to PredictLogit(x) − PredictLogit(ref).
// The calibrated probability is a monotone function of the logit, so the
// signs and the ranking of factors carry over to it.
//
// The integration path is the straight line from ref to x in the model's
// input space (after imputation, log transform and standardisation; for
// observed values a monotone path in raw space); a column's attribution
// includes that of its missing indicator. Because the network is piecewise linear along the
// path, steps <= 0 integrates exactly, segment by segment between the
// points where a ReLU switches (completeness to rounding error; cost grows
// with the number of switches, typically a few dozen, and for the default
// two hidden layers is about that of three forward passes). steps > 0 uses
// the midpoint rule with that many evaluations instead, whose completeness
// error shrinks like 1/steps (a few percent of f(x) − f(ref) in the worst
// rows at 50 steps). Prefer steps = 0.
//
// Like Predict, Attribute panics when X or ref has the wrong column count.
func (m *Model) Attribute(X Matrix, ref []float64, steps int) Matrix {
	m.mustCheck(X)
	if ref == nil {
		ref = m.Reference()
	}
	if len(ref) != len(m.cols) {
		panic(fmt.Errorf("%w: reference has %d values, want %d", ErrBadInput, len(ref), len(m.cols)))
	}
	r := make([]float64, m.prep.Width)
	m.prep.transformRow(ref, r)
	a0 := make([]float64, m.net.Layers[0].Out)
	m.net.Layers[0].preact(r, a0)
	owner := m.prep.owner()
	out := NewMatrix(X.Rows, X.Cols)
	parallelRows(X.Rows, func(lo, hi int) {
		ig := newIntegrator(m.net, r, a0)
		z := make([]float64, m.prep.Width)
		for i := lo; i < hi; i++ {
			m.prep.transformRow(X.Row(i), z)
			attr := ig.attribute(z, steps)
			row := out.Row(i)
			for k, v := range attr {
				row[owner[k]] += v
			}
		}
	})
	return out
}

// integrator computes integrated gradients for one goroutine.
type integrator struct {
	net *network
	r   []float64 // reference model inputs
	a0  []float64 // first-layer pre-activation at r
	// Scratch buffers.
	d, d0, acc, attr []float64
	act              [][]float64 // per layer pre-activations
	g, gin           []float64   // backward buffers (max width)
	path             path
	two              twoLayer
}

func newIntegrator(net *network, r, a0 []float64) *integrator {
	maxW := 1
	for _, l := range net.Layers {
		maxW = max(maxW, l.In, l.Out)
	}
	h0 := net.Layers[0].Out
	return &integrator{net: net, r: r, a0: a0,
		d: make([]float64, len(r)), d0: make([]float64, h0), acc: make([]float64, h0),
		attr: make([]float64, len(r)), act: net.buffers(),
		g: make([]float64, maxW), gin: make([]float64, maxW),
		path: newPath(net), two: newTwoLayer(net)}
}

// attribute returns the attribution of each model input for inputs z
// (aliasing scratch memory): exact when steps <= 0, else the midpoint rule.
func (ig *integrator) attribute(z []float64, steps int) []float64 {
	if steps <= 0 {
		return ig.attributeWith(z, ig.exact)
	}
	return ig.attributeWith(z, func() {
		for k := range steps {
			ig.accumulate((float64(k)+0.5)/float64(steps), 1/float64(steps))
		}
	})
}

// attributeWith sets up the path to z, lets integrate fill acc with
// ∫ ∂logit/∂a0 dα, and converts that to input attributions.
func (ig *integrator) attributeWith(z []float64, integrate func()) []float64 {
	for k := range z {
		ig.d[k] = z[k] - ig.r[k]
	}
	// The first layer is linear in the inputs: along the path its
	// pre-activation is a0 + α·d0.
	l0 := &ig.net.Layers[0]
	clear(ig.d0)
	l0.addProduct(ig.d, ig.d0)
	clear(ig.acc)
	integrate()
	// ∇z = W0·∫∂logit/∂a0 because the first layer's Jacobian is constant.
	l0.backprop(ig.acc, ig.attr)
	for k := range ig.attr {
		ig.attr[k] *= ig.d[k]
	}
	return ig.attr
}

// accumulate adds weight × ∂logit/∂a0 at point α of the path to acc.
func (ig *integrator) accumulate(alpha, weight float64) {
	net := ig.net
	last := len(net.Layers) - 1
	a := ig.act[0]
	for j := range a {
		a[j] = ig.a0[j] + alpha*ig.d0[j]
	}
	for l := 1; l <= last; l++ {
		relu(ig.act[l-1])
		net.Layers[l].preact(ig.act[l-1], ig.act[l])
	}
	ig.backward(func(l, j int) bool { return ig.act[l][j] > 0 }, weight)
}

// backward adds weight × ∂logit/∂a0 to acc, where active(l, j) tells
// whether hidden unit j of layer l passes its input.
func (ig *integrator) backward(active func(l, j int) bool, weight float64) {
	net := ig.net
	last := len(net.Layers) - 1
	g := ig.g[:1]
	g[0] = 1
	for l := last; l >= 1; l-- {
		L := &net.Layers[l]
		gin := ig.gin[:L.In]
		for i := range gin {
			if active(l-1, i) {
				gin[i] = dot(L.W[i*L.Out:(i+1)*L.Out], g)
			} else {
				gin[i] = 0
			}
		}
		g = ig.g[:L.In]
		copy(g, gin)
	}
	axpy(weight, g, ig.acc)
}

// GroupAttributions sums the columns of attr (one per entry of cols) by
// Column.Group, an empty Group standing for the column's Name. It returns
// the group names in order of first appearance and a rows×len(groups)
// matrix. Integrated gradients are additive, so a group's sum is the
// factor's share of f(x) − f(ref).
func GroupAttributions(cols []Column, attr Matrix) ([]string, Matrix) {
	if attr.Cols != len(cols) {
		panic(fmt.Errorf("%w: %d attribution columns for %d columns", ErrBadInput, attr.Cols, len(cols)))
	}
	var names []string
	index := make(map[string]int)
	of := make([]int, len(cols))
	for j, c := range cols {
		g := c.Group
		if g == "" {
			g = c.Name
		}
		k, ok := index[g]
		if !ok {
			k = len(names)
			index[g] = k
			names = append(names, g)
		}
		of[j] = k
	}
	out := NewMatrix(attr.Rows, len(names))
	for i := range attr.Rows {
		row := out.Row(i)
		for j, v := range attr.Row(i) {
			row[of[j]] += v
		}
	}
	return names, out
}
