package ml

import (
	"context"
	"sync"
	"testing"
)

// fixture is a trained model on synthetic data with held-out test rows,
// shared by the tests that only read it.
type fixture struct {
	cols             []Column
	train, val, test Dataset
	truthTest        []float64 // true logit of the test rows
	model            *Model
}

var (
	fixtureOnce sync.Once
	fixtureVal  *fixture
	fixtureErr  error
)

// sharedFixture trains the default model once per test binary.
func sharedFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		f := &fixture{}
		var ds Dataset
		var truth []float64
		f.cols, ds, truth = synth(16000, 12, 7, -2.2)
		f.train, f.val, f.test = ds.split(0, 8000), ds.split(8000, 12000), ds.split(12000, 16000)
		f.truthTest = truth[12000:]
		f.model, fixtureErr = Train(context.Background(), f.cols, f.train, f.val, Options{})
		fixtureVal = f
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureVal
}
