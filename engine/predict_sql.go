package engine

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/features"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// EXPLAIN (FORMAT SQL) PREDICT ... writes the feature plan of a PREDICT
// as one SQL query that another engine (DuckDB) can run against tables
// of the same names and columns. The query returns one row per eligible
// (profile, training cutoff): the identity, the cutoff, the label and
// every model input under cai's column name, so its result can be
// checked against (and timed against) features.Build.
//
// How each cai feature maps to SQL (T = the cutoff, k = a tracked kind:
// the goal condition, or event_type = 'x'; "in the lookback" = T -
// LOOKBACK <= ts < T, which the join with the cutoffs already ensures
// for every row at or before T):
//
//	k_count_7d/30d/90d  COUNT(*) FILTER (WHERE k AND ts >= since_nd AND ts < T), where
//	                    since_nd = T - n days is a column of the cutoffs (computed once)
//	k_count_lookback    COUNT(*) FILTER (WHERE k AND ts < T)
//	k_trend_30d         count in the last 30 days - count in the 30 before
//	k_days_since_last   date_diff('microsecond', date_trunc('second', MAX(ts) FILTER (...)), T) / 86400e6
//	                    (times to the whole second, as features.Build keeps them; NULL = cai's NaN)
//	k_days_since_first  the same with MIN(ts)
//	goal_v_sum, _avg    SUM / AVG of v over goal events in the lookback, NULL, NaN
//	                    and infinities skipped (isfinite); the sum is 0 without any
//	active_days         COUNT(DISTINCT (T - ts - 1 microsecond) // 1 day) in the lookback
//	events_lookback     COUNT(*) FILTER (WHERE ts < T)
//	FEATURES / HAVING   the aggregate with FILTER (WHERE ts >= T - OVER AND ts < T AND filter);
//	                    HAVING (or the default population) and WHERE filter the rows
//	label               1 when a goal event falls in [T, T + WITHIN) (CHURN: 0)
//	attributes          (FOR a profile table: every profile at every cutoff, counts 0
//	                    without events) numeric/bool as DOUBLE, timestamps as days
//	                    before T (NULL at or after T), strings one-hot over the
//	                    frozen levels (all NULL when the value is NULL)
//
// Not expressible, and said so in the query's header: the train /
// validation / test split (a seeded hash of the identity) and the
// max_rows sample. Expressions that cai and DuckDB evaluate differently
// (date_diff, days, ...) are written as cai reads them with a note.

// predictSpecIn is the PREDICT a statement runs (PREDICT, CREATE MODEL
// ... AS PREDICT, CREATE TABLE ... AS PREDICT), or nil.
func predictSpecIn(st ast.Stmt) *ast.PredictSpec {
	switch st := st.(type) {
	case *ast.Predict:
		return st.Spec
	case *ast.CreateModel:
		return st.Spec
	case *ast.CreateTable:
		if pr, ok := st.As.(*ast.Predict); ok {
			return pr.Spec
		}
	}
	return nil
}

// explainSQL answers EXPLAIN (FORMAT SQL): one row, column sql.
func (e *Engine) explainSQL(ctx context.Context, st *ast.Explain, params []any) (*Result, error) {
	spec := predictSpecIn(st.Stmt)
	if spec == nil {
		return nil, planner.Errorf(st.At, planner.ErrUnsupported, "EXPLAIN (FORMAT SQL) shows the feature plan of a PREDICT: use it with PREDICT ..., CREATE MODEL ... AS PREDICT ... or CREATE TABLE ... AS PREDICT ...")
	}
	b := e.binder(params)
	defer b.Release()
	p, err := e.prepare(b, spec)
	if err != nil {
		return nil, err
	}
	defer p.release()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, cutoffs, err := planCutoffs(p)
	if err != nil {
		return nil, err
	}
	types, attrs, err := planInputs(p)
	if err != nil {
		return nil, err
	}
	rb := e.newRows(col("sql", expr.StringType))
	rb.add(featureSQL(p, types, attrs, cutoffs))
	return rb.result(), nil
}

