package cai

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// GC headroom. Go collects when the heap has grown by GOGC percent of
// the data that survived the last collection (100% by default), so a
// process holding 6 GB of tables and feature matrices may take 12 GB.
// cai's large data are pointer-free Arrow buffers and float matrices that
// the collector does not scan, so collecting more often is cheap; what
// matters is the absolute headroom.
const (
	gcHeadroom   = 256 << 20 // bytes of growth allowed between collections on large heaps
	gcMinPercent = 4
	gcMaxPercent = 100
)

// gcPercentFor is the GOGC that allows about gcHeadroom of growth over
// live bytes of surviving data, within [gcMinPercent, gcMaxPercent].
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcMaxPercent
	}
	p := int(uint64(gcHeadroom) * 100 / live)
	return min(max(p, gcMinPercent), gcMaxPercent)
}

// TuneGC keeps the garbage collector's headroom near 256 MB on large heaps
// instead of Go's default of doubling: every 100 ms it sets GOGC from the
// live heap (100 up to 256 MB of live data, then lower: 25 at 1 GB, 5 at
// 5 GB, at least 4). On 50M events / 1M profiles this keeps the peak
// memory of training and scoring near the data instead of up to twice
// it, for a few percent more CPU in the collector (bench/README.md).
// Programs embedding cai on large data may call it from main; the cai
// command does unless GOGC is set. stop ends the tuning and restores the
// GOGC in effect before.
func TuneGC() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	prev := debug.SetGCPercent(gcMaxPercent)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		current := gcMaxPercent
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				continue
			}
			if p := gcPercentFor(sample[0].Value.Uint64()); p != current {
				debug.SetGCPercent(p)
				current = p
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		debug.SetGCPercent(prev)
	}
}
