package features

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"testing"

	"github.com/cai-dev/cai/expr"
)

// The point-in-time property (DESIGN.md §4): for a cutoff T the features
// use only events in [T-lookback, T), the label only events in
// [T, T+window). On random event tables this test checks that
//
//   - adding, deleting or changing events at or after T never changes any
//     feature row (X and Extra) at T, both with T = the largest cutoff
//     (all snapshots) and for each cutoff on its own;
//   - adding, deleting or changing events outside [T, T+window) never
//     changes a label at T, and moving a goal event into [T, T+window)
//     sets it;
//   - every row equals a naive per-profile recomputation (oracle).

var pitTypes = []string{"view", "click", "cart", "purchase", "refund"}

const (
	pitProfiles = 50
	pitSpan     = 400 * Day
	pitLookback = 90 * Day
	pitWindow   = 30 * Day
	pitIters    = 200
)

// pitBase is 2024-01-01T00:00:00Z in microseconds.
const pitBase = int64(1704067200) * 1_000_000

func pitSpec(t testing.TB) *Spec {
	schema := testSchema(false)
	return &Spec{
		Schema:     schema,
		IDCol:      colID,
		TSCol:      colTS,
		TypeCol:    colType,
		Goal:       typeIs(t, schema, "purchase"),
		ValueCols:  []int{colVal},
		EventTypes: pitTypes,
		Lookback:   pitLookback,
		Window:     pitWindow,
		Extra:      []Agg{{Name: "spend_30d", Func: "SUM", Arg: col(schema, colVal), Over: 30 * Day}},
	}
}

// pitCutoffs picks 1-3 cutoffs inside the span, half of them at midnight.
func pitCutoffs(r *rand.Rand) []int64 {
	n := 1 + r.Intn(3)
	out := make([]int64, n)
	for i := range out {
		c := pitBase + 20*Day + r.Int63n(pitSpan-20*Day)
		if r.Intn(2) == 0 {
			c -= (c - pitBase) % Day
		}
		out[i] = c
	}
	return out
}

// pitTS is a random timestamp in the span, often on a boundary of some
// cutoff's windows (exactly T, T-lookback, T+window, T-7d, ... and ±1µs).
func pitTS(r *rand.Rand, cutoffs []int64) int64 {
	if r.Intn(4) == 0 {
		c := cutoffs[r.Intn(len(cutoffs))]
		offs := []int64{0, -pitLookback, pitWindow, -7 * Day, -30 * Day, -60 * Day, -90 * Day, -Day}
		return c + offs[r.Intn(len(offs))] + int64(r.Intn(3)-1)
	}
	return pitBase + r.Int63n(pitSpan)
}

func pitEvent(r *rand.Rand, id, ts int64) ev {
	e := ev{id: id, ts: ts, typ: pitTypes[r.Intn(len(pitTypes))], val: math.Round(r.Float64()*10000) / 100}
	if r.Intn(10) == 0 {
		e.valNull = true
	}
	if r.Intn(40) == 0 {
		e.typNull = true
	}
	if r.Intn(30) == 0 {
		e.typ = "other" // untracked event type
	}
	return e
}

func pitEvents(r *rand.Rand, cutoffs []int64) []ev {
	n := 50 + r.Intn(400)
	evs := make([]ev, n)
	for i := range evs {
		evs[i] = pitEvent(r, 1+r.Int63n(pitProfiles), pitTS(r, cutoffs))
		switch r.Intn(60) {
		case 0:
			evs[i].idNull = true
		case 1:
			evs[i].tsNull = true
		}
	}
	return evs
}

// mutate changes, deletes and adds events whose timestamp satisfies in;
// gen draws new timestamps satisfying in. Other events keep their
// content; new events land at random positions (so the order in which
// profiles are first seen, and thus Keys order, may change), some of
// them for profiles that do not exist yet (ids 51..55).
func mutate(r *rand.Rand, evs []ev, in func(int64) bool, gen func() int64) []ev {
	var out []ev
	for _, e := range evs {
		if e.tsNull || !in(e.ts) {
			out = append(out, e)
			continue
		}
		switch r.Intn(4) {
		case 0: // delete
		case 1: // change everything but the region
			e2 := pitEvent(r, 1+r.Int63n(pitProfiles+5), gen())
			out = append(out, e2)
		case 2: // change one field
			switch r.Intn(4) {
			case 0:
				e.ts = gen()
			case 1:
				e.typ, e.typNull = pitTypes[r.Intn(len(pitTypes))], false
			case 2:
				e.val, e.valNull = e.val+1+float64(r.Intn(100)), r.Intn(5) == 0
			case 3:
				e.id = 1 + r.Int63n(pitProfiles+5)
			}
			out = append(out, e)
		default:
			out = append(out, e)
		}
	}
	for range 1 + r.Intn(30) {
		e := pitEvent(r, 1+r.Int63n(pitProfiles+5), gen())
		at := r.Intn(len(out) + 1)
		out = slices.Insert(out, at, e)
	}
	return out
}