// sqlPlan writes the feature query of one prepared PREDICT.
type sqlPlan struct {
	p       *prepared
	types   []string
	attrs   []attrSpec
	cutoffs []int64
	notes   []string
	sb      strings.Builder

	id, ts  string      // the events' identity and timestamp columns, as SQL
	cut     string      // the cutoff column of the helper tables
	goal    string      // the goal flag column of snap
	outcome string      // the goal-in-the-outcome-window column of agg
	cols    []sqlColumn // the columns of agg
	windows []sqlWindow // the window starts of cutoffs
	taken   map[string]bool
}

// featureSQL is the feature plan of p as one SQL query.
func featureSQL(p *prepared, types []string, attrs []attrSpec, cutoffs []int64) string {
	s := &sqlPlan{p: p, types: types, attrs: attrs, cutoffs: cutoffs}
	s.id = sqlIdent(p.events.Schema.Field(p.idCol).Name)
	s.ts = sqlIdent(p.events.Schema.Field(p.tsCol).Name)
	s.taken = map[string]bool{}
	for _, f := range p.events.Schema.Fields() {
		s.taken[strings.ToLower(f.Name)] = true
	}
	s.cut = freshName("cutoff", s.taken)
	s.goal = freshName("is_goal", s.taken)
	s.outcome = freshName("outcome", s.taken)
	s.cols = s.aggColumns()
	s.cutoffsCTE()
	s.snapCTE()
	s.aggCTE()
	if p.profiles != nil {
		s.profilesCTE()
	}
	s.final()
	query := s.sb.String()
	s.sb.Reset()
	s.header()
	return s.sb.String() + query
}

// freshName is name, or name_2, name_3, ... when the events already have
// such a column.
func freshName(name string, taken map[string]bool) string {
	out := name
	for i := 2; taken[out]; i++ {
		out = fmt.Sprintf("%s_%d", name, i)
	}
	taken[out] = true
	return out
}

func (s *sqlPlan) printf(format string, args ...any) { fmt.Fprintf(&s.sb, format, args...) }

func (s *sqlPlan) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	for _, x := range s.notes {
		if x == n {
			return
		}
	}
	s.notes = append(s.notes, n)
}

func (s *sqlPlan) header() {
	p := s.p
	kind := strings.ToUpper(p.spec.Kind)
	s.printf("-- Feature plan of PREDICT %s (goal %s within %s, lookback %s) as SQL, written by cai.\n",
		kind, p.goal, expr.FormatDuration(p.window), expr.FormatDuration(p.lookback))
	s.printf("-- One row per eligible (profile, cutoff) at %d training cutoff(s): %s, cutoff, label and the model inputs\n",
		len(s.cutoffs), s.id)
	s.printf("-- under cai's names. Features see the events in [cutoff - %s, cutoff), the label those in\n", expr.FormatDuration(p.lookback))
	if p.churn {
		s.printf("-- [cutoff, cutoff + %s): label = 1 when no goal event falls there (CHURN).\n", expr.FormatDuration(p.window))
	} else {
		s.printf("-- [cutoff, cutoff + %s): label = 1 when a goal event falls there (CONVERSION).\n", expr.FormatDuration(p.window))
	}
	s.printf("-- Timestamps are UTC (SET TimeZone = 'UTC'). DuckDB dialect where standard SQL has no form:\n")
	s.printf("-- date_diff, isfinite, // (integer division).\n")
	s.printf("-- Not in this query: the 70/15/15 train/validation/test split (a seeded hash of the identity)\n")
	s.printf("-- and the max_rows sample of the training rows.\n")
	for _, n := range s.notes {
		s.printf("-- NOTE: %s\n", n)
	}
}

