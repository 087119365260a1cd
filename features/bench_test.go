package features

import (
	"cmp"
	"context"
	"fmt"
	"math/rand"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkBuild1M: 1M events of 50k profiles over 400 days, 10 event
// types, 4 cutoffs 30 days apart, 365-day lookback, one extra SUM.
func BenchmarkBuild1M(b *testing.B) { benchBuild(b, false) }

// BenchmarkBuild1MClustered is BenchmarkBuild1M with each profile's
// events together (in time order), as exported event tables usually are.
func BenchmarkBuild1MClustered(b *testing.B) { benchBuild(b, true) }

func benchBuild(b *testing.B, clustered bool) {
	const (
		nEvents   = 1_000_000
		nProfiles = 50_000
		batchRows = 64 * 1024
	)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	types := make([]string, 10)
	for i := range types {
		types[i] = fmt.Sprintf("type_%d", i)
	}
	types[0] = "purchase"
	r := rand.New(rand.NewSource(1))
	evs := make([]ev, nEvents)
	for i := range evs {
		evs[i] = ev{id: 1 + r.Int63n(nProfiles), ts: pitBase + r.Int63n(pitSpan), typ: types[r.Intn(len(types))], val: float64(r.Intn(10000)) / 100}
		if r.Intn(10) == 0 {
			evs[i].valNull = true
		}
	}
	if clustered {
		slices.SortStableFunc(evs, func(x, y ev) int { return cmp.Or(cmp.Compare(x.id, y.id), cmp.Compare(x.ts, y.ts)) })
	}
	schema := testSchema(false)
	recs := makeBatches(mem, schema, evs, (nEvents+batchRows-1)/batchRows)
	defer releaseAll(recs)
	evs = nil
	spec := &Spec{
		Schema: schema, IDCol: colID, TSCol: colTS, TypeCol: colType,
		Goal:       typeIs(b, schema, "purchase"),
		ValueCols:  []int{colVal},
		EventTypes: types,
		Lookback:   365 * Day,
		Window:     30 * Day,
		Extra:      []Agg{{Name: "spend_30d", Func: "SUM", Arg: col(schema, colVal), Over: 30 * Day}},
	}
	end := pitBase + pitSpan
	cutoffs := []int64{end - 30*Day, end - 60*Day, end - 90*Day, end - 120*Day}
	run := func(b *testing.B, build func(context.Context, *Spec, []arrow.RecordBatch, *Keys, []int64, func(int64, int64)) (*Result, error)) {
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := cpuTime()
		for range b.N {
			res, err := build(context.Background(), spec, recs, NewKeys(true), cutoffs, nil)
			if err != nil {
				b.Fatal(err)
			}
			if res.Events != nEvents || res.Keys.Len() != nProfiles {
				b.Fatalf("events %d profiles %d", res.Events, res.Keys.Len())
			}
		}
		cpu := cpuTime() - cpu0
		b.ReportMetric(float64(nEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(nEvents)*float64(b.N)/cpu.Seconds(), "events/cpu-s")
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			old := Workers
			Workers = w
			defer func() { Workers = old }()
			run(b, Build)
		})
	}
	b.Run("reference", func(b *testing.B) { run(b, refBuild) })
}

// cpuTime is the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
