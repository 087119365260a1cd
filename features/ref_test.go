package features

// The implementation of Build before the columnar rewrite, kept as an
// exact reference: TestBuildMatchesReference compares the two.

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
)

// refBuilder carries the state of one Build pass.
type refBuilder struct {
	spec   *Spec
	layout *Layout
	res    *Result
	width  int
	kinds  int
	words  int // words of the active-days bitmap
	types  map[string]int
	n      int // profiles allocated
	snaps  []*refSnap
}

type refSnap struct {
	*Snapshot
	lastTS, firstTS []int64
	valCount        []int64
	active          []uint64
	extraN          [][]int64
}

// Build computes the features at every cutoff in one pass over batches.
// keys may be pre-filled (and Fixed) with the population.
func refBuild(ctx context.Context, spec *Spec, batches []arrow.RecordBatch, keys *Keys, cutoffs []int64, progress func(done, total int64)) (*Result, error) {
	if spec.Lookback <= 0 || spec.Window <= 0 {
		return nil, fmt.Errorf("lookback and window must be positive")
	}
	layout := NewLayout(spec)
	b := &refBuilder{spec: spec, layout: layout, width: layout.Width(), kinds: layout.kinds,
		words: int((spec.Lookback/Day)/64 + 1), types: map[string]int{},
		res: &Result{Keys: keys, Layout: layout, MinTS: math.MaxInt64, MaxTS: math.MinInt64}}
	for i, t := range spec.EventTypes {
		b.types[t] = i + 1
	}
	for _, c := range cutoffs {
		snap := &Snapshot{Cutoff: c, Extra: make([][]float64, len(spec.Extra))}
		b.res.Snapshots = append(b.res.Snapshots, snap)
		b.snaps = append(b.snaps, &refSnap{Snapshot: snap, extraN: make([][]int64, len(spec.Extra))})
	}
	b.grow(keys.Len())
	var total int64
	for _, rec := range batches {
		total += rec.NumRows()
	}
	var done int64
	for _, rec := range batches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := b.batch(rec); err != nil {
			return nil, err
		}
		done += rec.NumRows()
		if progress != nil {
			progress(done, total)
		}
	}
	b.grow(keys.Len())
	b.finish()
	b.trim(keys.Len())
	return b.res, nil
}

// grow makes room for n profiles in every snapshot.
func (b *refBuilder) grow(n int) {
	if n <= b.n {
		return
	}
	add := n - b.n
	for _, s := range b.snaps {
		s.X.Data = append(s.X.Data, make([]float64, add*b.width)...)
		s.X.Rows, s.X.Cols = n, b.width
		s.Label = append(s.Label, make([]float64, add)...)
		for i := 0; i < add*b.kinds; i++ {
			s.lastTS = append(s.lastTS, math.MinInt64)
			s.firstTS = append(s.firstTS, math.MaxInt64)
		}
		s.valCount = append(s.valCount, make([]int64, add*len(b.spec.ValueCols))...)
		s.active = append(s.active, make([]uint64, add*b.words)...)
		for a, agg := range b.spec.Extra {
			init := math.NaN()
			if agg.Func == "COUNT" || agg.Func == "COUNT(*)" {
				init = 0
			}
			for i := 0; i < add; i++ {
				s.Extra[a] = append(s.Extra[a], init)
			}
			s.extraN[a] = append(s.extraN[a], make([]int64, add)...)
		}
	}
	b.n = n
}

