// Package measure holds what the benchmark programs share: process CPU
// time, medians of runs and the machine's load.
package measure

import (
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// CPUTime is the process's user + system CPU time so far (all threads).
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Median is the middle value of v (the mean of the two middle ones for an
// even count; zero for none). v is not changed.
func Median[T ~int64 | ~float64](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// LoadAvg is the 1, 5 and 15 minute load averages from /proc/loadavg, or
// "?".
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
