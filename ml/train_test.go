package ml

import (
	"context"
	"errors"
	"math"
	"runtime"
	"testing"
)

func TestTrainLearnsLogisticRule(t *testing.T) {
	f := sharedFixture(t)
	p := f.model.Predict(f.test.X)
	got := Evaluate(f.test.Y, p)
	best := Evaluate(f.test.Y, f.truthTest).AUC
	t.Logf("test AUC %.4f, true-rule AUC %.4f, info %+v", got.AUC, best, f.model.Info())
	if got.AUC < 0.8 {
		t.Errorf("test AUC = %.4f, want > 0.8", got.AUC)
	}
	if best-got.AUC > 0.03 {
		t.Errorf("test AUC %.4f is more than 0.03 below the true rule's %.4f", got.AUC, best)
	}
}

func TestTrainErrors(t *testing.T) {
	cols, ds, _ := synth(200, 3, 1, -1)
	allNeg := Dataset{X: ds.X, Y: make([]float64, 200)}
	allPos := Dataset{X: ds.X, Y: make([]float64, 200)}
	for i := range allPos.Y {
		allPos.Y[i] = 1
	}
	nanY := Dataset{X: ds.X, Y: append([]float64(nil), ds.Y...)}
	nanY.Y[5] = math.NaN()
	twoY := Dataset{X: ds.X, Y: append([]float64(nil), ds.Y...)}
	twoY.Y[7] = 2
	short := Dataset{X: ds.X, Y: ds.Y[:199]}
	ragged := Dataset{X: Matrix{Rows: 200, Cols: 3, Data: ds.X.Data[:599]}, Y: ds.Y}
	empty := Dataset{X: Matrix{Cols: 3}}
	tests := []struct {
		name       string
		cols       []Column
		train, val Dataset
		opt        Options
		want       error
	}{
		{"no positives", cols, allNeg, ds, Options{}, ErrNoPositives},
		{"no negatives", cols, allPos, ds, Options{}, ErrNoNegatives},
		{"empty train", cols, empty, ds, Options{}, ErrEmpty},
		{"empty val", cols, ds, empty, Options{}, ErrEmpty},
		{"NaN label", cols, nanY, ds, Options{}, ErrBadInput},
		{"label 2", cols, ds, twoY, Options{}, ErrBadInput},
		{"label count", cols, short, ds, Options{}, ErrBadInput},
		{"ragged matrix", cols, ragged, ds, Options{}, ErrBadInput},
		{"column count", cols[:2], ds, ds, Options{}, ErrBadInput},
		{"no columns", nil, ds, ds, Options{}, ErrBadInput},
		{"bad calibration", cols, ds, ds, Options{Calibration: "magic"}, ErrBadInput},
		{"bad hidden", cols, ds, ds, Options{Hidden: []int{8, 0}}, ErrBadInput},
		{"bad kind", []Column{{Name: "a"}, {Name: "b"}, {Name: "c", Kind: 99}}, ds, ds, Options{}, ErrBadInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Train(context.Background(), tc.cols, tc.train, tc.val, tc.opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestTrainErrorMessagesHaveCounts(t *testing.T) {
	cols, ds, _ := synth(150, 3, 1, -1)
	_, err := Train(context.Background(), cols, Dataset{X: ds.X, Y: make([]float64, 150)}, ds, Options{})
	if want := "0 positives among 150 rows"; err == nil || !contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to mention %q", err, want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestTrainDeterministic(t *testing.T) {
	cols, ds, _ := synth(3000, 6, 3, -1.5)
	train, val := ds.split(0, 2000), ds.split(2000, 3000)
	opt := Options{Epochs: 8, Seed: 11}
	a, err := Train(context.Background(), cols, train, val, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(context.Background(), cols, train, val, opt)
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.Predict(val.X), b.Predict(val.X)
	for i := range pa {
		if math.Float64bits(pa[i]) != math.Float64bits(pb[i]) {
			t.Fatalf("row %d: %v != %v with the same seed", i, pa[i], pb[i])
		}
	}
	// The CPU count must not matter either.
	prev := runtime.GOMAXPROCS(1)
	one, err := Train(context.Background(), cols, train, val, opt)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	p1 := one.Predict(val.X)
	for i := range pa {
		if math.Float64bits(pa[i]) != math.Float64bits(p1[i]) {
			t.Fatalf("row %d: %v with GOMAXPROCS=%d, %v with 1", i, pa[i], prev, p1[i])
		}
	}
	opt.Seed = 12
	c, err := Train(context.Background(), cols, train, val, opt)
	if err != nil {
		t.Fatal(err)
	}
	pc := c.Predict(val.X)
	same := true
	for i := range pa {
		same = same && pa[i] == pc[i]
	}
	if same {
		t.Error("a different seed gave identical predictions")
	}
}

func TestTrainCancel(t *testing.T) {
	cols, ds, _ := synth(4000, 6, 3, -1.5)
	train, val := ds.split(0, 3000), ds.split(3000, 4000)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, cols, train, val, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-cancelled: err = %v, want context.Canceled", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	epochs := 0
	_, err := Train(ctx, cols, train, val, Options{Epochs: 50, Patience: -1, Progress: func(s EpochStats) {
		epochs = s.Epoch
		if s.Epoch == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if epochs != 2 {
		t.Errorf("training ran %d epochs after cancelling at 2", epochs)
	}
}

func TestTrainEarlyStoppingKeepsBest(t *testing.T) {
	cols, ds, _ := synth(3000, 6, 5, -1.5)
	train, val := ds.split(0, 2000), ds.split(2000, 3000)
	var losses []float64
	m, err := Train(context.Background(), cols, train, val, Options{Epochs: 40, Patience: 3, LearningRate: 0.01,
		Progress: func(s EpochStats) { losses = append(losses, s.ValLoss) }})
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	if info.Epochs != len(losses) {
		t.Fatalf("info.Epochs = %d, progress saw %d", info.Epochs, len(losses))
	}
	minLoss, at := math.Inf(1), 0
	for i, l := range losses {
		if l < minLoss {
			minLoss, at = l, i+1
		}
	}
	if info.BestEpoch != at || info.ValLoss != minLoss {
		t.Errorf("kept epoch %d (loss %v), lowest was epoch %d (%v)", info.BestEpoch, info.ValLoss, at, minLoss)
	}
	// Training stops after 3 epochs without a decrease of at least the
	// default tolerance (0.1%) below the last such decrease.
	ref, stale, stop := math.Inf(1), 0, len(losses)
	for i, l := range losses {
		if l < ref*(1-1e-3) {
			ref, stale = l, 0
		} else if stale++; stale == 3 {
			stop = i + 1
			break
		}
	}
	if info.Epochs != stop {
		t.Errorf("stopped at epoch %d, want %d (losses %v)", info.Epochs, stop, losses)
	}
	if stop == 40 {
		t.Errorf("early stopping never triggered in 40 epochs (losses %v)", losses)
	}
	// The kept weights reproduce the best validation loss.
	z := m.PredictLogit(val.X)
	if got := weightedLoss(z, val.Y, info.PosWeight); math.Abs(got-minLoss) > 1e-12 {
		t.Errorf("validation loss of kept model %v, want %v", got, minLoss)
	}
}

func TestTrainTinyAndLogistic(t *testing.T) {
	cols, ds, _ := synth(60, 4, 9, 0)
	// Fewer rows than a batch, and no hidden layer.
	m, err := Train(context.Background(), cols, ds.split(0, 40), ds.split(40, 60), Options{Hidden: []int{}, Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.net.Layers) != 1 {
		t.Fatalf("%d layers, want 1", len(m.net.Layers))
	}
	for _, p := range m.Predict(ds.X) {
		if !(p > 0 && p < 1) {
			t.Fatalf("probability %v", p)
		}
	}
}

func TestOptionsForRows(t *testing.T) {
	tests := []struct {
		rows      int
		opt       Options
		batch     int
		learnRate float64
	}{
		{rows: 40, batch: 256, learnRate: 1.5e-3},
		{rows: 8000, batch: 256, learnRate: 1.5e-3},
		{rows: 32768, batch: 512, learnRate: 3e-3 * math.Sqrt(0.5)},
		{rows: 65593, batch: 1024, learnRate: 3e-3},
		{rows: 1e6, batch: 1024, learnRate: 3e-3},
		{rows: 1e6, opt: Options{BatchSize: 100}, batch: 100, learnRate: 3e-3 * math.Sqrt(100.0/1024)},
		{rows: 1e6, opt: Options{LearningRate: 0.01}, batch: 1024, learnRate: 0.01},
	}
	for _, tc := range tests {
		opt, err := tc.opt.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		opt = opt.forRows(tc.rows)
		if opt.BatchSize != tc.batch || math.Abs(opt.LearningRate-tc.learnRate) > 1e-15 {
			t.Errorf("%d rows, %+v: batch %d, learning rate %g; want %d, %g", tc.rows, tc.opt,
				opt.BatchSize, opt.LearningRate, tc.batch, tc.learnRate)
		}
	}
}
