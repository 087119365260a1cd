package ml

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// dense is one fully connected layer in plain Go: out = in·W + B, with W
// stored row-major as In×Out (row i holds the weights leaving input i).
type dense struct {
	In, Out int
	W       []float64
	B       []float64
}

// network is the trained MLP copied out of Gorgonia: ReLU on every layer but
// the last, whose single output is the logit.
type network struct {
	Layers []dense
}

// preact writes in·W + B into out.
func (d *dense) preact(in, out []float64) {
	copy(out[:d.Out], d.B)
	d.addProduct(in, out)
}

// addProduct adds in·W to out.
func (d *dense) addProduct(in, out []float64) {
	out = out[:d.Out]
	if d.Out == 1 {
		w := d.W[:d.In]
		s := out[0]
		for i, v := range in[:d.In] {
			s += v * w[i]
		}
		out[0] = s
		return
	}
	for i, v := range in[:d.In] {
		if v != 0 {
			axpy(v, d.W[i*d.Out:(i+1)*d.Out], out)
		}
	}
}

// backprop writes W·g into gIn: the gradient with respect to the layer's
// input given the gradient g with respect to its pre-activation.
func (d *dense) backprop(g, gIn []float64) {
	g = g[:d.Out]
	for i := range gIn[:d.In] {
		gIn[i] = dot(d.W[i*d.Out:(i+1)*d.Out], g)
	}
}

// axpy adds a·x to y. It uses gonum's assembly kernel: two products per
// SIMD instruction, each rounded as in y[i] += a*x[i], so the result is
// the same as the plain loop's.
func axpy(a float64, x, y []float64) { floats.AddScaled(y[:len(x)], a, x) }

// dot returns x·y.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func relu(x []float64) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}

// sigmoid is the logistic function, accurate in both tails.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logOnePlusExp is log(1+e^z) without overflow.
func logOnePlusExp(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// buffers returns one scratch slice per layer output.
func (n *network) buffers() [][]float64 {
	b := make([][]float64, len(n.Layers))
	for l, d := range n.Layers {
		b[l] = make([]float64, d.Out)
	}
	return b
}

// logit runs the forward pass for one model-input row x using the scratch
// buffers from n.buffers (which end up holding each layer's output).
func (n *network) logit(x []float64, buf [][]float64) float64 {
	in := x
	last := len(n.Layers) - 1
	for l := range n.Layers {
		n.Layers[l].preact(in, buf[l])
		if l == last {
			break
		}
		in = buf[l]
		relu(in)
	}
	return buf[last][0]
}

// clone returns a deep copy of the network.
func (n *network) clone() *network {
	c := &network{Layers: make([]dense, len(n.Layers))}
	for l, d := range n.Layers {
		c.Layers[l] = dense{In: d.In, Out: d.Out, W: append([]float64(nil), d.W...), B: append([]float64(nil), d.B...)}
	}
	return c
}
