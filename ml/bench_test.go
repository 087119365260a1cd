package ml

import (
	"context"
	"runtime"
	"runtime/metrics"
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

// BenchmarkTrainMemory500k trains one epoch on 500k rows × 100 columns
// (50k validation rows) and reports the bytes allocated per run and two
// peaks above the heap before the run (the input matrices alone take
// 440 MB), sampled every millisecond: of the heap (live objects and
// garbage not yet collected) and of the live heap found by the last GC.
func BenchmarkTrainMemory500k(b *testing.B) {
	cols, ds, _ := synth(550000, 100, 1, -1)
	train, val := ds.split(0, 500000), ds.split(500000, 550000)
	b.ReportAllocs()
	b.ResetTimer()
	var peak [2]uint64
	cpu0 := cpuTime()
	for range b.N {
		runtime.GC()
		base := heapSizes()
		done := make(chan [2]uint64)
		stop := make(chan struct{})
		go func() {
			var top [2]uint64
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				h := heapSizes()
				top = [2]uint64{max(top[0], h[0]), max(top[1], h[1])}
				select {
				case <-stop:
					done <- top
					return
				case <-tick.C:
				}
			}
		}()
		if _, err := Train(context.Background(), cols, train, val, Options{Epochs: 1}); err != nil {
			b.Fatal(err)
		}
		close(stop)
		top := <-done
		peak = [2]uint64{max(peak[0], top[0]-base[0]), max(peak[1], top[1]-base[1])}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak[0])/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peak[1])/1e6, "peak-live-MB")
}

// heapSizes returns the bytes of heap objects (live or not yet swept) and
// of the live heap marked by the last GC.
func heapSizes() [2]uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return [2]uint64{s[0].Value.Uint64(), s[1].Value.Uint64()}
}