func (b *refBuilder) batch(rec arrow.RecordBatch) error {
	eb := expr.NewBatch(rec)
	ids, err := eb.Col(b.spec.IDCol)
	if err != nil {
		return err
	}
	tsv, err := eb.Col(b.spec.TSCol)
	if err != nil {
		return err
	}
	if tsv.Kind() != expr.KindTimestamp {
		return fmt.Errorf("timestamp column %q is %s, not TIMESTAMP", b.spec.Schema.Field(b.spec.TSCol).Name, expr.TypeName(tsv.DT))
	}
	goal, err := b.spec.Goal.Eval(eb)
	if err != nil {
		return fmt.Errorf("GOAL: %w", err)
	}
	var typ *expr.Vector
	if b.spec.TypeCol >= 0 {
		if typ, err = eb.Col(b.spec.TypeCol); err != nil {
			return err
		}
	}
	vals := make([]*expr.Vector, len(b.spec.ValueCols))
	for j, c := range b.spec.ValueCols {
		if vals[j], err = eb.Col(c); err != nil {
			return err
		}
	}
	type extraVecs struct{ arg, filter *expr.Vector }
	extra := make([]extraVecs, len(b.spec.Extra))
	for a, agg := range b.spec.Extra {
		if agg.Arg != nil {
			if extra[a].arg, err = agg.Arg.Eval(eb); err != nil {
				return fmt.Errorf("%s: %w", agg.Name, err)
			}
		}
		if agg.Filter != nil {
			if extra[a].filter, err = agg.Filter.Eval(eb); err != nil {
				return fmt.Errorf("%s: %w", agg.Name, err)
			}
		}
	}
	res := b.res
	for i := 0; i < eb.N; i++ {
		res.Events++
		if tsv.IsNull(i) {
			res.Skipped++
			continue
		}
		p := res.Keys.Add(ids, i)
		if p < 0 {
			if p != Unknown {
				res.Skipped++
			}
			continue
		}
		if int(p) >= b.n {
			b.grow(max(int(p)+1, b.n*2))
		}
		ts := tsv.I[i]
		res.MinTS = min(res.MinTS, ts)
		res.MaxTS = max(res.MaxTS, ts)
		isGoal := !goal.IsNull(i) && goal.B[i]
		kind := 0
		if typ != nil && !typ.IsNull(i) {
			kind = b.types[typ.S[i]]
		}
		for _, s := range b.snaps {
			d := s.Cutoff - ts
			if d <= 0 {
				if isGoal && -d < b.spec.Window {
					s.Label[p] = 1
				}
				continue
			}
			if d > b.spec.Lookback {
				continue
			}
			if isGoal {
				b.count(s, p, 0, d, ts)
				for j, v := range vals {
					if !v.IsNull(i) {
						f := v.Float(i)
						if !math.IsNaN(f) && !math.IsInf(f, 0) {
							s.X.Data[int(p)*b.width+b.layout.valueOff+2*j] += f
							s.valCount[int(p)*len(vals)+j]++
						}
					}
				}
			}
			if kind > 0 {
				b.count(s, p, kind, d, ts)
			}
			row := int(p) * b.width
			s.X.Data[row+b.layout.overall+1]++
			day := int((d - 1) / Day)
			s.active[int(p)*b.words+day/64] |= 1 << (day % 64)
			for a := range b.spec.Extra {
				b.extra(s, a, p, d, extra[a].arg, extra[a].filter, i)
			}
		}
	}
	return nil
}

// count updates the window counts and first/last times of one kind.
func (b *refBuilder) count(s *refSnap, p int32, kind int, d, ts int64) {
	base := int(p)*b.width + kind*b.layout.perKind
	x := s.X.Data
	x[base+fCountLB]++
	if d <= 7*Day {
		x[base+fCount7]++
	}
	if d <= 30*Day {
		x[base+fCount30]++
		x[base+fTrend]++
	} else if d <= 60*Day {
		x[base+fTrend]--
	}
	if d <= 90*Day {
		x[base+fCount90]++
	}
	k := int(p)*b.kinds + kind
	s.lastTS[k] = max(s.lastTS[k], ts)
	s.firstTS[k] = min(s.firstTS[k], ts)
}

func (b *refBuilder) extra(s *refSnap, a int, p int32, d int64, arg, filter *expr.Vector, i int) {
	agg := &b.spec.Extra[a]
	if d > agg.Over || filter != nil && (filter.IsNull(i) || !filter.B[i]) {
		return
	}
	out := s.Extra[a]
	if agg.Func == "COUNT(*)" {
		out[p]++
		return
	}
	if arg.IsNull(i) {
		return
	}
	if agg.Func == "COUNT" {
		out[p]++
		return
	}
	v := arg.Float(i)
	n := s.extraN[a]
	switch agg.Func {
	case "SUM", "AVG":
		if n[p] == 0 {
			out[p] = 0
		}
		out[p] += v
	case "MIN":
		if n[p] == 0 || v < out[p] {
			out[p] = v
		}
	case "MAX":
		if n[p] == 0 || v > out[p] {
			out[p] = v
		}
	}
	n[p]++
}

