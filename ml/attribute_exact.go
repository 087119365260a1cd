package ml

import "slices"

// exact integrates the gradient along the path segment by segment: the
// network is piecewise linear in α, so within a segment where no ReLU
// switches the gradient is constant and the integral is exact.
func (ig *integrator) exact() {
	if len(ig.net.Layers) == 3 {
		ig.exact2()
		return
	}
	ig.exactGeneric()
}

// exactGeneric handles any depth by locating the switches layer by layer.
func (ig *integrator) exactGeneric() {
	p := &ig.path
	p.build(ig.net, ig.a0, ig.d0)
	for s := 0; s+1 < len(p.alpha); s++ {
		w := p.alpha[s+1] - p.alpha[s]
		if w <= 0 {
			continue
		}
		lo, hi := p.point(s), p.point(s+1)
		// Inside the segment every hidden pre-activation is linear, so its
		// sign is that of the midpoint value.
		ig.backward(func(l, j int) bool { k := p.off[l] + j; return lo[k]+hi[k] > 0 }, w)
	}
}

// path holds the breakpoints of a piecewise-linear path through the hidden
// layers: for each α the concatenated pre-activations of all hidden layers.
type path struct {
	off   []int // offset of each hidden layer in a point's vector
	width int   // total hidden units
	alpha []float64
	vals  []float64 // len(alpha) × width
	// Scratch for rebuilding.
	alpha2 []float64
	vals2  []float64
	cross  []float64
	h      []float64
}

func newPath(net *network) path {
	var p path
	for l := 0; l+1 < len(net.Layers); l++ {
		p.off = append(p.off, p.width)
		p.width += net.Layers[l].Out
	}
	return p
}

func (p *path) point(i int) []float64 { return p.vals[i*p.width : (i+1)*p.width] }

// build finds every α in [0, 1] where a hidden unit switches, layer by
// layer: once the switches of layers below l are known, layer l is linear
// between consecutive breakpoints and its own switches are found by linear
// interpolation.
func (p *path) build(net *network, a0, d0 []float64) {
	hidden := len(net.Layers) - 1
	p.alpha = append(p.alpha[:0], 0, 1)
	p.vals = p.vals[:0]
	if hidden == 0 {
		return // a linear model: one segment
	}
	for j := range d0 {
		if d0[j] != 0 {
			if t := -a0[j] / d0[j]; t > 0 && t < 1 {
				p.alpha = append(p.alpha, t)
			}
		}
	}
	slices.Sort(p.alpha)
	p.vals = slices.Grow(p.vals, len(p.alpha)*p.width)[:len(p.alpha)*p.width]
	h0 := net.Layers[0].Out
	for i, t := range p.alpha {
		v := p.point(i)[:h0]
		for j := range v {
			v[j] = a0[j] + t*d0[j]
		}
	}
	for l := 1; l < hidden; l++ {
		p.forward(net, l)
		p.split(p.off[l], net.Layers[l].Out)
	}
}

// forward computes hidden layer l's pre-activations at every breakpoint
// from layer l−1's.
func (p *path) forward(net *network, l int) {
	L := &net.Layers[l]
	p.h = slices.Grow(p.h[:0], L.In)[:L.In]
	for i := range p.alpha {
		v := p.point(i)
		copy(p.h, v[p.off[l-1]:p.off[l-1]+L.In])
		relu(p.h)
		L.preact(p.h, v[p.off[l]:p.off[l]+L.Out])
	}
}

// split inserts the points where one of the n units at offset off changes
// sign between two breakpoints; the new points' values (for this layer and
// the ones below) are interpolated linearly.
func (p *path) split(off, n int) {
	p.alpha2, p.vals2 = p.alpha2[:0], p.vals2[:0]
	for s := range p.alpha {
		p.alpha2 = append(p.alpha2, p.alpha[s])
		p.vals2 = append(p.vals2, p.point(s)...)
		if s+1 == len(p.alpha) {
			break
		}
		lo, hi := p.point(s), p.point(s+1)
		p.cross = p.cross[:0]
		for j := off; j < off+n; j++ {
			if (lo[j] < 0 && hi[j] > 0) || (lo[j] > 0 && hi[j] < 0) {
				p.cross = append(p.cross, lo[j]/(lo[j]-hi[j]))
			}
		}
		slices.Sort(p.cross)
		t0, t1 := p.alpha[s], p.alpha[s+1]
		for _, f := range p.cross {
			p.alpha2 = append(p.alpha2, t0+f*(t1-t0))
			for k := range lo {
				p.vals2 = append(p.vals2, lo[k]+f*(hi[k]-lo[k]))
			}
		}
	}
	p.alpha, p.alpha2 = p.alpha2, p.alpha
	p.vals, p.vals2 = p.vals2, p.vals
}

