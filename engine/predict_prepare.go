package engine

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/features"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// prepared is a bound PREDICT: tables, column roles, expressions and
// options. The caller must release it.
type prepared struct {
	spec      *ast.PredictSpec
	churn     bool
	events    *catalog.Table
	profiles  *catalog.Table // nil for FOR EACH
	idCol     int
	tsCol     int
	typeCol   int
	keyCol    int // in profiles
	goal      expr.Expr
	where     expr.Expr // over the profile table
	having    expr.Expr // over havingAggs results
	havAggs   []features.Agg
	userAggs  []features.Agg
	valueCols []int
	lookback  int64
	window    int64
	asOf      int64 // 0 = default (day after the latest event)
	opts      map[string]string
}

func (p *prepared) release() {
	if p.events != nil {
		p.events.Release()
	}
	if p.profiles != nil {
		p.profiles.Release()
	}
}

var (
	identityNames  = []string{"profile_id", "customer_id", "user_id", "person_id", "identitymap.ecid", "identitymap.ecid.id", "ecid", "visitor_id", "account_id", "client_id", "member_id", "id"}
	timestampNames = []string{"timestamp", "ts", "event_time", "event_timestamp", "time", "datetime", "date", "created_at", "occurred_at"}
	eventTypeNames = []string{"eventtype", "event_type", "event_name", "event", "type", "action", "activity"}
)

// prepare binds a PredictSpec against the catalog.
func (e *Engine) prepare(b *planner.Binder, spec *ast.PredictSpec) (*prepared, error) {
	p := &prepared{spec: spec, churn: strings.EqualFold(spec.Kind, "CHURN"), typeCol: -1, keyCol: -1, opts: map[string]string{}}
	ok := false
	defer func() {
		if !ok {
			p.release()
		}
	}()
	for _, o := range spec.With {
		v, err := optionString(o)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(o.Key)
		if err := checkOption(o, key, v); err != nil {
			return nil, err
		}
		if _, dup := p.opts[key]; dup {
			return nil, planner.Errorf(o.At, planner.ErrInvalid, "option %s is given twice", o.Key)
		}
		p.opts[key] = v
	}
	ev, err := e.cat.Table(spec.Events)
	if err != nil {
		return nil, notFound(spec.At, err)
	}
	p.events = ev
	schema := ev.Schema
	if spec.Profiles != "" {
		pt, err := e.cat.Table(spec.Profiles)
		if err != nil {
			return nil, notFound(spec.At, err)
		}
		p.profiles = pt
	}
	if ev.Rows == 0 {
		return nil, planner.Errorf(spec.At, &wrapped{kind: ErrNoPopulation, err: ErrNoPopulation}, "table %s has no rows: load events before predicting", spec.Events)
	}
	for _, x := range spec.Exclude {
		if p.profiles == nil {
			return nil, planner.Errorf(spec.At, planner.ErrInvalid, "EXCLUDE names profile columns and needs FOR <profile table>")
		}
		if fieldIndexFold(p.profiles.Schema, x) < 0 {
			var all []string
			for _, f := range p.profiles.Schema.Fields() {
				all = append(all, f.Name)
			}
			return nil, planner.Errorf(spec.At, planner.ErrUnknownColumn, "unknown column %q in EXCLUDE%s", x, suggestion(x, all))
		}
	}
	// Roles.
	idName := spec.Identity
	if idName == "" && spec.ForEach != "" {
		idName = spec.ForEach
	}
	if idName == "" && spec.ProfileKey != "" && schema.FieldIndices(spec.ProfileKey) != nil {
		idName = spec.ProfileKey
	}
	if p.idCol, err = findRole(spec.At, schema, "identity", "IDENTITY", idName, identityNames, func(dt arrow.DataType) bool {
		k := expr.KindOf(dt)
		return k == expr.KindString || k == expr.KindInt
	}); err != nil {
		return nil, err
	}
	if p.tsCol, err = findRole(spec.At, schema, "timestamp", "TIMESTAMP", spec.Timestamp, timestampNames, func(dt arrow.DataType) bool {
		return expr.KindOf(dt) == expr.KindTimestamp
	}); err != nil {
		return nil, err
	}
	if expr.KindOf(schema.Field(p.tsCol).Type) != expr.KindTimestamp {
		return nil, planner.Errorf(spec.At, planner.ErrType, "timestamp column %q is %s; load it as TIMESTAMP (WITH (%s = 'TIMESTAMP'))", schema.Field(p.tsCol).Name, expr.TypeName(schema.Field(p.tsCol).Type), schema.Field(p.tsCol).Name)
	}
	if spec.EventType != "" || hasAnyName(schema, eventTypeNames) {
		if p.typeCol, err = findRole(spec.At, schema, "event type", "EVENT TYPE", spec.EventType, eventTypeNames, func(dt arrow.DataType) bool {
			return expr.KindOf(dt) == expr.KindString
		}); err != nil {
			return nil, err
		}
	}
	if p.profiles != nil {
		key := spec.ProfileKey
		if key == "" {
			key = schema.Field(p.idCol).Name
		}
		idx := fieldIndexFold(p.profiles.Schema, key)
		if idx < 0 {
			return nil, planner.Errorf(spec.At, planner.ErrUnknownColumn, "profile table %s has no key column %q (name it with KEY col)", spec.Profiles, key)
		}
		p.keyCol = idx
	}
	// Expressions.
	evCols := schemaColumns(schema)
	if p.goal, err = b.BindScalar(evCols, spec.Goal); err != nil {
		return nil, err
	}
	if k := expr.KindOf(p.goal.DataType()); k != expr.KindBool {
		return nil, planner.Errorf(spec.Goal.Pos(), planner.ErrType, "GOAL must be a condition on one event, got %s", expr.TypeName(p.goal.DataType()))
	}
	if spec.Where != nil {
		if p.profiles == nil {
			return nil, planner.Errorf(spec.Where.Pos(), planner.ErrInvalid, "WHERE filters profile columns and needs FOR <profile table>; use HAVING for conditions on events")
		}
		if p.where, err = b.BindScalar(schemaColumns(p.profiles.Schema), spec.Where); err != nil {
			return nil, err
		}
	}
	if p.window, err = durationMicros(spec.Within); err != nil {
		return nil, err
	}
	p.lookback = 365 * features.Day
	if spec.Lookback != nil {
		if p.lookback, err = durationMicros(spec.Lookback); err != nil {
			return nil, err
		}
	}
	if spec.Having != nil {
		x, calls, err := b.BindAggExpr(evCols, spec.Having)
		if err != nil {
			return nil, err
		}
		p.having = x
		for i, c := range calls {
			agg, err := toFeatureAgg(spec.Having.Pos(), fmt.Sprintf("having_%d", i), c, p.lookback)
			if err != nil {
				return nil, err
			}
			p.havAggs = append(p.havAggs, agg)
		}
	}
	for _, it := range spec.Features {
		if err := p.bindFeature(b, evCols, it); err != nil {
			return nil, err
		}
	}
	if spec.AsOf != nil {
		if p.asOf, err = constTime(b, spec.AsOf); err != nil {
			return nil, err
		}
	}
	p.valueCols = valueColumns(schema, p)
	ok = true
	return p, nil
}

