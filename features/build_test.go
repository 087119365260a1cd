package features

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
)

// Conventions of Build, checked below. With d = T - ts (microseconds):
//
//   - d <= 0 (ts >= T): the event is on the label side. It never reaches
//     the features at T; a goal event with -d < window (ts < T+window) sets
//     the label. So an event exactly at T counts for the label, one exactly
//     at T+window does not.
//   - d > lookback (ts < T-lookback): ignored. An event exactly at
//     T-lookback (d == lookback) is inside: the feature window is
//     [T-lookback, T), closed at its start like the design says.
//   - The 7/30/90-day counts use d <= n days, i.e. [T-n days, T): an event
//     exactly n days before T is in the n-day count.
//   - trend_30d = count in [T-30d, T) - count in [T-60d, T-30d).
//   - days_since_last/first = (T - ts) / 1 day, fractional, with ts
//     truncated to its whole second; NaN without events of that kind.
//   - active_days counts distinct 24-hour buckets (d-1)/day counted back
//     from T: calendar days only when T is at midnight.
//   - Extra aggregates use d <= Over, restricted to the lookback (an Over
//     longer than the lookback sees only the lookback; the engine rejects
//     such FEATURES).

// 2024-06-01T00:00:00Z.
const bT = int64(1717200000) * 1_000_000

const (
	hour = Day / 24
)

func boundarySpec(t testing.TB) *Spec {
	schema := testSchema(false)
	return &Spec{
		Schema:     schema,
		IDCol:      colID,
		TSCol:      colTS,
		TypeCol:    colType,
		Goal:       typeIs(t, schema, "purchase"),
		ValueCols:  []int{colVal},
		EventTypes: []string{"view", "purchase"},
		Lookback:   120 * Day,
		Window:     30 * Day,
	}
}

// value is column name of profile id at snapshot s.
func value(t *testing.T, res *Result, s int, id, name string) float64 {
	t.Helper()
	p := profileIndex(res.Keys, id)
	if p < 0 {
		t.Fatalf("no profile %s", id)
	}
	return res.Snapshots[s].X.Data[p*res.Layout.Width()+colIndex(t, res.Layout, name)]
}

func label(t *testing.T, res *Result, s int, id string) float64 {
	t.Helper()
	p := profileIndex(res.Keys, id)
	if p < 0 {
		t.Fatalf("no profile %s", id)
	}
	return res.Snapshots[s].Label[p]
}

func checkCols(t *testing.T, res *Result, s int, id string, want map[string]float64) {
	t.Helper()
	for name, w := range want {
		if got := value(t, res, s, id, name); !same(got, w) && math.Abs(got-w) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
}

func TestBuildWindowBoundaries(t *testing.T) {
	spec := boundarySpec(t)
	const us = 1
	// one purchase (value 5) of profile 1 at T+off
	tests := []struct {
		name  string
		off   int64
		c7    float64
		c30   float64
		c90   float64
		lb    float64
		trend float64
		label float64
	}{
		{"exactly T: label side", 0, 0, 0, 0, 0, 0, 1},
		{"T-1µs", -us, 1, 1, 1, 1, 1, 0},
		{"T-7d", -7 * Day, 1, 1, 1, 1, 1, 0},
		{"T-7d-1µs", -7*Day - us, 0, 1, 1, 1, 1, 0},
		{"T-30d", -30 * Day, 0, 1, 1, 1, 1, 0},
		{"T-30d-1µs", -30*Day - us, 0, 0, 1, 1, -1, 0},
		{"T-60d", -60 * Day, 0, 0, 1, 1, -1, 0},
		{"T-60d-1µs", -60*Day - us, 0, 0, 1, 1, 0, 0},
		{"T-90d", -90 * Day, 0, 0, 1, 1, 0, 0},
		{"T-90d-1µs", -90*Day - us, 0, 0, 0, 1, 0, 0},
		{"exactly T-lookback: inside", -120 * Day, 0, 0, 0, 1, 0, 0},
		{"T-lookback-1µs: ignored", -120*Day - us, 0, 0, 0, 0, 0, 0},
		{"T+window-1µs: label", 30*Day - us, 0, 0, 0, 0, 0, 1},
		{"exactly T+window: no label", 30 * Day, 0, 0, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := build(t, spec, []ev{{id: 1, ts: bT + tc.off, typ: "purchase", val: 5}}, 1, nil, []int64{bT})
			in := tc.lb > 0
			want := map[string]float64{"events_lookback": tc.lb, "active_days": tc.lb}
			for _, k := range []string{"goal", "purchase"} {
				want[k+"_count_7d"] = tc.c7
				want[k+"_count_30d"] = tc.c30
				want[k+"_count_90d"] = tc.c90
				want[k+"_count_lookback"] = tc.lb
				want[k+"_trend_30d"] = tc.trend
				if in {
					// times are kept to the second (floor)
					gap := float64(bT-floorSecond(bT+tc.off)) / float64(Day)
					want[k+"_days_since_last"] = gap
					want[k+"_days_since_first"] = gap
				} else {
					want[k+"_days_since_last"] = math.NaN()
					want[k+"_days_since_first"] = math.NaN()
				}
			}
			for _, c := range []string{"view_count_lookback", "view_count_7d"} {
				want[c] = 0
			}
			want["view_days_since_last"] = math.NaN()
			if in {
				want["goal_value_sum"], want["goal_value_avg"] = 5, 5
			} else {
				want["goal_value_sum"], want["goal_value_avg"] = 0, math.NaN()
			}
			checkCols(t, res, 0, "1", want)
			if got := label(t, res, 0, "1"); got != tc.label {
				t.Errorf("label = %v, want %v", got, tc.label)
			}
		})
	}
}

