package ml

import (
	"fmt"
	"runtime"
	"sync"
)

// Model is a trained, calibrated scorer. It is safe for concurrent use.
//
// Every method taking a Matrix expects one column per entry of Columns()
// in that order and panics on a mismatch, a programming error; call Check
// first when the shape comes from user input.
type Model struct {
	cols []Column
	prep *preprocessor
	net  *network
	cal  calibrator
	info TrainInfo
}

// TrainInfo summarises a training run.
type TrainInfo struct {
	Epochs      int     // epochs run before stopping
	BestEpoch   int     // epoch whose weights were kept
	ValLoss     float64 // class-weighted validation loss of the kept weights
	PosWeight   float64 // weight given to a positive training row
	Inputs      int     // model inputs after preprocessing, with missing indicators
	Calibration string  // calibration method applied
	// Note explains a fallback, such as calibration skipped because the
	// validation split holds a single class.
	Note                      string
	TrainRows, TrainPositives int
	ValRows, ValPositives     int
}

// Columns returns the input columns the model was trained on.
func (m *Model) Columns() []Column { return append([]Column(nil), m.cols...) }

// Info returns the training summary.
func (m *Model) Info() TrainInfo { return m.info }

// Reference returns the default reference profile in raw feature space: per
// column the median of the training rows' observed values, or NaN (missing)
// when more than half of the training rows miss the column.
func (m *Model) Reference() []float64 { return m.prep.reference() }

// Check reports whether X has the model's column count.
func (m *Model) Check(X Matrix) error { return X.check("matrix", len(m.cols)) }

func (m *Model) mustCheck(X Matrix) {
	if err := m.Check(X); err != nil {
		panic(err)
	}
}

// PredictLogit returns the uncalibrated logit of every row of X.
func (m *Model) PredictLogit(X Matrix) []float64 {
	m.mustCheck(X)
	out := make([]float64, X.Rows)
	parallelRows(X.Rows, func(lo, hi int) {
		buf := m.net.buffers()
		z := make([]float64, m.prep.Width)
		for i := lo; i < hi; i++ {
			m.prep.transformRow(X.Row(i), z)
			out[i] = m.net.logit(z, buf)
		}
	})
	return out
}

// PredictRaw returns the uncalibrated network output sigmoid(logit) of every
// row of X. With class weighting it overstates the positive rate.
func (m *Model) PredictRaw(X Matrix) []float64 {
	out := m.PredictLogit(X)
	for i, z := range out {
		out[i] = sigmoid(z)
	}
	return out
}

// Predict returns the calibrated probability of every row of X.
func (m *Model) Predict(X Matrix) []float64 {
	out := m.PredictLogit(X)
	for i, z := range out {
		out[i] = m.cal.apply(z)
	}
	return out
}

// logits runs the network on already preprocessed inputs.
func (n *network) logits(X Matrix) []float64 {
	out := make([]float64, X.Rows)
	parallelRows(X.Rows, func(lo, hi int) {
		buf := n.buffers()
		for i := lo; i < hi; i++ {
			out[i] = n.logit(X.Row(i), buf)
		}
	})
	return out
}

const (
	maxWorkers   = 8
	minChunkRows = 512
)

// parallelRows splits [0, rows) into contiguous chunks processed by up to
// GOMAXPROCS goroutines. Each row's result must not depend on the split.
func parallelRows(rows int, fn func(lo, hi int)) { parallelChunks(rows, minChunkRows, fn) }

// parallelChunks splits [0, n) into contiguous chunks of at least minChunk
// items processed by up to GOMAXPROCS goroutines.
func parallelChunks(n, minChunk int, fn func(lo, hi int)) {
	rows := n
	workers := min(runtime.GOMAXPROCS(0), maxWorkers, (rows+minChunk-1)/minChunk)
	if workers <= 1 {
		fn(0, rows)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := rows*w/workers, rows*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// String describes the model in one line.
func (m *Model) String() string {
	sizes := ""
	for _, d := range m.net.Layers {
		sizes += fmt.Sprintf("%d→", d.In)
	}
	return fmt.Sprintf("ml.Model{mlp %s1, %d columns, calibration %s}", sizes, len(m.cols), m.cal.Method)
}