func (p *prepared) bindFeature(b *planner.Binder, evCols planner.Schema, it *ast.SelectItem) error {
	call, isCall := it.Expr.(*ast.Call)
	if !isCall || !planner.IsAggregate(call) {
		return planner.Errorf(it.At, planner.ErrInvalid, "a feature must be an aggregate such as SUM(value) FILTER (WHERE ...) OVER 30 DAYS")
	}
	if it.Alias == "" {
		return planner.Errorf(it.At, planner.ErrInvalid, "name the feature with AS name")
	}
	over := p.lookback
	if call.Over != nil {
		var err error
		if over, err = durationMicros(call.Over); err != nil {
			return err
		}
		if over > p.lookback {
			return planner.Errorf(call.Over.At, planner.ErrInvalid, "feature window %s is longer than the lookback (%s)", expr.FormatDuration(over), expr.FormatDuration(p.lookback))
		}
	}
	bare := *call
	bare.Over = nil
	_, calls, err := b.BindAggExpr(evCols, &bare)
	if err != nil {
		return err
	}
	agg, err := toFeatureAgg(it.At, it.Alias, calls[0], over)
	if err != nil {
		return err
	}
	p.userAggs = append(p.userAggs, agg)
	return nil
}

func toFeatureAgg(pos ast.Pos, name string, c *planner.AggCall, over int64) (features.Agg, error) {
	a := features.Agg{Name: name, Func: string(c.Func), Arg: c.Arg, Filter: c.Filter, Over: over}
	switch c.Func {
	case planner.AggCountDistinct:
		return a, planner.Errorf(pos, planner.ErrUnsupported, "COUNT(DISTINCT ...) is not supported in FEATURES or HAVING")
	case planner.AggSum, planner.AggAvg, planner.AggMin, planner.AggMax:
		if k := expr.KindOf(c.Arg.DataType()); k != expr.KindInt && k != expr.KindFloat {
			return a, planner.Errorf(pos, planner.ErrType, "%s needs a number here, got %s", c.Func, expr.TypeName(c.Arg.DataType()))
		}
	}
	return a, nil
}