// since names the column of cutoffs that holds cutoff - d (d shorter
// than the lookback), adding it on first use.
func (s *sqlPlan) since(d int64) string {
	for _, w := range s.windows {
		if w.d == d {
			return w.name
		}
	}
	var name string
	switch {
	case d%features.Day == 0:
		name = fmt.Sprintf("since_%dd", d/features.Day)
	case d%(3600*expr.MicrosPerSecond) == 0:
		name = fmt.Sprintf("since_%dh", d/(3600*expr.MicrosPerSecond))
	default:
		name = fmt.Sprintf("since_%dus", d)
	}
	name = freshName(name, s.taken)
	s.windows = append(s.windows, sqlWindow{d: d, name: name})
	return name
}

// sqlWindow is a window start column of cutoffs: cutoff - d.
type sqlWindow struct {
	d    int64
	name string
}

func (s *sqlPlan) cutoffsCTE() {
	s.printf("-- The training cutoffs and the starts of the windows before them.\n")
	s.printf("WITH cutoffs AS (\n  SELECT %s", s.cut)
	slices.SortFunc(s.windows, func(a, b sqlWindow) int { return cmp.Compare(a.d, b.d) })
	for _, w := range s.windows {
		s.printf(",\n    %s - %s AS %s", s.cut, sqlInterval(w.d), w.name)
	}
	s.printf("\n  FROM (VALUES ")
	for i, c := range s.cutoffs {
		if i > 0 {
			s.printf(",\n               ")
		}
		s.printf("(%s)", sqlTime(c))
	}
	s.printf(") AS t (%s)\n),\n", s.cut)
}

// snapCTE pairs every usable event with each cutoff whose lookback or
// outcome window holds it.
func (s *sqlPlan) snapCTE() {
	p := s.p
	s.printf("-- Each event with a usable identity, at every cutoff whose lookback or outcome window holds it.\n")
	s.printf("snap AS (\n  SELECT c.*, e.*,\n    COALESCE(%s, FALSE) AS %s\n", s.expr(p.goal, s.bare), s.goal)
	s.printf("  FROM %s AS e\n  JOIN cutoffs AS c\n", sqlIdent(p.spec.Events))
	s.printf("    ON e.%s >= c.%s - %s AND e.%s < c.%s + %s\n", s.ts, s.cut, sqlInterval(p.lookback), s.ts, s.cut, sqlInterval(p.window))
	s.printf("  WHERE e.%s IS NOT NULL", s.id)
	if expr.KindOf(p.events.Schema.Field(p.idCol).Type) == expr.KindString {
		s.printf(" AND e.%s <> ''", s.id)
	}
	s.printf("\n),\n")
}

// sqlColumn is one output column of agg.
type sqlColumn struct {
	name, sql string
	count     bool // 0 for profiles without events (profile table)
}

