package ml

import (
	"context"
	"sync"
	"testing"
	"time"
)

var (
	benchOnce  sync.Once
	benchModel *Model
	benchData  Dataset
)

// benchFixture trains one model on 50k×80 synthetic rows for the scoring
// benchmarks.
func benchFixture(b *testing.B) (*Model, Dataset) {
	b.Helper()
	benchOnce.Do(func() {
		cols, ds, _ := synth(60000, 80, 1, -2)
		m, err := Train(context.Background(), cols, ds.split(0, 50000), ds.split(50000, 60000), Options{Epochs: 3})
		if err != nil {
			b.Fatal(err)
		}
		benchModel, benchData = m, ds.split(0, 50000)
	})
	return benchModel, benchData
}

// BenchmarkTrain50k trains on 50k rows × 80 columns (10k validation rows)
// with the default options, early stopping included.
func BenchmarkTrain50k(b *testing.B) {
	cols, ds, _ := synth(60000, 80, 1, -2)
	train, val := ds.split(0, 50000), ds.split(50000, 60000)
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		m, err := Train(context.Background(), cols, train, val, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.Info().Epochs), "epochs")
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkTrainEpoch50k measures one epoch on 50k rows × 80 columns.
func BenchmarkTrainEpoch50k(b *testing.B) {
	cols, ds, _ := synth(60000, 80, 1, -2)
	train, val := ds.split(0, 50000), ds.split(50000, 60000)
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		if _, err := Train(context.Background(), cols, train, val, Options{Epochs: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

func BenchmarkPredict(b *testing.B) {
	m, ds := benchFixture(b)
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		m.Predict(ds.X)
	}
	reportRows(b, ds.X.Rows, cpu0)
}

func benchAttribute(b *testing.B, steps int) {
	m, ds := benchFixture(b)
	X := ds.split(0, 10000).X
	ref := m.Reference()
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		m.Attribute(X, ref, steps)
	}
	reportRows(b, X.Rows, cpu0)
}

// BenchmarkAttribute uses 20 midpoint steps.
func BenchmarkAttribute(b *testing.B) { benchAttribute(b, 20) }

// BenchmarkAttributeExact integrates exactly between ReLU switches.
func BenchmarkAttributeExact(b *testing.B) { benchAttribute(b, 0) }

// reportRows reports throughput in rows per wall second and per CPU second
// (the latter is what a dedicated core would give on a busy machine).
func reportRows(b *testing.B, rows int, cpu0 time.Duration) {
	total := float64(rows) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "rows/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(total/cpu, "rows/cpu-s")
	}
}