func durationMicros(d *ast.Duration) (int64, error) {
	if d == nil {
		return 0, fmt.Errorf("missing duration")
	}
	u, err := expr.UnitMicros(d.Unit)
	if err != nil {
		return 0, planner.Errorf(d.At, planner.ErrInvalid, "%v", err)
	}
	if d.N <= 0 || d.N > 100_000 {
		return 0, planner.Errorf(d.At, planner.ErrInvalid, "duration must be between 1 and 100000 %s, got %d", strings.ToLower(d.Unit), d.N)
	}
	return d.N * u, nil
}

// constTime evaluates a constant timestamp such as AS OF '2024-06-30'.
func constTime(b *planner.Binder, e ast.Expr) (int64, error) {
	x, err := b.BindScalar(nil, e)
	if err != nil {
		return 0, err
	}
	c, ok := x.(*expr.Const)
	if !ok || c.Null {
		return 0, planner.Errorf(e.Pos(), planner.ErrInvalid, "AS OF needs a constant date or timestamp")
	}
	switch expr.KindOf(c.T) {
	case expr.KindTimestamp:
		return c.I, nil
	case expr.KindString:
		us, err := expr.ParseTime(c.S)
		if err != nil {
			return 0, planner.Errorf(e.Pos(), planner.ErrType, "%v", err)
		}
		return us, nil
	}
	return 0, planner.Errorf(e.Pos(), planner.ErrType, "AS OF needs a date or timestamp, got %s", expr.TypeName(c.T))
}

func schemaColumns(s *arrow.Schema) planner.Schema {
	out := make(planner.Schema, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = planner.Column{Name: f.Name, T: f.Type}
	}
	return out
}

func fieldIndexFold(s *arrow.Schema, name string) int {
	for i, f := range s.Fields() {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

func hasAnyName(s *arrow.Schema, names []string) bool {
	for _, n := range names {
		if fieldIndexFold(s, n) >= 0 {
			return true
		}
	}
	return false
}

// findRole finds the column playing a role: the explicit name, else the
// first conventional name present, else the only column of a fitting
// type. Several columns of the fitting type and no conventional name is
// an error listing them.
func findRole(pos ast.Pos, s *arrow.Schema, role, clause, explicit string, names []string, fits func(arrow.DataType) bool) (int, error) {
	if explicit != "" {
		i := fieldIndexFold(s, explicit)
		if i < 0 {
			var all []string
			for _, f := range s.Fields() {
				all = append(all, f.Name)
			}
			return 0, planner.Errorf(pos, planner.ErrUnknownColumn, "unknown %s column %q%s", role, explicit, suggestion(explicit, all))
		}
		return i, nil
	}
	for _, n := range names {
		if i := fieldIndexFold(s, n); i >= 0 && fits(s.Field(i).Type) {
			return i, nil
		}
	}
	var cands []string
	var idx []int
	for i, f := range s.Fields() {
		if fits(f.Type) {
			cands, idx = append(cands, f.Name), append(idx, i)
		}
	}
	if len(cands) == 1 && role == "timestamp" {
		return idx[0], nil
	}
	if len(cands) == 0 {
		return 0, planner.Errorf(pos, planner.ErrUnknownColumn, "no %s column found; name it with %s col", role, clause)
	}
	return 0, planner.Errorf(pos, &wrapped{kind: ErrAmbiguousRole, err: ErrAmbiguousRole}, "cannot tell which column is the %s: candidates %s; name it with %s col", role, strings.Join(quoteAll(cands), ", "), clause)
}

func suggestion(name string, all []string) string {
	s := planner.Suggest(name, all)
	if len(s) == 0 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", s[0])
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.Quote(x)
	}
	return out
}

// valueColumns picks the numeric columns of the events worth summing for
// goal events: not the identity or timestamp, not id-like, at most 5.
func valueColumns(s *arrow.Schema, p *prepared) []int {
	var out []int
	for i, f := range s.Fields() {
		if i == p.idCol || i == p.tsCol || i == p.typeCol {
			continue
		}
		k := expr.KindOf(f.Type)
		if k != expr.KindInt && k != expr.KindFloat {
			continue
		}
		n := strings.ToLower(f.Name)
		if strings.HasSuffix(n, "_id") || strings.HasSuffix(n, ".id") || n == "id" || strings.HasSuffix(n, "id") && k == expr.KindInt && len(n) > 2 && n[len(n)-3] == '_' {
			continue
		}
		out = append(out, i)
		if len(out) == 5 {
			break
		}
	}
	return out
}

// countStrings counts the non-empty strings of v. The vector's strings
// alias Arrow buffers, so a new key is cloned before it is kept.
func countStrings(counts map[string]int, v *expr.Vector) {
	for i := 0; i < v.Len; i++ {
		if v.IsNull(i) || v.S[i] == "" {
			continue
		}
		if c, ok := counts[v.S[i]]; ok {
			counts[v.S[i]] = c + 1
		} else {
			counts[strings.Clone(v.S[i])] = 1
		}
	}
}

// topEventTypes returns the most frequent event types (at most k).
func topEventTypes(ev *catalog.Table, col, k int) ([]string, error) {
	counts := map[string]int{}
	for _, rec := range ev.Batches {
		v, err := expr.FromArrow(rec.Column(col))
		if err != nil {
			return nil, err
		}
		countStrings(counts, v)
	}
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		if counts[types[i]] != counts[types[j]] {
			return counts[types[i]] > counts[types[j]]
		}
		return types[i] < types[j]
	})
	if len(types) > k {
		types = types[:k]
	}
	return types, nil
}

