package measure

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	if got := Median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("odd: %v", got)
	}
	if got := Median([]time.Duration{4, 1, 3, 2}); got != 2 {
		t.Errorf("even: %v (mean of 2 and 3, in integer nanoseconds)", got)
	}
	if got := Median([]float64{}); got != 0 {
		t.Errorf("empty: %v", got)
	}
	v := []float64{3, 1, 2}
	Median(v)
	if v[0] != 3 {
		t.Error("Median sorted its argument")
	}
	if CPUTime() <= 0 {
		t.Error("no CPU time")
	}
}