func (s *sqlPlan) aggColumns() []sqlColumn {
	p := s.p
	var out []sqlColumn
	add := func(name, sql string, count bool) {
		out = append(out, sqlColumn{name: name, sql: sql, count: count})
	}
	before := func(d int64) string { // ts in [T - d, T)
		if d >= p.lookback {
			return fmt.Sprintf("%s < %s", s.ts, s.cut)
		}
		return fmt.Sprintf("%s >= %s AND %s < %s", s.ts, s.since(d), s.ts, s.cut)
	}
	days := func(agg string) string {
		// cai keeps these times to the whole second (features.Build)
		return fmt.Sprintf("date_diff('microsecond', date_trunc('second', %s), %s) / %d.0", agg, s.cut, features.Day)
	}
	type kind struct{ code, cond string }
	kinds := []kind{{"goal", s.goal}}
	seen := map[string]bool{"goal": true}
	for _, t := range s.types {
		code := features.Code(t)
		if seen[code] {
			s.note("event types %s share the column names %s_* (cai tells them apart by position)", strconv.Quote(t), code)
		}
		seen[code] = true
		kinds = append(kinds, kind{code, fmt.Sprintf("%s = %s", sqlIdent(p.events.Schema.Field(p.typeCol).Name), sqlString(t))})
	}
	day := features.Day
	for _, k := range kinds {
		cnt := func(window string) string {
			return fmt.Sprintf("COUNT(*) FILTER (WHERE %s AND %s)", k.cond, window)
		}
		add(k.code+"_count_7d", cnt(before(7*day)), true)
		add(k.code+"_count_30d", cnt(before(30*day)), true)
		add(k.code+"_count_90d", cnt(before(90*day)), true)
		add(k.code+"_count_lookback", cnt(before(p.lookback)), true)
		var prev string // the 30 days before the last 30, within the lookback
		switch {
		case p.lookback <= 30*day:
			prev = "FALSE"
		case p.lookback < 60*day:
			prev = fmt.Sprintf("%s < %s", s.ts, s.since(30*day))
		default:
			prev = fmt.Sprintf("%s >= %s AND %s < %s", s.ts, s.since(60*day), s.ts, s.since(30*day))
		}
		add(k.code+"_trend_30d", cnt(before(30*day))+"\n      - "+cnt(prev), true)
		add(k.code+"_days_since_last", days(fmt.Sprintf("MAX(%s) FILTER (WHERE %s AND %s)", s.ts, k.cond, before(p.lookback))), false)
		add(k.code+"_days_since_first", days(fmt.Sprintf("MIN(%s) FILTER (WHERE %s AND %s)", s.ts, k.cond, before(p.lookback))), false)
	}
	for _, c := range p.valueCols {
		f := p.events.Schema.Field(c)
		v := sqlIdent(f.Name)
		cond := fmt.Sprintf("%s AND %s", s.goal, before(p.lookback))
		if expr.KindOf(f.Type) == expr.KindFloat {
			cond += fmt.Sprintf(" AND isfinite(%s)", v)
		}
		code := features.Code(f.Name)
		add("goal_"+code+"_sum", fmt.Sprintf("COALESCE(SUM(%s) FILTER (WHERE %s), 0)", v, cond), true)
		add("goal_"+code+"_avg", fmt.Sprintf("AVG(%s) FILTER (WHERE %s)", v, cond), false)
	}
	add("active_days", fmt.Sprintf("COUNT(DISTINCT (date_diff('microsecond', %s, %s) - 1) // %d) FILTER (WHERE %s)", s.ts, s.cut, day, before(p.lookback)), true)
	add("events_lookback", fmt.Sprintf("COUNT(*) FILTER (WHERE %s)", before(p.lookback)), true)
	for _, a := range append(append([]features.Agg{}, p.havAggs...), p.userAggs...) {
		cond := before(a.Over)
		if a.Filter != nil {
			cond += " AND " + s.expr(a.Filter, s.bare)
		}
		var call string
		switch a.Func {
		case "COUNT(*)":
			call = "COUNT(*)"
		default:
			call = fmt.Sprintf("%s(%s)", a.Func, s.expr(a.Arg, s.bare))
		}
		isCount := a.Func == "COUNT(*)" || a.Func == "COUNT"
		add(a.Name, fmt.Sprintf("%s FILTER (WHERE %s)", call, cond), isCount)
	}
	add(s.outcome, fmt.Sprintf("CASE WHEN COUNT(*) FILTER (WHERE %s AND %s >= %s) > 0 THEN 1 ELSE 0 END", s.goal, s.ts, s.cut), true)
	return out
}

func (s *sqlPlan) aggCTE() {
	s.printf("-- Per profile and cutoff, the aggregates of its events.\n")
	s.printf("agg AS (\n  SELECT %s, %s", s.id, s.cut)
	for _, c := range s.cols {
		s.printf(",\n    %s AS %s", c.sql, sqlIdent(c.name))
	}
	s.printf("\n  FROM snap\n  GROUP BY %s, %s\n)", s.id, s.cut)
	if s.p.profiles == nil {
		s.printf("\n")
		return
	}
	s.printf(",\n")
}