func optInt(opts map[string]string, key string, def int) (int, error) {
	v, ok := opts[key]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("option %s must be an integer, got %q", key, v)
	}
	return n, nil
}

func optFloat(opts map[string]string, key string, def float64) (float64, error) {
	v, ok := opts[key]
	if !ok {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("option %s must be a number, got %q", key, v)
	}
	return f, nil
}

// optionRange is the accepted range of an integer or float option.
type optionRange struct {
	isFloat  bool
	min, max float64
	doc      string
}

var predictOptions = map[string]optionRange{
	"epochs":        {min: 1, max: 100000, doc: "training epochs"},
	"batch_size":    {min: 1, max: 1 << 20, doc: "mini-batch size"},
	"patience":      {min: -1, max: 100000, doc: "epochs without improvement before stopping (-1: never stop early)"},
	"seed":          {min: -1 << 62, max: 1 << 62, doc: "random seed"},
	"factors":       {min: 0, max: 50, doc: "factors per profile"},
	"min_class":     {min: 1, max: 1 << 40, doc: "minimum examples of each class"},
	"snapshots":     {min: 1, max: 100, doc: "training snapshots"},
	"max_rows":      {min: 1000, max: 1 << 40, doc: "labelled rows kept for training (a deterministic sample above it)"},
	"event_types":   {min: 0, max: 1000, doc: "event types tracked as features"},
	"learning_rate": {isFloat: true, min: 1e-9, max: 10, doc: "Adam step size"},
	"lr":            {isFloat: true, min: 1e-9, max: 10, doc: "Adam step size"},
	"l2":            {isFloat: true, min: 0, max: 100, doc: "weight decay"},
	"tolerance":     {isFloat: true, min: 0, max: 1, doc: "relative validation-loss decrease that counts as an improvement"},
}

var otherOptions = []string{"hidden", "calibration", "export"}

// checkOption validates one WITH option of a PREDICT, at its position.
func checkOption(o ast.Option, key, v string) error {
	if r, ok := predictOptions[key]; ok {
		f, err := strconv.ParseFloat(v, 64)
		if err == nil && !r.isFloat && f != math.Trunc(f) {
			err = fmt.Errorf("not an integer")
		}
		if err != nil || math.IsNaN(f) || f < r.min || f > r.max {
			kind, format := "an integer", byte('f')
			if r.isFloat {
				kind, format = "a number", 'g'
			}
			return planner.Errorf(o.At, planner.ErrInvalid, "option %s (%s) must be %s from %s to %s, got %q", o.Key, r.doc, kind,
				strconv.FormatFloat(r.min, format, -1, 64), strconv.FormatFloat(r.max, format, -1, 64), v)
		}
		return nil
	}
	switch key {
	case "hidden":
		if _, err := mlOptions(map[string]string{"hidden": v}); err != nil {
			return planner.Errorf(o.At, planner.ErrInvalid, "%v", err)
		}
		return nil
	case "calibration":
		switch strings.ToLower(v) {
		case "platt", "isotonic", "none":
			return nil
		}
		return planner.Errorf(o.At, planner.ErrInvalid, "option calibration must be 'platt', 'isotonic' or 'none', got %q", v)
	case "export":
		return nil
	}
	names := append([]string{}, otherOptions...)
	for k := range predictOptions {
		names = append(names, k)
	}
	sort.Strings(names)
	return planner.Errorf(o.At, planner.ErrInvalid, "unknown option %s%s (options: %s)", o.Key, suggestion(o.Key, names), strings.Join(names, ", "))
}
