package cai

import (
	"runtime/debug"
	"testing"
)

func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{{0, 100}, {100 << 20, 100}, {256 << 20, 100}, {1 << 30, 25}, {2 << 30, 12}, {5 << 30, 5}, {40 << 30, 4}} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
	old := debug.SetGCPercent(77)
	defer debug.SetGCPercent(old)
	stop := TuneGC()
	stop()
	if p := debug.SetGCPercent(old); p != 77 {
		t.Errorf("after stop GOGC is %d, want the previous 77", p)
	}
}
