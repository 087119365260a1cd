package main

import (
	"bufio"

	"github.com/cai-dev/cai"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// tuneMemory keeps the collector's headroom small on large heaps
// (cai.TuneGC) unless GOGC is set, and gives the runtime a soft memory
// limit of 80% of the machine's RAM unless GOMEMLIMIT is set, so that the
// collector works harder as a large PREDICT approaches the machine's size
// instead of meeting the OOM killer.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		cai.TuneGC()
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if total := physicalMemory(); total > 0 {
		debug.SetMemoryLimit(total / 10 * 8)
	}
}

// physicalMemory reads MemTotal from /proc/meminfo (0 when unknown).
func physicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
