package features

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkBuild1M: 1M events of 50k profiles over 400 days, 10 event
// types, 4 cutoffs 30 days apart, 365-day lookback, one extra SUM.
func BenchmarkBuild1M(b *testing.B) {
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
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		res, err := Build(context.Background(), spec, recs, NewKeys(true), cutoffs, nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Events != nEvents || res.Keys.Len() != nProfiles {
			b.Fatalf("events %d profiles %d", res.Events, res.Keys.Len())
		}
	}
	b.ReportMetric(float64(nEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
