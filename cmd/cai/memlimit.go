package main

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is the binary's GOGC. Go's default (100) lets the heap grow
// to twice the live data before collecting; here the live data is mostly
// loaded tables and feature matrices, large pointer-free buffers that the
// collector does not scan, so collecting at +25% costs little CPU and
// keeps the peak close to the data: on 10M events the end-to-end run
// (load, CREATE MODEL, score) peaked at 5.0 GB with 100 and 3.2 GB with
// 25, in the same CPU time (bench/README.md).
const gcPercent = 25

// tuneMemory sets GOGC to gcPercent unless GOGC is set, and gives the
// runtime a soft memory limit of 80% of the machine's RAM unless
// GOMEMLIMIT is set, so that the collector works harder as a large
// PREDICT approaches the machine's size instead of meeting the OOM
// killer.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
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