// profilesCTE gives every profile of the profile table a row at every
// cutoff (zero counts without events), with its attributes; WHERE
// filters the profiles.
func (s *sqlPlan) profilesCTE() {
	p := s.p
	key := sqlIdent(p.profiles.Schema.Field(p.keyCol).Name)
	keyExpr := "p." + key
	idKind := expr.KindOf(p.events.Schema.Field(p.idCol).Type)
	if kk := expr.KindOf(p.profiles.Schema.Field(p.keyCol).Type); kk != idKind {
		keyExpr = fmt.Sprintf("CAST(p.%s AS %s)", key, expr.TypeName(p.events.Schema.Field(p.idCol).Type))
		s.note("the profile key is cast to the type of the events' identity; cai skips keys that do not convert, CAST fails on them")
	}
	s.printf("-- Every profile of %s at every cutoff, with its attributes.\n", p.spec.Profiles)
	s.printf("profile_rows AS (\n  SELECT %s AS %s, c.%s", keyExpr, s.id, s.cut)
	for _, c := range s.cols {
		v := "a." + sqlIdent(c.name)
		if c.count {
			v = fmt.Sprintf("COALESCE(%s, 0)", v)
		}
		s.printf(",\n    %s AS %s", v, sqlIdent(c.name))
	}
	for _, a := range s.attrs {
		s.attrColumns(a)
	}
	s.printf("\n  FROM %s AS p\n  CROSS JOIN cutoffs AS c\n", sqlIdent(p.spec.Profiles))
	s.printf("  LEFT JOIN agg AS a ON a.%s = %s AND a.%s = c.%s\n", s.id, keyExpr, s.cut, s.cut)
	s.printf("  WHERE p.%s IS NOT NULL", key)
	if idKind == expr.KindString {
		s.printf(" AND %s <> ''", keyExpr)
	}
	if p.where != nil {
		s.printf("\n    AND %s", s.expr(p.where, s.profileCol))
	}
	s.printf("\n)\n")
}

func (s *sqlPlan) attrColumns(a attrSpec) {
	c := "p." + sqlIdent(a.Column)
	code := features.Code(a.Column)
	switch a.Kind {
	case "numeric", "bool":
		s.printf(",\n    CAST(%s AS DOUBLE) AS %s", c, sqlIdent(code))
	case "days":
		s.printf(",\n    CASE WHEN %s < c.%s THEN date_diff('microsecond', %s, c.%s) / %d.0 END AS %s", c, s.cut, c, s.cut, features.Day, sqlIdent(code+"_days"))
	case "categorical":
		var lits []string
		for _, l := range a.Levels {
			s.printf(",\n    CASE WHEN %s IS NULL THEN NULL WHEN %s = %s THEN 1.0 ELSE 0.0 END AS %s", c, c, sqlString(l), sqlIdent(code+"="+l))
			lits = append(lits, sqlString(l))
		}
		other := "FALSE"
		if len(lits) > 0 {
			other = fmt.Sprintf("%s IN (%s)", c, strings.Join(lits, ", "))
		}
		s.printf(",\n    CASE WHEN %s IS NULL THEN NULL WHEN %s THEN 0.0 ELSE 1.0 END AS %s", c, other, sqlIdent(code+"=other"))
	}
}