// finish turns times into day gaps, sums into averages, and bitmaps into
// active-day counts.
func (b *refBuilder) finish() {
	nv := len(b.spec.ValueCols)
	for _, s := range b.snaps {
		for p := 0; p < b.n; p++ {
			row := p * b.width
			for k := 0; k < b.kinds; k++ {
				base := row + k*b.layout.perKind
				last, first := s.lastTS[p*b.kinds+k], s.firstTS[p*b.kinds+k]
				if last == math.MinInt64 {
					s.X.Data[base+fDaysLast] = math.NaN()
					s.X.Data[base+fDaysFirst] = math.NaN()
					continue
				}
				s.X.Data[base+fDaysLast] = float64(s.Cutoff-floorSecond(last)) / float64(Day)
				s.X.Data[base+fDaysFirst] = float64(s.Cutoff-floorSecond(first)) / float64(Day)
			}
			for j := 0; j < nv; j++ {
				off := row + b.layout.valueOff + 2*j
				if c := s.valCount[p*nv+j]; c > 0 {
					s.X.Data[off+1] = s.X.Data[off] / float64(c)
				} else {
					s.X.Data[off+1] = math.NaN()
				}
			}
			days := 0
			for _, w := range s.active[p*b.words : (p+1)*b.words] {
				days += bits.OnesCount64(w)
			}
			s.X.Data[row+b.layout.overall] = float64(days)
		}
		for a, agg := range b.spec.Extra {
			if agg.Func == "AVG" {
				for p := 0; p < b.n; p++ {
					if n := s.extraN[a][p]; n > 0 {
						s.Extra[a][p] /= float64(n)
					}
				}
			}
		}
		s.lastTS, s.firstTS, s.valCount, s.active, s.extraN = nil, nil, nil, nil, nil
	}
}

// trim drops the rows grow allocated ahead of the profiles seen.
func (b *refBuilder) trim(n int) {
	for _, s := range b.snaps {
		s.X.Data = s.X.Data[:n*b.width]
		s.X.Rows = n
		s.Label = s.Label[:n]
		for a := range s.Extra {
			s.Extra[a] = s.Extra[a][:n]
		}
	}
}

// TestBuildMatchesReference compares Build with the reference
// implementation bit for bit on random tables: int and string
// identities, NULLs everywhere, a goal on the type column (fast path) and
// a general goal, extra aggregates of every kind, 1 and 3 workers.
func TestBuildMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		name    string
		strIDs  bool
		general bool // goal not a type test
		workers int
		fixed   bool // a closed population (a profile table), some ids outside it
	}{
		{"int ids", false, false, 1, false},
		{"int ids 3 workers", false, false, 3, false},
		{"string ids 2 workers", true, false, 2, false},
		{"general goal 2 workers", false, true, 2, false},
		{"string ids general goal", true, true, 1, false},
		{"fixed string ids 2 workers", true, false, 2, true},
		{"fixed int ids 3 workers", false, true, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := Workers
			Workers = tc.workers
			defer func() { Workers = old }()
			r := rand.New(rand.NewSource(7))
			types := []string{"view", "click", "cart", "purchase", "refund", ""}
			const n = 60_000 // above the single-worker threshold
			evs := make([]ev, n)
			id := int64(1)
			for i := range evs {
				if r.Intn(3) != 0 { // runs of one profile, like real tables
					id = 1 + r.Int63n(3000)
				}
				e := ev{id: id, sid: fmt.Sprintf("u%d", id), ts: pitBase + r.Int63n(pitSpan), typ: types[r.Intn(len(types))], val: float64(r.Intn(10000)) / 100}
				switch r.Intn(40) {
				case 0:
					e.idNull = true
				case 1:
					e.tsNull = true
				case 2:
					e.typNull = true
				case 3:
					e.valNull = true
				case 4:
					e.val = math.Inf(1)
				case 5:
					e.val = math.NaN()
				case 6:
					e.val = math.Copysign(0, -1)
				}
				if r.Intn(8) == 0 {
					c := pitBase + 200*Day
					e.ts = c + []int64{0, -1, 1, -7 * Day, -30 * Day, -60 * Day, -90 * Day, 30 * Day, -365 * Day}[r.Intn(9)]
				}
				evs[i] = e
			}
			schema := testSchema(tc.strIDs)
			goal := typeIs(t, schema, "purchase")
			if tc.general {
				goal = mustCompare(t, ">", col(schema, colVal), expr.FloatConst(50))
			}
			big := mustCompare(t, ">", col(schema, colVal), expr.FloatConst(20))
			spec := &Spec{
				Schema: schema, IDCol: colID, TSCol: colTS, TypeCol: colType,
				Goal: goal, ValueCols: []int{colVal, colVal}, EventTypes: []string{"view", "click", "cart", "purchase", "nothing"},
				Lookback: 120 * Day, Window: 30 * Day,
				Extra: []Agg{
					{Name: "n", Func: "COUNT(*)", Over: 30 * Day},
					{Name: "nbig", Func: "COUNT(*)", Filter: big, Over: 90 * Day},
					{Name: "nval", Func: "COUNT", Arg: col(schema, colVal), Over: 200 * Day},
					{Name: "sum", Func: "SUM", Arg: col(schema, colVal), Over: 30 * Day},
					{Name: "avg", Func: "AVG", Arg: col(schema, colVal), Filter: big, Over: 60 * Day},
					{Name: "min", Func: "MIN", Arg: col(schema, colVal), Over: 120 * Day},
					{Name: "max", Func: "MAX", Arg: col(schema, colVal), Over: 7 * Day},
				},
			}
			c := pitBase + 200*Day
			cutoffs := []int64{c, c - 30*Day, c + 45*Day + 3, c - 100*Day}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := makeBatches(mem, schema, evs, 7)
			defer releaseAll(recs)
			newKeys := func() *Keys {
				k := NewKeys(!tc.strIDs)
				if tc.fixed { // profiles 1..2500 of the 3000 with events, and some without
					var ids []any
					add := func(id int) {
						if tc.strIDs {
							ids = append(ids, fmt.Sprintf("u%d", id))
						} else {
							ids = append(ids, id)
						}
					}
					for id := 1; id <= 2500; id += 1 + id%2 {
						add(id)
					}
					for id := 5000; id < 5100; id++ {
						add(id)
					}
					k = fixedKeys(!tc.strIDs, ids...)
				}
				return k
			}
			got, err := Build(context.Background(), spec, recs, newKeys(), cutoffs, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := refBuild(context.Background(), spec, recs, newKeys(), cutoffs, nil)
			if err != nil {
				t.Fatal(err)
			}
			compareResults(t, got, want)
		})
	}
}

