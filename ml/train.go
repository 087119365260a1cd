package ml

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sync"
	"time"

	G "gorgonia.org/gorgonia"
)

// Train fits the preprocessing on train, trains the network on train with
// early stopping on val, then calibrates the probabilities on val.
//
// Train sees only these two splits: a test split used to report metrics
// must be kept out of both, so it is never seen by training, early stopping
// or calibration. Splits should be made by profile, never by row.
//
// The same columns, data, and options (including Seed) give a bit-identical
// model. Train checks ctx between mini-batches and returns ctx.Err() once it
// is cancelled.
func Train(ctx context.Context, cols []Column, train, val Dataset, opt Options) (*Model, error) {
	start := time.Now()
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	pos, err := train.check("training split", len(cols))
	if err != nil {
		return nil, err
	}
	n := train.X.Rows
	switch {
	case n == 0:
		return nil, fmt.Errorf("%w: the training split is empty", ErrEmpty)
	case pos == 0:
		return nil, fmt.Errorf("%w: the training split has 0 positives among %d rows", ErrNoPositives, n)
	case pos == n:
		return nil, fmt.Errorf("%w: the training split has 0 negatives among %d rows", ErrNoNegatives, n)
	}
	vpos, err := val.check("validation split", len(cols))
	if err != nil {
		return nil, err
	}
	if val.X.Rows == 0 {
		return nil, fmt.Errorf("%w: the validation split is empty (it is needed for early stopping and calibration)", ErrEmpty)
	}

	opt = opt.forRows(n)
	prep, xt := fitTransform(cols, train.X)
	xv := prep.transform(val.X)
	posW := 1.0
	if !opt.NoClassWeight {
		posW = clamp(float64(n-pos)/float64(pos), 1.0/maxClassWeight, maxClassWeight)
	}
	rng := rand.New(rand.NewSource(opt.Seed))
	sizes := append(append([]int{prep.Width}, opt.Hidden...), 1)
	net := initNetwork(sizes, rng)

	tr := &trainer{opt: opt, x: xt, y: train.Y, posW: posW, rng: rng, start: start}
	best, info, err := tr.fit(ctx, net, xv, val.Y)
	if err != nil {
		return nil, err
	}
	info.TrainRows, info.TrainPositives = n, pos
	info.ValRows, info.ValPositives = val.X.Rows, vpos
	info.Inputs, info.PosWeight = prep.Width, posW

	m := &Model{cols: append([]Column(nil), cols...), prep: prep, net: best}
	logits := best.logits(xv)
	m.cal, info.Note = fitCalibration(opt.Calibration, logits, val.Y, posW)
	info.Calibration = m.cal.Method
	m.info = info
	return m, nil
}

// trainer holds the state of one training run.
type trainer struct {
	opt   Options
	x     matrix32  // preprocessed training inputs
	y     []float64 // training labels
	posW  float64   // weight of a positive row
	rng   *rand.Rand
	start time.Time
}

// replicas is the number of copies of the training graph that each take a
// share of every mini-batch, run concurrently, and pool their gradients
// before one optimiser step (synchronous data parallelism). It is fixed,
// not derived from the CPU count, so that the floating-point summation order
// and hence the model never depend on the machine.
const replicas = 2

// fit runs the epochs and returns the network of the epoch with the lowest
// validation loss.
func (t *trainer) fit(ctx context.Context, net *network, xv Matrix, yv []float64) (*network, TrainInfo, error) {
	n := t.x.rows
	batch := min(t.opt.BatchSize, n)
	reps := make([]*trainGraph, replicas)
	for r := range reps {
		tg, err := newTrainGraph(net, (batch+replicas-1)/replicas)
		if err != nil {
			return nil, TrainInfo{}, err
		}
		defer tg.close()
		reps[r] = tg
	}
	opts := []G.SolverOpt{G.WithLearnRate(t.opt.LearningRate), G.WithClip(5)}
	if t.opt.L2 > 0 {
		opts = append(opts, G.WithL2Reg(t.opt.L2))
	}
	solver := G.NewAdamSolver(opts...)

	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := net.clone()
	info := TrainInfo{ValLoss: math.Inf(1)}
	avg := newAverage(reps[0].values(), averageDecay((n+batch-1)/batch))
	ref, stale := math.Inf(1), 0 // the loss of the last significant improvement
	for epoch := 1; epoch <= t.opt.Epochs; epoch++ {
		t.rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var trainLoss float64
		batches := 0
		for lo := 0; lo < n; lo += batch {
			if err := ctx.Err(); err != nil {
				return nil, info, err
			}
			loss, err := t.step(reps, solver, perm[lo:min(lo+batch, n)])
			if err != nil {
				return nil, info, err
			}
			avg.update(reps[0].values())
			trainLoss += loss
			batches++
		}
		trainLoss /= float64(batches)
		avg.copyInto(net)
		valLoss := weightedLoss(net.logits(xv), yv, t.posW)
		info.Epochs = epoch
		improved := valLoss < info.ValLoss
		if improved {
			info.ValLoss, info.BestEpoch = valLoss, epoch
			best = net.clone()
		}
		if valLoss < ref*(1-t.opt.Tolerance) {
			ref, stale = valLoss, 0
		} else {
			stale++
		}
		if t.opt.Progress != nil {
			t.opt.Progress(EpochStats{Epoch: epoch, Epochs: t.opt.Epochs, TrainLoss: trainLoss,
				ValLoss: valLoss, Best: improved, Elapsed: time.Since(t.start)})
		}
		if stale >= t.opt.Patience {
			break
		}
	}
	return best, info, nil
}