// rowOf returns profile id's feature row and extras at snapshot s, or the
// empty row when the profile is unknown to res.
func rowOf(spec *Spec, res *Result, s int, id string) (x, extra []float64, label float64) {
	p := profileIndex(res.Keys, id)
	if p < 0 {
		x, extra = emptyRow(spec, res.Layout)
		return x, extra, 0
	}
	snap := res.Snapshots[s]
	w := res.Layout.Width()
	x = snap.X.Data[p*w : (p+1)*w]
	for a := range spec.Extra {
		extra = append(extra, snap.Extra[a][p])
	}
	return x, extra, snap.Label[p]
}

func allIDs(a, b *Result) []string {
	seen := map[string]bool{}
	var ids []string
	for _, r := range []*Result{a, b} {
		for p := 0; p < r.Keys.Len(); p++ {
			if id := r.Keys.String(int32(p)); !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// sameFeatures fails unless every profile's features (and, with labels,
// its label) at the snapshots in which are identical in a and b.
func sameFeatures(t *testing.T, what string, spec *Spec, a, b *Result, which []int, features, labels bool) {
	t.Helper()
	for _, s := range which {
		for _, id := range allIDs(a, b) {
			xa, ea, la := rowOf(spec, a, s, id)
			xb, eb, lb := rowOf(spec, b, s, id)
			if features {
				for c := range xa {
					if !same(xa[c], xb[c]) {
						t.Fatalf("%s: cutoff %s profile %s column %s: %v before, %v after", what, expr.FormatTime(a.Snapshots[s].Cutoff), id, a.Layout.Columns[c].Name, xa[c], xb[c])
					}
				}
				for e := range ea {
					if !same(ea[e], eb[e]) {
						t.Fatalf("%s: cutoff %s profile %s extra %s: %v before, %v after", what, expr.FormatTime(a.Snapshots[s].Cutoff), id, spec.Extra[e].Name, ea[e], eb[e])
					}
				}
			}
			if labels && la != lb {
				t.Fatalf("%s: cutoff %s profile %s label: %v before, %v after", what, expr.FormatTime(a.Snapshots[s].Cutoff), id, la, lb)
			}
		}
	}
}

// oracle recomputes one profile's row at cutoff T from the definitions,
// independently of Build's routing.
func oracle(spec *Spec, l *Layout, idx map[string]int, evs []ev, id int64, T int64) (x, extra []float64, label float64) {
	x, extra = emptyRow(spec, l)
	ci := func(name string) int {
		i, ok := idx[name]
		if !ok {
			panic("no column " + name)
		}
		return i
	}
	kinds := append([]string{"goal"}, pitTypes...)
	last := make([]int64, len(kinds))
	first := make([]int64, len(kinds))
	for k := range kinds {
		last[k], first[k] = math.MinInt64, math.MaxInt64
	}
	var vsum float64
	var vn int
	days := map[int64]bool{}
	var esum float64
	var en int
	for _, e := range evs {
		if e.idNull || e.tsNull || e.id != id {
			continue
		}
		goal := !e.typNull && e.typ == "purchase"
		if e.ts >= T {
			if goal && e.ts < T+spec.Window {
				label = 1
			}
			continue
		}
		if e.ts < T-spec.Lookback {
			continue
		}
		d := T - e.ts
		var ks []int
		if goal {
			ks = append(ks, 0)
			if !e.valNull {
				vsum += e.val
				vn++
			}
		}
		if !e.typNull {
			if k := slices.Index(pitTypes, e.typ); k >= 0 {
				ks = append(ks, k+1)
			}
		}
		for _, k := range ks {
			code := kinds[k]
			if k > 0 {
				code = Code(code)
			}
			x[ci(code+"_count_lookback")]++
			if d <= 7*Day {
				x[ci(code+"_count_7d")]++
			}
			if d <= 30*Day {
				x[ci(code+"_count_30d")]++
				x[ci(code+"_trend_30d")]++
			} else if d <= 60*Day {
				x[ci(code+"_trend_30d")]--
			}
			if d <= 90*Day {
				x[ci(code+"_count_90d")]++
			}
			last[k] = max(last[k], e.ts)
			first[k] = min(first[k], e.ts)
		}
		x[ci("events_lookback")]++
		days[(d-1)/Day] = true
		if d <= 30*Day && !e.valNull {
			esum += e.val
			en++
		}
	}
	for k, name := range kinds {
		if last[k] == math.MinInt64 {
			continue
		}
		code := name
		if k > 0 {
			code = Code(code)
		}
		x[ci(code+"_days_since_last")] = float64(T-floorSecond(last[k])) / float64(Day)
		x[ci(code+"_days_since_first")] = float64(T-floorSecond(first[k])) / float64(Day)
	}
	x[ci("goal_value_sum")] = vsum
	if vn > 0 {
		x[ci("goal_value_avg")] = vsum / float64(vn)
	}
	x[ci("active_days")] = float64(len(days))
	if en > 0 {
		extra[0] = esum
	}
	return x, extra, label
}

func near(a, b float64) bool {
	if same(a, b) {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func checkOracle(t *testing.T, spec *Spec, res *Result, evs []ev) {
	t.Helper()
	idx := map[string]int{}
	for i, c := range res.Layout.Columns {
		idx[c.Name] = i
	}
	byID := map[int64][]ev{}
	for _, e := range evs {
		if !e.idNull {
			byID[e.id] = append(byID[e.id], e)
		}
	}
	for s, snap := range res.Snapshots {
		for p := 0; p < res.Keys.Len(); p++ {
			id := res.Keys.IntVals[p]
			wx, we, wl := oracle(spec, res.Layout, idx, byID[id], id, snap.Cutoff)
			gx, ge, gl := rowOf(spec, res, s, strconv.FormatInt(id, 10))
			for c := range wx {
				if !near(wx[c], gx[c]) {
					t.Fatalf("oracle: cutoff %s profile %d column %s: got %v, want %v", expr.FormatTime(snap.Cutoff), id, res.Layout.Columns[c].Name, gx[c], wx[c])
				}
			}
			if !near(we[0], ge[0]) {
				t.Fatalf("oracle: cutoff %s profile %d extra: got %v, want %v", expr.FormatTime(snap.Cutoff), id, ge[0], we[0])
			}
			if wl != gl {
				t.Fatalf("oracle: cutoff %s profile %d label: got %v, want %v", expr.FormatTime(snap.Cutoff), id, gl, wl)
			}
		}
	}
}

func TestPointInTime(t *testing.T) {
	spec := pitSpec(t)
	for seed := int64(1); seed <= pitIters; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewSource(seed))
			cutoffs := pitCutoffs(r)
			evs := pitEvents(r, cutoffs)
			nb := 1 + r.Intn(3)
			base := build(t, spec, evs, nb, nil, cutoffs)
			checkOracle(t, spec, base, evs)

			// Everything at or after the largest cutoff: no snapshot moves.
			tmax := slices.Max(cutoffs)
			all := make([]int, len(cutoffs))
			for i := range all {
				all[i] = i
			}
			after := func(T int64) (func(int64) bool, func() int64) {
				return func(ts int64) bool { return ts >= T }, func() int64 {
					switch r.Intn(5) {
					case 0:
						return T
					case 1:
						return T + int64(r.Intn(2)) // T or T+1µs
					}
					return T + r.Int63n(pitSpan/2)
				}
			}
			in, gen := after(tmax)
			mut := mutate(r, evs, in, gen)
			got := build(t, spec, mut, 1+r.Intn(3), nil, cutoffs)
			sameFeatures(t, "events >= T_max changed", spec, base, got, all, true, false)
			checkOracle(t, spec, got, mut)

			// Each cutoff on its own: events at or after T_i changed; the
			// snapshots at every cutoff <= T_i must not move.
			for i, T := range cutoffs {
				in, gen := after(T)
				mut := mutate(r, evs, in, gen)
				got := build(t, spec, mut, 1+r.Intn(3), nil, cutoffs)
				var which []int
				for j, c := range cutoffs {
					if c <= T {
						which = append(which, j)
					}
				}
				sameFeatures(t, fmt.Sprintf("events >= cutoff %d changed", i), spec, base, got, which, true, false)
			}

			// Labels: events outside [T, T+W) changed (before T or at or
			// after T+W) leave the labels at T alone.
			for i, T := range cutoffs {
				in := func(ts int64) bool { return ts < T || ts >= T+pitWindow }
				gen := func() int64 {
					switch r.Intn(6) {
					case 0:
						return T - 1
					case 1:
						return T + pitWindow
					case 2, 3:
						return pitBase + r.Int63n(T-pitBase)
					}
					return T + pitWindow + r.Int63n(pitSpan/2)
				}
				mut := mutate(r, evs, in, gen)
				got := build(t, spec, mut, 1+r.Intn(3), nil, cutoffs)
				sameFeatures(t, fmt.Sprintf("events outside [T, T+W) of cutoff %d changed", i), spec, base, got, []int{i}, false, true)
			}

			// Moving a purchase into [T, T+W) sets the label at T.
			for i, T := range cutoffs {
				if len(evs) == 0 {
					break
				}
				mut := slices.Clone(evs)
				j := r.Intn(len(mut))
				id := 1 + r.Int63n(pitProfiles)
				ts := T + r.Int63n(pitWindow)
				switch r.Intn(3) {
				case 0:
					ts = T
				case 1:
					ts = T + pitWindow - 1
				}
				mut[j] = ev{id: id, ts: ts, typ: "purchase", val: 1}
				got := build(t, spec, mut, 1+r.Intn(3), nil, cutoffs)
				p := profileIndex(got.Keys, strconv.FormatInt(id, 10))
				if p < 0 || got.Snapshots[i].Label[p] != 1 {
					t.Fatalf("purchase of profile %d moved to %s: label at cutoff %s not set", id, expr.FormatTime(ts), expr.FormatTime(T))
				}
				checkOracle(t, spec, got, mut)
			}
		})
	}
}