func TestBuildRecencyTrendValues(t *testing.T) {
	spec := boundarySpec(t)
	evs := []ev{
		{id: 1, ts: bT - 1*Day, typ: "purchase", val: 10},
		{id: 1, ts: bT - 10*Day, typ: "purchase", val: 20},
		{id: 1, ts: bT - 40*Day, typ: "purchase", valNull: true}, // counted, no value
		{id: 1, ts: bT - 45*Day, typ: "purchase", val: 30},
		{id: 1, ts: bT - 50*Day, typ: "purchase", val: math.NaN()}, // NaN values are skipped
		{id: 1, ts: bT - 2*Day + hour, typ: "view"},
		{id: 1, ts: bT - 2*Day, typ: "view"}, // same 24h bucket as the one above
		{id: 1, ts: bT - 100*Day, typ: "view"},
		{id: 1, ts: bT - 5*Day, typ: "other"},        // untracked type: only overall counts
		{id: 1, ts: bT - 5*Day + 1, typNull: true},   // NULL type: only overall counts
		{id: 1, ts: bT + Day, typ: "view", val: 1e6}, // after T: nothing
		{id: 2, ts: bT - 3*Day, typ: "view"},
	}
	res := build(t, spec, evs, 2, nil, []int64{bT})
	checkCols(t, res, 0, "1", map[string]float64{
		"goal_count_7d": 1, "goal_count_30d": 2, "goal_count_90d": 5, "goal_count_lookback": 5,
		"goal_trend_30d": 2 - 3, "goal_days_since_last": 1, "goal_days_since_first": 50,
		"purchase_count_7d": 1, "purchase_count_lookback": 5, "purchase_trend_30d": -1,
		"view_count_7d": 2, "view_count_30d": 2, "view_count_90d": 2, "view_count_lookback": 3,
		"view_trend_30d": 2, "view_days_since_last": 2 - 1.0/24, "view_days_since_first": 100,
		"goal_value_sum": 60, "goal_value_avg": 20,
		"events_lookback": 10,
		// buckets 0, 9, 39, 44, 49 (purchases), 1 (two views), 99, 4 (two)
		"active_days": 8,
	})
	checkCols(t, res, 0, "2", map[string]float64{
		"goal_count_lookback": 0, "goal_days_since_last": math.NaN(), "goal_value_sum": 0, "goal_value_avg": math.NaN(),
		"view_count_lookback": 1, "view_days_since_last": 3, "events_lookback": 1, "active_days": 1,
	})
	if res.Events != int64(len(evs)) || res.Skipped != 0 {
		t.Errorf("Events %d Skipped %d, want %d 0", res.Events, res.Skipped, len(evs))
	}
	if res.MinTS != bT-100*Day || res.MaxTS != bT+Day {
		t.Errorf("MinTS/MaxTS = %s/%s", expr.FormatTime(res.MinTS), expr.FormatTime(res.MaxTS))
	}
}