// final selects the eligible rows and the output columns.
func (s *sqlPlan) final() {
	p := s.p
	from := "agg"
	if p.profiles != nil {
		from = "profile_rows"
	}
	s.printf("SELECT %s, %s", s.id, s.cut)
	if s.cut != "cutoff" {
		s.printf(" AS cutoff")
	}
	s.printf(",\n  ")
	if p.churn {
		s.printf("1 - %s AS label", s.outcome)
	} else {
		s.printf("%s AS label", s.outcome)
	}
	var names []string
	for _, c := range s.cols {
		if c.name == s.outcome || s.isHaving(c.name) {
			continue
		}
		names = append(names, sqlIdent(c.name))
	}
	for _, c := range attrNames(s.attrs) {
		names = append(names, sqlIdent(c))
	}
	for i, n := range names {
		if i%6 == 0 {
			s.printf(",\n  %s", n)
		} else {
			s.printf(", %s", n)
		}
	}
	s.printf("\nFROM %s\n", from)
	var conds []string
	switch {
	case p.having != nil:
		conds = append(conds, s.expr(p.having, func(c *expr.Col) string { return sqlIdent(p.havAggs[c.Idx].Name) }))
	case p.churn:
		conds = append(conds, "goal_count_lookback > 0")
	default:
		conds = append(conds, "events_lookback > 0")
	}
	if p.profiles == nil && p.having != nil {
		// Without a profile table a profile exists at a cutoff only
		// with an event in the lookback before it.
		conds = append(conds, "events_lookback > 0")
	}
	s.printf("WHERE %s", strings.Join(conds, "\n  AND "))
}

func (s *sqlPlan) isHaving(name string) bool {
	for _, a := range s.p.havAggs {
		if a.Name == name {
			return true
		}
	}
	return false
}

// attrNames lists the attribute columns in model order.
func attrNames(attrs []attrSpec) []string {
	cols, _ := attrColumns(attrs)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// bare renders an events column inside snap.
func (s *sqlPlan) bare(c *expr.Col) string { return sqlIdent(c.Name) }

// profileCol renders a profile-table column.
func (s *sqlPlan) profileCol(c *expr.Col) string { return "p." + sqlIdent(c.Name) }

// sameInDuckDB are the cai functions that DuckDB evaluates the same way.
var sameInDuckDB = map[string]bool{
	"abs": true, "round": true, "floor": true, "ceil": true, "ln": true, "log10": true, "exp": true,
	"sqrt": true, "power": true, "coalesce": true, "nullif": true, "greatest": true, "least": true,
	"lower": true, "upper": true, "trim": true, "length": true, "concat": true, "date_trunc": true,
}

// expr renders a bound expression as SQL; col names a column.
func (s *sqlPlan) expr(e expr.Expr, col func(*expr.Col) string) string {
	r := func(x expr.Expr) string { return s.expr(x, col) }
	switch x := e.(type) {
	case *expr.Positioned:
		return r(x.X)
	case *expr.Col:
		return col(x)
	case *expr.Const:
		return sqlConst(x)
	case *expr.Arith:
		l, rr := r(x.L), r(x.R)
		switch x.Op {
		case "/":
			op := "/"
			if expr.KindOf(x.L.DataType()) == expr.KindInt && expr.KindOf(x.R.DataType()) == expr.KindInt {
				op = "//" // cai divides integers as integers
			}
			if c, ok := x.R.(*expr.Const); expr.KindOf(x.DataType()) == expr.KindDuration || ok && !c.Null && (c.I != 0 || c.F != 0) {
				return "(" + l + " " + op + " " + rr + ")"
			}
			return fmt.Sprintf("(%s %s NULLIF(%s, 0))", l, op, rr) // x / 0 is NULL in cai
		case "%":
			return fmt.Sprintf("(%s %% NULLIF(%s, 0))", l, rr)
		}
		return "(" + l + " " + x.Op + " " + rr + ")"
	case *expr.Compare:
		op := x.Op
		if op == "!=" {
			op = "<>"
		}
		return "(" + r(x.L) + " " + op + " " + r(x.R) + ")"
	case *expr.Logic:
		op := " OR "
		if x.And {
			op = " AND "
		}
		return "(" + r(x.L) + op + r(x.R) + ")"
	case *expr.Not:
		return "(NOT " + r(x.X) + ")"
	case *expr.Neg:
		return "(-" + r(x.X) + ")"
	case *expr.IsNull:
		if x.Not {
			return "(" + r(x.X) + " IS NOT NULL)"
		}
		return "(" + r(x.X) + " IS NULL)"
	case *expr.InList:
		parts := make([]string, len(x.List))
		for i, it := range x.List {
			parts[i] = r(it)
		}
		op := " IN ("
		if x.Not {
			op = " NOT IN ("
		}
		return "(" + r(x.X) + op + strings.Join(parts, ", ") + "))"
	case *expr.Like:
		op := " LIKE "
		if x.Not {
			op = " NOT LIKE "
		}
		return "(" + r(x.X) + op + sqlString(x.Pattern) + ")"
	case *expr.Case:
		var sb strings.Builder
		sb.WriteString("CASE")
		for _, w := range x.Whens {
			fmt.Fprintf(&sb, " WHEN %s THEN %s", r(w.Cond), r(w.Then))
		}
		if x.Else != nil {
			fmt.Fprintf(&sb, " ELSE %s", r(x.Else))
		}
		sb.WriteString(" END")
		return sb.String()
	case *expr.Cast:
		return "CAST(" + r(x.X) + " AS " + expr.TypeName(x.T) + ")"
	case *expr.Func:
		name := strings.ToLower(x.Def.Name)
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = r(a)
		}
		switch {
		case sameInDuckDB[name]:
		case name == "date_diff":
			s.note("date_diff counts whole units elapsed in cai; DuckDB's counts unit boundaries crossed")
		default:
			s.note("%s() is cai's; it has no faithful SQL form and is written as cai reads it", name)
		}
		return name + "(" + strings.Join(args, ", ") + ")"
	}
	s.note("%s is written as cai prints it; it may not be SQL", e)
	return e.String()
}