// step trains on one mini-batch (the training rows listed in rows): each
// replica takes a contiguous share, the replicas run concurrently, their
// gradients are summed into replica 0 in a fixed order, the solver updates
// replica 0 and the new weights are copied to the others. It returns the
// batch loss.
func (t *trainer) step(reps []*trainGraph, solver G.Solver, rows []int) (float64, error) {
	var total float64
	for _, i := range rows {
		total += t.weight(i)
	}
	share := reps[0].batch
	for r, tg := range reps {
		t.fill(tg, rows[min(r*share, len(rows)):min((r+1)*share, len(rows))], total)
	}
	losses := make([]float64, len(reps))
	errs := make([]error, len(reps))
	var wg sync.WaitGroup
	for r := 1; r < len(reps); r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			losses[r], errs[r] = reps[r].run()
		}()
	}
	losses[0], errs[0] = reps[0].run()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, fmt.Errorf("ml: training step: %w", err)
	}
	g0, err := reps[0].grads()
	if err != nil {
		return 0, err
	}
	loss := losses[0]
	for r := 1; r < len(reps); r++ {
		loss += losses[r]
		gr, err := reps[r].grads()
		if err != nil {
			return 0, err
		}
		for p := range g0 {
			for k, v := range gr[p] {
				g0[p][k] += v
			}
			clear(gr[p])
		}
	}
	if err := solver.Step(reps[0].model); err != nil {
		return 0, fmt.Errorf("ml: optimiser step: %w", err)
	}
	v0 := reps[0].values()
	for r := 1; r < len(reps); r++ {
		for p, v := range reps[r].values() {
			copy(v, v0[p])
		}
	}
	return loss, nil
}

// weight returns the loss weight of training row i.
func (t *trainer) weight(i int) float64 {
	if t.y[i] == 1 {
		return t.posW
	}
	return 1
}

// fill loads the training rows into the replica's input tensors, with
// weights divided by the batch total and zero-weight padding.
func (t *trainer) fill(tg *trainGraph, rows []int, total float64) {
	xb, yb, wb := tg.inputs()
	in := tg.in
	for r, i := range rows {
		copy(xb[r*in:(r+1)*in], t.x.row(i))
		yb[r] = float32(t.y[i])
		wb[r] = float32(t.weight(i) / total)
	}
	clear(xb[len(rows)*in:])
	clear(yb[len(rows):])
	clear(wb[len(rows):])
}

// weightedLoss is the class-weighted binary cross-entropy of logits z.
func weightedLoss(z, y []float64, posW float64) float64 {
	var sum, wsum float64
	for i, zi := range z {
		w, l := 1.0, logOnePlusExp(zi)
		if y[i] == 1 {
			w, l = posW, l-zi
		}
		sum += w * l
		wsum += w
	}
	return sum / wsum
}

// averageDecay returns the decay of the moving average of the weights for
// an epoch of steps optimiser steps: its horizon is half an epoch.
func averageDecay(steps int) float64 { return max(0, 1-2/float64(steps)) }

// average is an exponential moving average of the parameters (Polyak
// averaging), bias-corrected as in Adam so the first steps do not pull it
// towards zero. It smooths the step-to-step noise of the optimiser: the
// averaged weights reach a low validation loss in fewer epochs than the
// iterates themselves.
type average struct {
	beta float64
	pow  float64 // beta^steps
	sum  [][]float64
}

// newAverage returns an empty average of parameters shaped like vals.
func newAverage(vals [][]float32, beta float64) *average {
	a := &average{beta: beta, pow: 1}
	for _, v := range vals {
		a.sum = append(a.sum, make([]float64, len(v)))
	}
	return a
}

// update adds the parameters after one optimiser step.
func (a *average) update(vals [][]float32) {
	a.pow *= a.beta
	for p, v := range vals {
		s := a.sum[p]
		for k, x := range v {
			s[k] = a.beta*s[k] + (1-a.beta)*float64(x)
		}
	}
}

// copyInto writes the averaged parameters into net (same shapes, parameters
// in the order W0, b0, W1, b1, ...).
func (a *average) copyInto(net *network) {
	c := 1 / (1 - a.pow)
	for l := range net.Layers {
		for i, v := range a.sum[2*l] {
			net.Layers[l].W[i] = v * c
		}
		for i, v := range a.sum[2*l+1] {
			net.Layers[l].B[i] = v * c
		}
	}
}