// Active days are 24-hour buckets counted back from the cutoff: with a
// noon cutoff, 11:00 and 23:00 of the day before are two "days".
func TestBuildActiveDaysNotCalendar(t *testing.T) {
	spec := boundarySpec(t)
	noon := bT + 12*hour
	evs := []ev{
		{id: 1, ts: bT - Day, typ: "view"},       // d = 24h at midnight: bucket 0
		{id: 1, ts: bT - Day - 1, typ: "view"},   // d = 24h+1µs: bucket 1
		{id: 2, ts: bT - 13*hour, typ: "view"},   // 2024-05-31 11:00
		{id: 2, ts: bT - hour, typ: "view"},      // 2024-05-31 23:00
		{id: 3, ts: noon - 120*Day, typ: "view"}, // first instant of the noon lookback
		{id: 3, ts: noon - 1, typ: "view"},       // after the midnight cutoff
	}
	res := build(t, spec, evs, 1, nil, []int64{noon, bT})
	for _, c := range []struct {
		s    int
		id   string
		want float64
	}{{0, "1", 1}, {0, "2", 2}, {0, "3", 2}, {1, "1", 2}, {1, "2", 1}, {1, "3", 1}} {
		if got := value(t, res, c.s, c.id, "active_days"); got != c.want {
			t.Errorf("cutoff %s profile %s: active_days = %v, want %v", expr.FormatTime(res.Snapshots[c.s].Cutoff), c.id, got, c.want)
		}
	}
}

func TestBuildSeveralCutoffsOnePass(t *testing.T) {
	spec := boundarySpec(t)
	evs := []ev{
		{id: 1, ts: bT - 10*Day, typ: "purchase", val: 1},
		{id: 1, ts: bT + 5*Day, typ: "purchase", val: 2},
		{id: 1, ts: bT + 50*Day, typ: "view"},
	}
	cut := []int64{bT, bT + 5*Day, bT + 40*Day}
	res := build(t, spec, evs, 3, nil, cut)
	for s, w := range []struct{ lb, label, last float64 }{{1, 1, 10}, {1, 1, 15}, {2, 0, 35}} {
		if got := value(t, res, s, "1", "goal_count_lookback"); got != w.lb {
			t.Errorf("cutoff %d: goal count %v, want %v", s, got, w.lb)
		}
		if got := label(t, res, s, "1"); got != w.label {
			t.Errorf("cutoff %d: label %v, want %v", s, got, w.label)
		}
		if got := value(t, res, s, "1", "goal_days_since_last"); got != w.last {
			t.Errorf("cutoff %d: days since last %v, want %v", s, got, w.last)
		}
		if res.Snapshots[s].Cutoff != cut[s] {
			t.Errorf("snapshot %d has cutoff %d", s, res.Snapshots[s].Cutoff)
		}
	}
}

