package ml

import (
	"math"
	"math/rand"
	"testing"
)

// TestForwardMatchesGorgonia checks the plain-Go inference pass against the
// Gorgonia graph on random weights and inputs, for two successive batches
// (the graph's input tensors are refilled in place).
func TestForwardMatchesGorgonia(t *testing.T) {
	for _, sizes := range [][]int{{9, 16, 8, 1}, {5, 1}, {7, 12, 1}} {
		rng := rand.New(rand.NewSource(int64(len(sizes))))
		net := initNetwork(sizes, rng)
		for _, l := range net.Layers {
			for j := range l.B {
				l.B[j] = float64(float32(rng.NormFloat64() * 0.3))
			}
		}
		const batch = 32
		tg, err := newTrainGraph(net, batch)
		if err != nil {
			t.Fatal(err)
		}
		buf := net.buffers()
		for round := range 2 {
			x, y, w := tg.inputs()
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 2)
			}
			for i := range y {
				y[i], w[i] = float32(i%2), 1.0/batch
			}
			if _, err := tg.run(); err != nil {
				t.Fatal(err)
			}
			got := tg.lastLogits()
			row := make([]float64, sizes[0])
			for i := range batch {
				for k := range row {
					row[k] = float64(x[i*sizes[0]+k])
				}
				want := net.logit(row, buf)
				if d := math.Abs(sigmoid(want) - sigmoid(float64(got[i]))); d > 1e-6 {
					t.Fatalf("sizes %v round %d row %d: Go %v, Gorgonia %v (|Δp| = %g)", sizes, round, i, want, got[i], d)
				}
				if d := math.Abs(want - float64(got[i])); d > 1e-5*(1+math.Abs(want)) {
					t.Fatalf("sizes %v round %d row %d: logit Go %v, Gorgonia %v", sizes, round, i, want, got[i])
				}
			}
		}
		tg.close()
	}
}

// TestBackwardMatchesFiniteDifferences checks the hand-written backward
// pass used by integrated gradients against central differences of the Go
// forward pass.
func TestBackwardMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	net := initNetwork([]int{6, 10, 7, 1}, rng)
	r := make([]float64, 6)
	a0 := make([]float64, 10)
	net.Layers[0].preact(r, a0)
	ig := newIntegrator(net, r, a0)
	buf := net.buffers()
	for range 20 {
		z := make([]float64, 6)
		for k := range z {
			z[k] = rng.NormFloat64()
		}
		// With a zero reference, the path point α = 1 is z itself.
		copy(ig.d, z)
		clear(ig.d0)
		net.Layers[0].addProduct(z, ig.d0)
		clear(ig.acc)
		ig.accumulate(1, 1)
		grad := make([]float64, 6)
		net.Layers[0].backprop(ig.acc, grad)
		for k := range z {
			h := 1e-6
			zp := append([]float64(nil), z...)
			zm := append([]float64(nil), z...)
			zp[k] += h
			zm[k] -= h
			fd := (net.logit(zp, buf) - net.logit(zm, buf)) / (2 * h)
			if math.Abs(fd-grad[k]) > 1e-5 {
				t.Fatalf("input %d: gradient %v, finite difference %v", k, grad[k], fd)
			}
		}
	}
}