// sqlConst renders a constant.
func sqlConst(c *expr.Const) string {
	if c.Null {
		return "NULL"
	}
	switch expr.KindOf(c.T) {
	case expr.KindTimestamp:
		return sqlTime(c.I)
	case expr.KindDuration:
		return sqlInterval(c.I)
	case expr.KindString:
		return sqlString(c.S)
	}
	return c.String()
}

// sqlTime is a timestamp literal (UTC).
func sqlTime(us int64) string {
	t := expr.TimeOf(us)
	if us%expr.MicrosPerSecond == 0 {
		return "TIMESTAMP '" + t.Format("2006-01-02 15:04:05") + "'"
	}
	return "TIMESTAMP '" + t.Format("2006-01-02 15:04:05.000000") + "'"
}

// sqlInterval is an interval literal in the largest whole unit.
func sqlInterval(us int64) string {
	switch {
	case us != 0 && us%features.Day == 0:
		return fmt.Sprintf("INTERVAL '%d days'", us/features.Day)
	case us != 0 && us%(3600*expr.MicrosPerSecond) == 0:
		return fmt.Sprintf("INTERVAL '%d hours'", us/(3600*expr.MicrosPerSecond))
	case us%expr.MicrosPerSecond == 0:
		return fmt.Sprintf("INTERVAL '%d seconds'", us/expr.MicrosPerSecond)
	}
	return fmt.Sprintf("INTERVAL '%d microseconds'", us)
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

var plainSQLName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// sqlReserved are words DuckDB (and most SQL dialects) reserve.
var sqlReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast
		check collate column constraint create default deferrable desc describe distinct do else end
		except false fetch for foreign from grant group having in initially intersect into lateral
		leading limit not null offset on only or order pivot placing primary qualify references
		returning select show some summarize symmetric table then to trailing true union unique
		unpivot using variadic when where window with`) {
		sqlReserved[w] = true
	}
}

// sqlIdent quotes a name unless it is a plain lower-case word that no
// dialect reserves (quoting keeps the case of the others exactly).
func sqlIdent(name string) string {
	if plainSQLName.MatchString(name) && !sqlReserved[name] && !ast.IsReserved(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