func TestBuildIdentities(t *testing.T) {
	tests := []struct {
		name    string
		strCol  bool // identity column is VARCHAR
		intKeys bool
		evs     []ev
		ids     []string // Keys order
		skipped int64
	}{
		{"int identities", false, true, []ev{
			{id: 7, ts: bT - Day, typ: "view"},
			{idNull: true, ts: bT - Day, typ: "view"},
			{id: 3, tsNull: true, typ: "view"},
			{id: 3, ts: bT - Day, typ: "view"},
			{id: 7, ts: bT - 2*Day, typ: "view"},
		}, []string{"7", "3"}, 2},
		{"string identities, NULL and empty skipped", true, false, []ev{
			{sid: "bob", ts: bT - Day, typ: "view"},
			{sid: "", ts: bT - Day, typ: "view"},
			{idNull: true, ts: bT - Day, typ: "view"},
			{sid: "alice", tsNull: true, typ: "view"},
			{sid: "alice", ts: bT - Day, typ: "view"},
		}, []string{"bob", "alice"}, 3},
		{"int keys over a string column", true, true, []ev{
			{sid: "42", ts: bT - Day, typ: "view"},
			{sid: "x", ts: bT - Day, typ: "view"},
			{sid: "", ts: bT - Day, typ: "view"},
			{sid: "042", ts: bT - Day, typ: "view"}, // parses to the same 42
		}, []string{"42"}, 2},
		{"string keys over an int column", false, false, []ev{
			{id: 42, ts: bT - Day, typ: "view"},
			{id: -1, ts: bT - Day, typ: "view"},
		}, []string{"42", "-1"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := boundarySpec(t)
			spec.Schema = testSchema(tc.strCol)
			keys := NewKeys(tc.intKeys)
			res := build(t, spec, tc.evs, 2, keys, []int64{bT})
			var ids []string
			for p := 0; p < keys.Len(); p++ {
				ids = append(ids, keys.String(int32(p)))
			}
			if !equalStrings(ids, tc.ids) {
				t.Errorf("keys %q, want %q", ids, tc.ids)
			}
			if res.Skipped != tc.skipped || res.Events != int64(len(tc.evs)) {
				t.Errorf("Skipped %d Events %d, want %d %d", res.Skipped, res.Events, tc.skipped, len(tc.evs))
			}
			var total float64
			for _, id := range tc.ids {
				total += value(t, res, 0, id, "events_lookback")
			}
			// every event with a usable identity and timestamp counts
			if want := float64(int64(len(tc.evs)) - tc.skipped); total != want {
				t.Errorf("events counted %v, want %v", total, want)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func fixedKeys(isInt bool, ids ...any) *Keys {
	k := NewKeys(isInt)
	for _, id := range ids {
		var v *expr.Vector
		switch x := id.(type) {
		case int:
			v = expr.NewVector(expr.IntType, 1)
			v.I[0] = int64(x)
		case string:
			v = expr.NewVector(expr.StringType, 1)
			v.S[0] = x
		}
		k.Add(v, 0)
	}
	k.Fixed = true
	return k
}

func TestBuildFixedKeys(t *testing.T) {
	spec := boundarySpec(t)
	keys := fixedKeys(true, 1, 2)
	evs := []ev{
		{id: 3, ts: bT - Day, typ: "purchase", val: 1}, // not in the population: ignored, not skipped
		{id: 1, ts: bT - Day, typ: "purchase", val: 1},
		{idNull: true, ts: bT - Day, typ: "view"}, // skipped
		{id: 3, ts: bT + Day, typ: "purchase"},
	}
	res := build(t, spec, evs, 1, keys, []int64{bT})
	if keys.Len() != 2 || profileIndex(keys, "3") >= 0 {
		t.Fatalf("fixed keys grew: %d", keys.Len())
	}
	if res.Skipped != 1 || res.Events != 4 {
		t.Errorf("Skipped %d Events %d, want 1 4", res.Skipped, res.Events)
	}
	s := res.Snapshots[0]
	if s.X.Rows != 2 || len(s.Label) != 2 {
		t.Errorf("rows %d labels %d, want 2", s.X.Rows, len(s.Label))
	}
	checkCols(t, res, 0, "1", map[string]float64{"goal_count_lookback": 1, "events_lookback": 1})
	checkCols(t, res, 0, "2", map[string]float64{"goal_count_lookback": 0, "events_lookback": 0, "goal_days_since_last": math.NaN()})
	if label(t, res, 0, "1") != 0 || label(t, res, 0, "2") != 0 {
		t.Error("labels set from an unknown profile's goal event")
	}
	// MinTS/MaxTS cover the population's events only: the unknown
	// profile's event at T+1d does not count
	if res.MinTS != bT-Day || res.MaxTS != bT-Day {
		t.Errorf("MaxTS = %s", expr.FormatTime(res.MaxTS))
	}
}

// DESIGN §4: events whose identity is NULL or empty take no part and are
// reported as skipped, also with a Fixed population; identities outside
// the population are ignored without being counted. Regression test: when
// Keys.Add returned -1 for both, an empty identity was dropped like an
// unknown one and Skipped was 1.
func TestBuildFixedKeysEmptyIdentitySkipped(t *testing.T) {
	spec := boundarySpec(t)
	spec.Schema = testSchema(true)
	keys := fixedKeys(false, "alice")
	evs := []ev{
		{sid: "alice", ts: bT - Day, typ: "view"},
		{sid: "", ts: bT - Day, typ: "view"},
		{idNull: true, ts: bT - Day, typ: "view"},
		{sid: "mallory", ts: bT - Day, typ: "view"}, // outside the population: not skipped
	}
	res := build(t, spec, evs, 1, keys, []int64{bT})
	if res.Skipped != 2 {
		t.Errorf("Skipped = %d, want 2 (one NULL and one empty identity)", res.Skipped)
	}
}

// Snapshot.X "has one row per profile (Keys order)". Build grows its
// buffers by doubling; without trimming them, 3 profiles found in the
// events gave X.Rows, len(Label) and len(Extra[a]) of 4. The engine takes
// len(Label) as the population size (eligibility), so a padding row that
// passed HAVING (for example HAVING COUNT(*) >= 0 or SUM(x) IS NULL)
// reached keys.String(3) and panicked ("index out of range [3] with
// length 3"). Regression test for Build's trim.
func TestBuildRowsMatchKeys(t *testing.T) {
	spec := boundarySpec(t)
	spec.Extra = []Agg{{Name: "n", Func: "COUNT(*)", Over: 30 * Day}}
	for n := 1; n <= 9; n++ {
		var evs []ev
		for id := 1; id <= n; id++ {
			evs = append(evs, ev{id: int64(id), ts: bT - Day, typ: "view"})
		}
		res := build(t, spec, evs, 1, nil, []int64{bT})
		s := res.Snapshots[0]
		if s.X.Rows != res.Keys.Len() || len(s.X.Data) != res.Keys.Len()*s.X.Cols || len(s.Label) != res.Keys.Len() || len(s.Extra[0]) != res.Keys.Len() {
			t.Errorf("%d profiles: X.Rows %d, len(X.Data) %d, len(Label) %d, len(Extra[0]) %d; want %d rows",
				n, s.X.Rows, len(s.X.Data), len(s.Label), len(s.Extra[0]), res.Keys.Len())
		}
	}
}

func TestBuildExtraAggregates(t *testing.T) {
	spec := boundarySpec(t)
	schema := spec.Schema
	v := col(schema, colVal)
	purchase := typeIs(t, schema, "purchase")
	view := typeIs(t, schema, "view")
	evs := []ev{
		{id: 1, ts: bT - 1*Day, typ: "view", val: 10},
		{id: 1, ts: bT - 3*Day, typ: "purchase", val: 5},
		{id: 1, ts: bT - 8*Day, typ: "purchase", valNull: true},
		{id: 1, ts: bT - 20*Day, typ: "view", val: 7},
		{id: 1, ts: bT - 40*Day, typ: "purchase", val: 100},
		{id: 1, ts: bT - 200*Day, typ: "purchase", val: 999}, // beyond the lookback (120 days)
		{id: 1, ts: bT, typ: "purchase", val: 1000},          // at T: label side
		{id: 2, ts: bT - 60*Day, typ: "view", val: 3},        // only outside 30 days
	}
	nan := math.NaN()
	tests := []struct {
		agg   Agg
		want1 float64
		want2 float64
	}{
		{Agg{Name: "count_star", Func: "COUNT(*)", Over: 30 * Day}, 4, 0},
		{Agg{Name: "count_value", Func: "COUNT", Arg: v, Over: 30 * Day}, 3, 0},
		{Agg{Name: "count_purchase", Func: "COUNT(*)", Filter: purchase, Over: 30 * Day}, 2, 0},
		{Agg{Name: "count_value_purchase", Func: "COUNT", Arg: v, Filter: purchase, Over: 30 * Day}, 1, 0},
		{Agg{Name: "count_7d", Func: "COUNT(*)", Over: 7 * Day}, 2, 0},
		{Agg{Name: "count_8d_inclusive", Func: "COUNT(*)", Over: 8 * Day}, 3, 0},
		{Agg{Name: "sum", Func: "SUM", Arg: v, Over: 30 * Day}, 22, nan},
		{Agg{Name: "sum_purchase", Func: "SUM", Arg: v, Filter: purchase, Over: 30 * Day}, 5, nan},
		{Agg{Name: "sum_nothing", Func: "SUM", Arg: v, Filter: typeIs(t, schema, "nothing"), Over: 30 * Day}, nan, nan},
		{Agg{Name: "sum_only_nulls", Func: "SUM", Arg: v, Filter: &expr.IsNull{X: v}, Over: 30 * Day}, nan, nan},
		{Agg{Name: "count_star_nulls", Func: "COUNT(*)", Filter: &expr.IsNull{X: v}, Over: 30 * Day}, 1, 0},
		{Agg{Name: "avg", Func: "AVG", Arg: v, Over: 30 * Day}, 22.0 / 3, nan},
		{Agg{Name: "avg_purchase_10d", Func: "AVG", Arg: v, Filter: purchase, Over: 10 * Day}, 5, nan},
		{Agg{Name: "min", Func: "MIN", Arg: v, Over: 30 * Day}, 5, nan},
		{Agg{Name: "max", Func: "MAX", Arg: v, Over: 30 * Day}, 10, nan},
		{Agg{Name: "min_view_2d", Func: "MIN", Arg: v, Filter: view, Over: 2 * Day}, 10, nan},
		{Agg{Name: "max_lookback", Func: "MAX", Arg: v, Over: 120 * Day}, 100, 3},
		{Agg{Name: "sum_90d", Func: "SUM", Arg: v, Over: 90 * Day}, 122, 3},
		// longer than the lookback: still only the lookback (999 unseen)
		{Agg{Name: "max_365d", Func: "MAX", Arg: v, Over: 365 * Day}, 100, 3},
	}
	for _, tc := range tests {
		spec.Extra = append(spec.Extra, tc.agg)
	}
	res := build(t, spec, evs, 2, nil, []int64{bT})
	s := res.Snapshots[0]
	p1, p2 := profileIndex(res.Keys, "1"), profileIndex(res.Keys, "2")
	for a, tc := range tests {
		if got := s.Extra[a][p1]; !same(got, tc.want1) && math.Abs(got-tc.want1) > 1e-12 {
			t.Errorf("%s profile 1 = %v, want %v", tc.agg.Name, got, tc.want1)
		}
		if got := s.Extra[a][p2]; !same(got, tc.want2) {
			t.Errorf("%s profile 2 = %v, want %v", tc.agg.Name, got, tc.want2)
		}
	}
}

func TestBuildGoalExpression(t *testing.T) {
	// A goal that is not an event type: value > 50. NULL values are not
	// goal events. Without an event-type column (TypeCol -1) only the goal
	// and overall columns are filled.
	spec := boundarySpec(t)
	spec.TypeCol = -1
	spec.EventTypes = nil
	spec.Goal = mustCompare(t, ">", col(spec.Schema, colVal), expr.FloatConst(50))
	evs := []ev{
		{id: 1, ts: bT - Day, typ: "view", val: 60},
		{id: 1, ts: bT - 2*Day, typ: "purchase", val: 10},
		{id: 1, ts: bT - 3*Day, typ: "purchase", valNull: true},
		{id: 1, ts: bT + Day, typ: "view", valNull: true},
		{id: 2, ts: bT + Day, typ: "view", val: 51},
	}
	res := build(t, spec, evs, 1, nil, []int64{bT})
	if w := res.Layout.Width(); w != perKindCols+2+2 {
		t.Errorf("width %d without event types", w)
	}
	checkCols(t, res, 0, "1", map[string]float64{"goal_count_lookback": 1, "goal_value_sum": 60, "events_lookback": 3})
	if label(t, res, 0, "1") != 0 || label(t, res, 0, "2") != 1 {
		t.Errorf("labels %v %v, want 0 1", label(t, res, 0, "1"), label(t, res, 0, "2"))
	}
}

func TestBuildErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	spec := boundarySpec(t)
	recs := makeBatches(mem, spec.Schema, []ev{{id: 1, ts: bT - Day, typ: "view"}, {id: 2, ts: bT - Day, typ: "view"}}, 2)
	defer releaseAll(recs)
	ctx := context.Background()

	bad := *spec
	bad.Lookback = 0
	if _, err := Build(ctx, &bad, recs, NewKeys(true), []int64{bT}, nil); err == nil {
		t.Error("zero lookback accepted")
	}
	bad = *spec
	bad.Window = -1
	if _, err := Build(ctx, &bad, recs, NewKeys(true), []int64{bT}, nil); err == nil {
		t.Error("negative window accepted")
	}
	bad = *spec
	bad.TSCol = colVal
	if _, err := Build(ctx, &bad, recs, NewKeys(true), []int64{bT}, nil); err == nil {
		t.Error("DOUBLE timestamp column accepted")
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Build(cctx, spec, recs, NewKeys(true), []int64{bT}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}

	var calls []int64
	res, err := Build(ctx, spec, recs, NewKeys(true), []int64{bT}, func(done, total int64) {
		if total != 2 {
			t.Errorf("total %d", total)
		}
		calls = append(calls, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[1] != 2 || res.Events != 2 {
		t.Errorf("progress %v, events %d", calls, res.Events)
	}

	// no cutoffs, no batches
	res, err = Build(ctx, spec, nil, NewKeys(true), nil, nil)
	if err != nil || len(res.Snapshots) != 0 || res.Events != 0 {
		t.Errorf("empty build: %v %+v", err, res)
	}
}

// Timestamps in other units are scaled to microseconds.
func TestBuildTimestampUnits(t *testing.T) {
	for _, unit := range []arrow.TimeUnit{arrow.Second, arrow.Millisecond, arrow.Nanosecond} {
		t.Run(unit.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			spec := boundarySpec(t)
			fields := spec.Schema.Fields()
			fields[colTS].Type = &arrow.TimestampType{Unit: unit, TimeZone: "UTC"}
			spec.Schema = arrow.NewSchema(fields, nil)
			spec.Goal = typeIs(t, spec.Schema, "purchase")
			// build with a microsecond schema, then cast the column
			recs := makeBatches(mem, testSchema(false), []ev{
				{id: 1, ts: bT - 30*Day, typ: "purchase"},
				{id: 1, ts: bT, typ: "purchase"},
			}, 1)
			defer releaseAll(recs)
			scaled := rescale(t, mem, recs[0], spec.Schema, unit)
			defer scaled.Release()
			res, err := Build(context.Background(), spec, []arrow.RecordBatch{scaled}, NewKeys(true), []int64{bT}, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkCols(t, res, 0, "1", map[string]float64{"goal_count_30d": 1, "goal_days_since_last": 30})
			if label(t, res, 0, "1") != 1 {
				t.Error("label not set")
			}
		})
	}
}

// rescale returns rec with its microsecond timestamp column converted to
// unit, under schema.
func rescale(t *testing.T, mem memory.Allocator, rec arrow.RecordBatch, schema *arrow.Schema, unit arrow.TimeUnit) arrow.RecordBatch {
	t.Helper()
	src := rec.Column(colTS).(*array.Timestamp)
	b := array.NewTimestampBuilder(mem, schema.Field(colTS).Type.(*arrow.TimestampType))
	defer b.Release()
	for i := 0; i < src.Len(); i++ {
		us := int64(src.Value(i))
		switch unit {
		case arrow.Second:
			us /= 1_000_000
		case arrow.Millisecond:
			us /= 1000
		case arrow.Nanosecond:
			us *= 1000
		}
		b.Append(arrow.Timestamp(us))
	}
	ts := b.NewArray()
	defer ts.Release()
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		cols[i] = rec.Column(i)
	}
	cols[colTS] = ts
	return array.NewRecordBatch(schema, cols, rec.NumRows())
}

// Pad widens every row by zero columns after the layout's, and leaves
// the layout's values and the helpers that read them unchanged.
func TestBuildPad(t *testing.T) {
	evs := []ev{
		{id: 1, ts: bT - 10*Day, typ: "purchase", val: 1},
		{id: 2, ts: bT - 3*Day, typ: "view"},
		{id: 2, ts: bT - 2*Day, typ: "purchase", val: 4},
		{id: 3, ts: bT + 5*Day, typ: "purchase", val: 2},
	}
	cut := []int64{bT, bT + 10*Day}
	plain := build(t, boundarySpec(t), evs, 3, nil, cut)
	spec := boundarySpec(t)
	spec.Pad = 3
	padded := build(t, spec, evs, 3, nil, cut)
	w := plain.Layout.Width()
	for s := range cut {
		a, b := plain.Snapshots[s], padded.Snapshots[s]
		if b.X.Cols != w+3 || b.X.Rows != a.X.Rows {
			t.Fatalf("padded matrix is %dx%d, want %dx%d", b.X.Rows, b.X.Cols, a.X.Rows, w+3)
		}
		for r := 0; r < a.X.Rows; r++ {
			for j := 0; j < w+3; j++ {
				want := 0.0
				if j < w {
					want = a.X.At(r, j)
				}
				if got := b.X.At(r, j); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Errorf("cutoff %d row %d col %d: %v, want %v", s, r, j, got, want)
				}
			}
			if plain.Layout.EventCount(a, r) != padded.Layout.EventCount(b, r) || plain.Layout.GoalCount(a, r) != padded.Layout.GoalCount(b, r) {
				t.Errorf("cutoff %d row %d: event/goal counts differ with padding", s, r)
			}
		}
	}
	spec.Pad = -1
	if _, err := Build(context.Background(), spec, nil, NewKeys(true), cut, nil); err == nil {
		t.Error("negative Pad accepted")
	}
}

// Select sees every profile's counts, labels and extras before any row is
// built, and the rows it picks equal those of a full build.
func TestBuildSelect(t *testing.T) {
	evs := []ev{
		{id: 1, ts: bT - 10*Day, typ: "purchase", val: 1},
		{id: 2, ts: bT - 3*Day, typ: "view"},
		{id: 2, ts: bT - 2*Day, typ: "purchase", val: 4},
		{id: 3, ts: bT + 5*Day, typ: "purchase", val: 2},
		{id: 4, ts: bT - 40*Day, typ: "view"},
	}
	cut := []int64{bT, bT + 10*Day}
	full := build(t, boundarySpec(t), evs, 4, nil, cut)
	spec := boundarySpec(t)
	spec.Pad = 1
	var seen [][2]float64
	var dest func(s, r int) []float64 // nil: rows in Snapshot.X
	spec.Select = func(res *Result) ([][]int32, func(s, r int) []float64, error) {
		rows := make([][]int32, len(res.Snapshots))
		for si, s := range res.Snapshots {
			if s.X.Rows != 0 {
				t.Error("Select called after the rows were built")
			}
			for p := range s.Label {
				seen = append(seen, [2]float64{res.Layout.EventCount(s, p), res.Layout.GoalCount(s, p)})
				if res.Layout.GoalCount(s, p) > 0 { // buyers only
					rows[si] = append(rows[si], int32(p))
				}
			}
		}
		return rows, dest, nil
	}
	sel := build(t, spec, evs, 4, nil, cut)
	w := full.Layout.Width()
	for si, s := range sel.Snapshots {
		f := full.Snapshots[si]
		var want []int32
		for p := 0; p < f.X.Rows; p++ {
			if seen[si*len(f.Label)+p] != [2]float64{full.Layout.EventCount(f, p), full.Layout.GoalCount(f, p)} {
				t.Errorf("cutoff %d profile %d: Select saw other counts than the full build has", si, p)
			}
			if full.Layout.GoalCount(f, p) > 0 {
				want = append(want, int32(p))
			}
		}
		if len(want) == 0 || !slices.Equal(s.Rows, want) || s.X.Rows != len(want) || s.X.Cols != w+1 {
			t.Fatalf("cutoff %d: rows %v (%dx%d), want %v", si, s.Rows, s.X.Rows, s.X.Cols, want)
		}
		for r, p := range s.Rows {
			for j := 0; j < w; j++ {
				a, b := s.X.At(r, j), f.X.At(int(p), j)
				if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
					t.Errorf("cutoff %d profile %d col %d: %v, want %v", si, p, j, a, b)
				}
			}
		}
	}
	// dest: the same rows, written where the caller says (here: one
	// matrix for both snapshots, rows in reverse).
	total := 0
	for _, s := range sel.Snapshots {
		total += len(s.Rows)
	}
	dst := make([]float64, total*(w+1))
	seen = nil
	dest = func(si, r int) []float64 {
		i := total - 1 - r
		if si == 1 {
			i -= len(sel.Snapshots[0].Rows)
		}
		return dst[i*(w+1) : (i+1)*(w+1)]
	}
	into := build(t, spec, evs, 4, nil, cut)
	i := total - 1
	for si, s := range into.Snapshots {
		if s.X.Rows != 0 || !slices.Equal(s.Rows, sel.Snapshots[si].Rows) {
			t.Fatalf("with Dest: snapshot %d has X %dx%d and rows %v", si, s.X.Rows, s.X.Cols, s.Rows)
		}
		for r := range s.Rows {
			for j := 0; j < w; j++ {
				a, b := dst[i*(w+1)+j], sel.Snapshots[si].X.At(r, j)
				if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
					t.Fatalf("Dest row of snapshot %d row %d col %d: %v, want %v", si, r, j, a, b)
				}
			}
			i--
		}
	}
	for _, bad := range [][][]int32{{{0}}, {{1, 0}, {}}, {{0}, {9}}, {{-1}, {}}} {
		spec.Select = func(*Result) ([][]int32, func(s, r int) []float64, error) { return bad, nil, nil }
		if _, err := Build(context.Background(), spec, nil, fixedKeys(true, 1, 2), cut, nil); err == nil {
			t.Errorf("Select returning %v accepted", bad)
		}
	}
	stop := errors.New("stop")
	spec.Select = func(*Result) ([][]int32, func(s, r int) []float64, error) { return nil, nil, stop }
	if _, err := Build(context.Background(), spec, nil, fixedKeys(true, 1, 2), cut, nil); !errors.Is(err, stop) {
		t.Errorf("Select's error: got %v", err)
	}
}

// Windows longer than 32-bit seconds (136 years) still work, with a
// coarser time resolution for the day gaps.
func TestBuildVeryLongLookback(t *testing.T) {
	spec := boundarySpec(t)
	spec.Lookback = 300 * 365 * Day
	evs := []ev{
		{id: 1, ts: bT - 250*365*Day, typ: "purchase", val: 1},
		{id: 1, ts: bT - Day, typ: "purchase", val: 1},
	}
	res := build(t, spec, evs, 1, nil, []int64{bT})
	if got := value(t, res, 0, "1", "goal_count_lookback"); got != 2 {
		t.Fatalf("lookback count %v, want 2", got)
	}
	tick := float64(300*365*Day+spec.Window) / math.MaxUint32 / float64(Day) // days per tick, about
	for name, want := range map[string]float64{"goal_days_since_last": 1, "goal_days_since_first": 250 * 365} {
		if got := value(t, res, 0, "1", name); got < want || got > want+2*tick {
			t.Errorf("%s = %v, want %v (+ at most %.2g)", name, got, want, 2*tick)
		}
	}
}