func compareResults(t *testing.T, got, want *Result) {
	t.Helper()
	if got.Events != want.Events || got.Skipped != want.Skipped || got.MinTS != want.MinTS || got.MaxTS != want.MaxTS {
		t.Fatalf("counts %d %d %d %d, want %d %d %d %d", got.Events, got.Skipped, got.MinTS, got.MaxTS, want.Events, want.Skipped, want.MinTS, want.MaxTS)
	}
	if got.Keys.Len() != want.Keys.Len() {
		t.Fatalf("keys %d, want %d", got.Keys.Len(), want.Keys.Len())
	}
	for p := 0; p < got.Keys.Len(); p++ {
		if got.Keys.String(int32(p)) != want.Keys.String(int32(p)) {
			t.Fatalf("key %d: %s, want %s", p, got.Keys.String(int32(p)), want.Keys.String(int32(p)))
		}
	}
	bitsEq := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	nonzero := 0
	for si, gs := range got.Snapshots {
		ws := want.Snapshots[si]
		if gs.X.Rows != ws.X.Rows || gs.X.Cols != ws.X.Cols || len(gs.X.Data) != len(ws.X.Data) {
			t.Fatalf("snapshot %d: shape %dx%d, want %dx%d", si, gs.X.Rows, gs.X.Cols, ws.X.Rows, ws.X.Cols)
		}
		for i, v := range gs.X.Data {
			if !bitsEq(v, ws.X.Data[i]) {
				t.Fatalf("snapshot %d profile %d column %s: %v, want %v", si, i/gs.X.Cols, got.Layout.Columns[i%gs.X.Cols].Name, v, ws.X.Data[i])
			}
			if v != 0 && !math.IsNaN(v) {
				nonzero++
			}
		}
		for p, v := range gs.Label {
			if v != ws.Label[p] {
				t.Fatalf("snapshot %d profile %d label %v, want %v", si, p, v, ws.Label[p])
			}
		}
		for a := range gs.Extra {
			for p, v := range gs.Extra[a] {
				if !bitsEq(v, ws.Extra[a][p]) {
					t.Fatalf("snapshot %d profile %d extra %d: %v, want %v", si, p, a, v, ws.Extra[a][p])
				}
			}
		}
	}
	if nonzero == 0 {
		t.Fatal("all features zero")
	}
}

// floorSecond truncates a timestamp to its whole second (toward the past):
// day gaps are measured between whole seconds.
func floorSecond(ts int64) int64 { return ts - ((ts%second)+second)%second }
