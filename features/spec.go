package features

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
)

// Day is one day in microseconds.
const Day = expr.MicrosPerDay

// Agg is an extra per-profile aggregate over the events of a window
// before the cutoff: a user feature from FEATURES (...) or a term of the
// HAVING eligibility condition.
type Agg struct {
	Name   string
	Func   string    // COUNT, COUNT(*), SUM, AVG, MIN, MAX
	Arg    expr.Expr // nil for COUNT(*)
	Filter expr.Expr // nil = all events
	Over   int64     // window length in microseconds before the cutoff
}

// Spec says which columns of the events play which role and what to
// compute.
type Spec struct {
	Schema     *arrow.Schema
	IDCol      int
	TSCol      int
	TypeCol    int // -1 without an event-type column
	Goal       expr.Expr
	ValueCols  []int    // numeric columns summarised over goal events
	EventTypes []string // tracked event types (frozen at training)
	Lookback   int64    // microseconds
	Window     int64    // microseconds
	Extra      []Agg
	// GoalName names the goal events in factor texts ("purchase" for
	// GOAL event_type = 'purchase'); empty means "goal".
	GoalName string
	// Pad adds this many columns, zero, after the Layout's in every row
	// of Snapshot.X, for the caller to fill in place (the engine puts
	// user features and profile attributes there) instead of copying
	// the matrix into a wider one.
	Pad int
	// Select, when set, is called once the events are accumulated, with
	// the Result whose snapshots hold Label, Extra and the lookback
	// counts (Layout.EventCount, GoalCount) of every profile but no X
	// yet. It returns, per snapshot, the ascending profile indexes whose
	// feature rows to build (Snapshot.Rows); other rows are never
	// materialised, which is what keeps a large population's training
	// sample and scoring in memory. It may also return dest, which gives
	// the slice (at least Layout.Width() + Pad long) that receives the row
	// of the r-th selected profile of snapshot s, so rows go straight where
	// the caller wants them (the engine: its train/validation/test
	// matrices) and Snapshot.X stays empty; dest is called from several
	// goroutines, once per (s, r), and must return disjoint slices. An
	// error stops Build.
	Select func(res *Result) (rows [][]int32, dest func(s, r int) []float64, err error)
}

// Layout names the columns of the automatic feature matrix.
type Layout struct {
	Columns []ml.Column
	// Describe holds, per column, a phrase for factor texts: "days since
	// the last purchase".
	Describe []string
	kinds    int // tracked kinds: goal + event types
	perKind  int
	valueOff int
	overall  int
}

// Offsets within one kind's block of columns.
const (
	fCount7 = iota
	fCount30
	fCount90
	fCountLB
	fTrend
	fDaysLast
	fDaysFirst
	perKindCols
)

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// Code makes a factor code from an event type: "commerce.purchases" →
// "commerce_purchases".
func Code(s string) string {
	c := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if c == "" {
		c = "x"
	}
	return c
}

// NewLayout describes the columns Build produces for spec.
func NewLayout(spec *Spec) *Layout {
	l := &Layout{kinds: 1 + len(spec.EventTypes), perKind: perKindCols}
	names := append([]string{"goal"}, spec.EventTypes...)
	for k, name := range names {
		code := Code(name)
		one := fmt.Sprintf("%q event", name)
		if k == 0 {
			code, one = "goal", "goal event"
			if spec.GoalName != "" {
				one = fmt.Sprintf("%q event", spec.GoalName)
			}
		}
		what := one + "s"
		add := func(suffix string, kind ml.Kind, group, desc string) {
			l.Columns = append(l.Columns, ml.Column{Name: code + "_" + suffix, Kind: kind, Group: code + "_" + group})
			l.Describe = append(l.Describe, desc)
		}
		add("count_7d", ml.KindCount, "frequency", what+" in the last 7 days")
		add("count_30d", ml.KindCount, "frequency", what+" in the last 30 days")
		add("count_90d", ml.KindCount, "frequency", what+" in the last 90 days")
		add("count_lookback", ml.KindCount, "frequency", what+" in the lookback")
		add("trend_30d", ml.KindNumeric, "trend", "change in "+what+" (last 30 days vs the 30 before)")
		add("days_since_last", ml.KindDays, "recency", "days since the last "+one)
		add("days_since_first", ml.KindDays, "tenure", "days since the first "+one)
	}
	l.valueOff = len(l.Columns)
	for _, c := range spec.ValueCols {
		name := spec.Schema.Field(c).Name
		code := Code(name)
		l.Columns = append(l.Columns,
			ml.Column{Name: "goal_" + code + "_sum", Kind: ml.KindAmount, Group: "goal_" + code},
			ml.Column{Name: "goal_" + code + "_avg", Kind: ml.KindAmount, Group: "goal_" + code})
		l.Describe = append(l.Describe, "total "+name+" of goal events in the lookback", "average "+name+" of goal events")
	}
	l.overall = len(l.Columns)
	l.Columns = append(l.Columns,
		ml.Column{Name: "active_days", Kind: ml.KindCount, Group: "activity"},
		ml.Column{Name: "events_lookback", Kind: ml.KindCount, Group: "activity"})
	l.Describe = append(l.Describe, "active days in the lookback", "events in the lookback")
	return l
}

// Width is the number of automatic feature columns.
func (l *Layout) Width() int { return len(l.Columns) }
