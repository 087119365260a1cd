package ml

import (
	"fmt"
	"math"
	"time"
)

// Calibration methods accepted in Options.Calibration.
const (
	CalibrationPlatt    = "platt"
	CalibrationIsotonic = "isotonic"
	CalibrationNone     = "none"
)

// Options control training. The zero value of every field selects its
// default.
type Options struct {
	// Hidden lists the widths of the ReLU hidden layers (default 64, 32).
	// A non-nil empty slice trains a logistic regression.
	Hidden []int
	// Epochs is the maximum number of passes over the training rows
	// (default 60).
	Epochs int
	// BatchSize is the mini-batch size. The default is a 64th of the
	// training rows, at least 256 and at most 1024: large batches make the
	// epochs of big data cheap, while small data still gets 64 optimiser
	// steps an epoch. The graph is built once for this size; it shrinks to
	// the row count for tiny data.
	BatchSize int
	// LearningRate is Adam's step size (default 3e-3·sqrt(BatchSize/1024):
	// 1.5e-3 for batches of 256, 3e-3 for 1024).
	LearningRate float64
	// L2 is the weight decay added to every gradient (default 1e-4; a
	// negative value disables it).
	L2 float64
	// Seed drives weight initialisation and batch shuffling (default 42;
	// 0 selects the default). Same seed and data give a bit-identical model.
	Seed int64
	// Patience is the number of epochs without a significant decrease of
	// the validation loss (see Tolerance) before training stops (default
	// 2; negative disables early stopping). The weights of the epoch with
	// the lowest validation loss are kept either way.
	Patience int
	// Tolerance is the relative decrease of the validation loss that counts
	// as an improvement for early stopping: an epoch improves when its loss
	// is below (1 − Tolerance) times the loss of the last improving epoch
	// (default 1e-3; negative: any decrease).
	Tolerance float64
	// NoClassWeight disables class weighting. By default positives are
	// weighted by the negative/positive ratio of the training split,
	// clamped to [1/50, 50], so rare goals are not ignored; calibration
	// undoes the resulting bias in the probabilities.
	NoClassWeight bool
	// Calibration is CalibrationPlatt (default), CalibrationIsotonic or
	// CalibrationNone.
	Calibration string
	// Progress, when set, is called after each epoch.
	Progress func(EpochStats)
}

// EpochStats reports one finished training epoch.
type EpochStats struct {
	Epoch, Epochs int     // 1-based epoch number and the configured maximum
	TrainLoss     float64 // mean weighted training loss over the epoch
	ValLoss       float64 // weighted validation loss after the epoch
	Best          bool    // the validation loss is the lowest so far
	Elapsed       time.Duration
}

const maxClassWeight = 50

func (o Options) withDefaults() (Options, error) {
	if o.Hidden == nil {
		o.Hidden = []int{64, 32}
	}
	for _, h := range o.Hidden {
		if h <= 0 {
			return o, fmt.Errorf("%w: hidden layer width %d", ErrBadInput, h)
		}
	}
	if o.Epochs <= 0 {
		o.Epochs = 60
	}
	if o.BatchSize < 0 {
		o.BatchSize = 0
	}
	if o.LearningRate < 0 {
		o.LearningRate = 0
	}
	switch {
	case o.L2 == 0:
		o.L2 = 1e-4
	case o.L2 < 0:
		o.L2 = 0
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	switch {
	case o.Tolerance == 0:
		o.Tolerance = 1e-3
	case o.Tolerance < 0:
		o.Tolerance = 0
	}
	switch {
	case o.Patience == 0:
		o.Patience = 2
	case o.Patience < 0:
		o.Patience = o.Epochs + 1
	}
	switch o.Calibration {
	case "":
		o.Calibration = CalibrationPlatt
	case CalibrationPlatt, CalibrationIsotonic, CalibrationNone:
	default:
		return o, fmt.Errorf("%w: calibration %q (want %q, %q or %q)", ErrBadInput,
			o.Calibration, CalibrationPlatt, CalibrationIsotonic, CalibrationNone)
	}
	return o, nil
}

// Batch-size defaults, see Options.BatchSize.
const (
	minDefaultBatch = 256
	maxDefaultBatch = 1024
	stepsPerEpoch   = 64
)

// forRows fills in the defaults that depend on the number of training rows
// (BatchSize, LearningRate).
func (o Options) forRows(n int) Options {
	if o.BatchSize == 0 {
		o.BatchSize = min(max(n/stepsPerEpoch, minDefaultBatch), maxDefaultBatch)
	}
	if o.LearningRate == 0 {
		o.LearningRate = 3e-3 * math.Sqrt(float64(o.BatchSize)/maxDefaultBatch)
	}
	return o
}
