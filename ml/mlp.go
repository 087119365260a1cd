package ml

import (
	"fmt"
	"math"
	"math/rand"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The training graph runs in float32: Gorgonia's float32 matrix products
// are markedly faster than float64 ones, and the precision is ample for
// stochastic gradient descent. The trained weights are widened exactly to
// float64 for the plain-Go inference pass.
var graphDtype = tensor.Float32

// trainGraph is the Gorgonia expression graph of the MLP and its loss,
// built once for a fixed batch size and reused for every mini-batch: the
// input tensors are refilled in place and the tape machine is reset after
// each run.
//
// The loss is Σᵢ wᵢ·(softplus(zᵢ) − yᵢ·zᵢ), the binary cross-entropy written
// on the logit z, where the caller normalises the row weights w to sum to 1
// over the whole mini-batch (padding rows get weight 0).
type trainGraph struct {
	g          *G.ExprGraph
	params     G.Nodes // W0, b0, W1, b1, ... in layer order
	vm         G.VM
	model      []G.ValueGrad
	xT, yT, wT *tensor.Dense
	costVal    G.Value
	logitVal   G.Value
	batch, in  int
}

// initNetwork returns a network with He-normal weights drawn from rng and
// zero biases; sizes lists the layer widths from input to the single
// output. Weights are rounded to float32, the training precision.
func initNetwork(sizes []int, rng *rand.Rand) *network {
	n := &network{}
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		d := dense{In: in, Out: out, W: make([]float64, in*out), B: make([]float64, out)}
		std := math.Sqrt(2 / float64(in))
		if l+2 == len(sizes) {
			std = math.Sqrt(1 / float64(in)) // no ReLU after the output layer
		}
		for i := range d.W {
			d.W[i] = float64(float32(rng.NormFloat64() * std))
		}
		n.Layers = append(n.Layers, d)
	}
	return n
}

// newTrainGraph builds the training graph for batches of batch rows,
// starting from the weights of net.
func newTrainGraph(net *network, batch int) (tg *trainGraph, err error) {
	defer func() {
		// Gorgonia panics on some construction errors; here they would be
		// programming errors, reported as errors rather than crashes.
		if r := recover(); r != nil {
			err = fmt.Errorf("ml: building the training graph: %v", r)
		}
	}()
	in := net.Layers[0].In
	tg = &trainGraph{g: G.NewGraph(), batch: batch, in: in}
	tg.xT = newDense(batch, in, nil)
	tg.yT = newDense(batch, 1, nil)
	tg.wT = newDense(batch, 1, nil)
	x := G.NewMatrix(tg.g, graphDtype, G.WithShape(batch, in), G.WithName("x"), G.WithValue(tg.xT))
	y := G.NewMatrix(tg.g, graphDtype, G.WithShape(batch, 1), G.WithName("y"), G.WithValue(tg.yT))
	w := G.NewMatrix(tg.g, graphDtype, G.WithShape(batch, 1), G.WithName("w"), G.WithValue(tg.wT))

	h := x
	last := len(net.Layers) - 1
	for l, d := range net.Layers {
		W := G.NewMatrix(tg.g, graphDtype, G.WithShape(d.In, d.Out), G.WithName(fmt.Sprintf("W%d", l)),
			G.WithValue(newDense(d.In, d.Out, d.W)))
		b := G.NewMatrix(tg.g, graphDtype, G.WithShape(1, d.Out), G.WithName(fmt.Sprintf("b%d", l)),
			G.WithValue(newDense(1, d.Out, d.B)))
		tg.params = append(tg.params, W, b)
		var xw *G.Node
		if xw, err = G.Mul(h, W); err != nil {
			return nil, err
		}
		if h, err = G.BroadcastAdd(xw, b, nil, []byte{0}); err != nil {
			return nil, err
		}
		if l < last {
			if h, err = G.Rectify(h); err != nil {
				return nil, err
			}
		}
	}
	cost, err := bceCost(h, y, w)
	if err != nil {
		return nil, err
	}
	grads, err := G.Grad(cost, tg.params...)
	if err != nil {
		return nil, err
	}
	roots := append(G.Nodes{G.Read(cost, &tg.costVal), G.Read(h, &tg.logitVal)}, grads...)
	// Compile only what the outputs and parameter gradients need.
	tg.vm = G.NewTapeMachine(tg.g.SubgraphRoots(roots...), G.BindDualValues(tg.params...))
	tg.model = G.NodesToValueGrads(tg.params)
	return tg, nil
}

// newDense returns a rows×cols float32 tensor holding vals (or zeros).
func newDense(rows, cols int, vals []float64) *tensor.Dense {
	back := make([]float32, rows*cols)
	for i, v := range vals {
		back[i] = float32(v)
	}
	return tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(back))
}

// bceCost is Σ w ⊙ (softplus(z) − y ⊙ z).
func bceCost(z, y, w *G.Node) (*G.Node, error) {
	sp, err := G.Softplus(z)
	if err != nil {
		return nil, err
	}
	yz, err := G.HadamardProd(y, z)
	if err != nil {
		return nil, err
	}
	l, err := G.Sub(sp, yz)
	if err != nil {
		return nil, err
	}
	wl, err := G.HadamardProd(w, l)
	if err != nil {
		return nil, err
	}
	return G.Sum(wl)
}

// inputs returns the backing slices of the batch tensors (x row-major
// batch×in, y and w of length batch) to be filled before run.
func (tg *trainGraph) inputs() (x, y, w []float32) {
	return tg.xT.Data().([]float32), tg.yT.Data().([]float32), tg.wT.Data().([]float32)
}

// run executes the forward and backward pass on the current batch, adding
// the parameter gradients to the accumulated ones, and returns the cost.
func (tg *trainGraph) run() (float64, error) {
	defer tg.vm.Reset()
	if err := tg.vm.RunAll(); err != nil {
		return 0, err
	}
	c, ok := tg.costVal.Data().(float32)
	if !ok {
		return 0, fmt.Errorf("ml: unexpected cost value %v", tg.costVal)
	}
	return float64(c), nil
}

// lastLogits returns the logits of the last run (aliasing Gorgonia memory).
func (tg *trainGraph) lastLogits() []float32 { return tg.logitVal.Data().([]float32) }

// values returns the backing slices of the parameter values.
func (tg *trainGraph) values() [][]float32 {
	out := make([][]float32, len(tg.params))
	for i, p := range tg.params {
		out[i] = p.Value().Data().([]float32)
	}
	return out
}

// grads returns the backing slices of the accumulated parameter gradients.
func (tg *trainGraph) grads() ([][]float32, error) {
	out := make([][]float32, len(tg.params))
	for i, p := range tg.params {
		g, err := p.Grad()
		if err != nil {
			return nil, fmt.Errorf("ml: gradient of %s: %w", p.Name(), err)
		}
		out[i] = g.Data().([]float32)
	}
	return out, nil
}

// close releases the tape machine.
func (tg *trainGraph) close() { tg.vm.Close() }