// kink is the point α = t where first-layer unit j switches.
type kink struct {
	t float64
	j int
}

// twoLayer is the scratch state of exact2.
type twoLayer struct {
	m1, m2 []bool    // current ReLU masks of the two hidden layers
	p, q   []float64 // second-layer pre-activation is p + α·q on a segment
	v      []float64 // W1·(m2 ⊙ w2): ∂logit/∂h1 for the current masks
	kinks  []kink
	cuts   []float64
}

func newTwoLayer(net *network) twoLayer {
	if len(net.Layers) != 3 {
		return twoLayer{}
	}
	h1, h2 := net.Layers[1].In, net.Layers[1].Out
	return twoLayer{m1: make([]bool, h1), m2: make([]bool, h2), p: make([]float64, h2),
		q: make([]float64, h2), v: make([]float64, h1)}
}

// exact2 is exact integration for two hidden layers (the default shape)
// with incremental updates: between switches only the switching unit's
// weights are added or removed, so a row costs about two forward passes.
func (ig *integrator) exact2() {
	s := &ig.two
	L1 := &ig.net.Layers[1]
	h2 := L1.Out
	a, d := ig.a0, ig.d0
	s.kinks = s.kinks[:0]
	for j := range a {
		s.m1[j] = a[j] > 0 || (a[j] == 0 && d[j] > 0)
		if d[j] != 0 {
			if t := -a[j] / d[j]; t > 0 && t < 1 {
				s.kinks = append(s.kinks, kink{t, j})
			}
		}
	}
	slices.SortFunc(s.kinks, func(x, y kink) int {
		if x.t != y.t {
			if x.t < y.t {
				return -1
			}
			return 1
		}
		return x.j - y.j
	})
	copy(s.p, L1.B)
	clear(s.q)
	for j, on := range s.m1 {
		if on {
			row := L1.W[j*h2 : (j+1)*h2]
			axpy(a[j], row, s.p)
			axpy(d[j], row, s.q)
		}
	}
	clear(s.v)
	clear(s.m2)
	lo := 0.0
	for e := 0; e <= len(s.kinks); e++ {
		hi := 1.0
		if e < len(s.kinks) {
			hi = s.kinks[e].t
		}
		if hi > lo {
			ig.segment2(lo, hi)
			lo = hi
		}
		if e == len(s.kinks) {
			break
		}
		j := s.kinks[e].j
		sign := 1.0
		if s.m1[j] {
			sign = -1
		}
		s.m1[j] = !s.m1[j]
		row := L1.W[j*h2 : (j+1)*h2]
		axpy(sign*a[j], row, s.p)
		axpy(sign*d[j], row, s.q)
	}
}

// segment2 integrates over [lo, hi], where the first hidden layer's mask is
// fixed and the second layer's pre-activation is p + α·q.
func (ig *integrator) segment2(lo, hi float64) {
	s := &ig.two
	L1, w2 := &ig.net.Layers[1], ig.net.Layers[2].W
	h2 := L1.Out
	s.cuts = s.cuts[:0]
	for k, qk := range s.q {
		if qk != 0 {
			if t := -s.p[k] / qk; t > lo && t < hi {
				s.cuts = append(s.cuts, t)
			}
		}
	}
	slices.Sort(s.cuts)
	u0 := lo
	for c := 0; c <= len(s.cuts); c++ {
		u1 := hi
		if c < len(s.cuts) {
			u1 = s.cuts[c]
		}
		if u1 <= u0 {
			continue
		}
		mid := (u0 + u1) / 2
		for k := range h2 {
			if on := s.p[k]+mid*s.q[k] > 0; on != s.m2[k] {
				s.m2[k] = on
				f := w2[k]
				if !on {
					f = -f
				}
				for i := range s.v {
					s.v[i] += f * L1.W[i*h2+k]
				}
			}
		}
		w := u1 - u0
		for i, on := range s.m1 {
			if on {
				ig.acc[i] += w * s.v[i]
			}
		}
		u0 = u1
	}
}
