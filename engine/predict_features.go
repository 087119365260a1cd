package engine

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/features"
	"github.com/cai-dev/cai/ml"
)

// snapshotData is the input of the model at one cutoff: eligibility of
// every profile, and the feature rows (automatic features, user features,
// profile attributes) of the profiles picked.
type snapshotData struct {
	cutoff   int64
	label    []float64 // every profile (keys order)
	eligible []bool    // every profile
	rows     []int32   // the profile of each picked row (in X, or where the picker put it)
	X        ml.Matrix
}

// featureSet is computed for several cutoffs in one pass.
type featureSet struct {
	keys    *features.Keys
	res     *features.Result
	snaps   []*snapshotData
	columns []ml.Column
	desc    []string
}

// picker chooses, once eligibility is known, the profiles of each
// snapshot whose feature rows are built; the others never are. width is
// the length of a row. A picker may also say where each row goes
// (dest(s, r): the r-th picked row of snapshot s); without dest the
// rows are in snapshotData.X.
type picker func(snaps []*snapshotData, keys *features.Keys, width int) (rows [][]int32, dest func(s, r int) []float64)

// pickEligible builds the rows of every eligible profile (scoring).
func pickEligible(snaps []*snapshotData, _ *features.Keys, _ int) ([][]int32, func(s, r int) []float64) {
	rows := make([][]int32, len(snaps))
	for si, sd := range snaps {
		rows[si] = []int32{}
		for i, ok := range sd.eligible {
			if ok {
				rows[si] = append(rows[si], int32(i))
			}
		}
	}
	return rows, nil
}

// pickNone builds no rows (EXPLAIN only counts).
func pickNone(snaps []*snapshotData, _ *features.Keys, _ int) ([][]int32, func(s, r int) []float64) {
	return make([][]int32, len(snaps)), nil
}

// computeFeatures builds the model inputs at every cutoff for the
// profiles pick chooses. eventTypes and attrs are the frozen plan (from
// training).
func (e *Engine) computeFeatures(ctx context.Context, p *prepared, eventTypes []string, attrs []attrSpec, cutoffs []int64, pick picker) (*featureSet, error) {
	spec := &features.Spec{
		Schema: p.events.Schema, IDCol: p.idCol, TSCol: p.tsCol, TypeCol: p.typeCol, Goal: p.goal,
		ValueCols: p.valueCols, EventTypes: eventTypes, Lookback: p.lookback, Window: p.window,
		Extra: append(append([]features.Agg{}, p.havAggs...), p.userAggs...),
	}
	ac, ad := attrColumns(attrs)
	spec.Pad = len(p.userAggs) + len(ac)
	if name, ok := goalEventType(p); ok {
		spec.GoalName = name
	}
	isInt := expr.KindOf(p.events.Schema.Field(p.idCol).Type) == expr.KindInt
	var keys *features.Keys
	if p.profiles == nil {
		keys = features.NewKeys(isInt)
	} else {
		keys = features.NewKeysSized(isInt, int(p.profiles.Rows))
		for _, rec := range p.profiles.Batches {
			v, err := expr.FromArrow(rec.Column(p.keyCol))
			if err != nil {
				return nil, err
			}
			for i := 0; i < v.Len; i++ {
				before := keys.Len()
				if id := keys.Add(v, i); id >= 0 && keys.Len() == before {
					return nil, fmt.Errorf("profile table %s has the key %s more than once: a profile table needs one row per profile (deduplicate it, e.g. CREATE TABLE p2 AS SELECT DISTINCT ...)", p.spec.Profiles, keys.String(id))
				}
			}
		}
		keys.Fixed = true
	}
	var where []bool
	if p.where != nil {
		var err error
		if where, err = e.whereMask(p, keys); err != nil {
			return nil, err
		}
	}
	fs := &featureSet{keys: keys}
	// Build calls Select (eligibility, then pick) before it builds any
	// row; dest, when the picker gives one, is where the rows go.
	var dest func(s, r int) []float64
	spec.Select = func(res *features.Result) ([][]int32, func(s, r int) []float64, error) {
		for _, s := range res.Snapshots {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			sd := &snapshotData{cutoff: s.Cutoff, label: s.Label}
			var err error
			if sd.eligible, err = e.eligibility(p, res.Layout, s, where); err != nil {
				return nil, nil, err
			}
			fs.snaps = append(fs.snaps, sd)
		}
		var rows [][]int32
		rows, dest = pick(fs.snaps, keys, res.Layout.Width()+spec.Pad)
		return rows, dest, nil
	}
	res, err := features.Build(ctx, spec, p.events.Batches, keys, cutoffs, func(done, total int64) {
		e.progress("building features", done, total)
	})
	if err != nil {
		return nil, err
	}
	fs.res = res
	fs.columns = append(fs.columns, res.Layout.Columns...)
	fs.desc = append(fs.desc, res.Layout.Describe...)
	for _, a := range p.userAggs {
		kind := ml.KindNumeric
		switch a.Func {
		case "COUNT", "COUNT(*)":
			kind = ml.KindCount
		case "SUM":
			kind = ml.KindAmount
		}
		fs.columns = append(fs.columns, ml.Column{Name: a.Name, Kind: kind, Group: a.Name})
		fs.desc = append(fs.desc, a.Name)
	}
	fs.columns = append(fs.columns, ac...)
	fs.desc = append(fs.desc, ad...)
	nh := len(p.havAggs)
	width, aw := len(fs.columns), res.Layout.Width()
	for si, s := range res.Snapshots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sd := fs.snaps[si]
		sd.X, sd.rows = s.X, s.Rows
		if dest == nil && sd.X.Cols != width {
			return nil, fmt.Errorf("internal error: feature rows have %d columns, want %d", sd.X.Cols, width)
		}
		var am ml.Matrix
		if p.profiles != nil && len(attrs) > 0 && len(sd.rows) > 0 {
			if am, err = attrMatrix(p.profiles, p.keyCol, keys, attrs, s.Cutoff); err != nil {
				return nil, err
			}
		}
		// The rows were built spec.Pad columns wider: fill those in place.
		for r, pi := range sd.rows {
			var row []float64
			if dest != nil {
				row = dest(si, r)[:width]
			} else {
				row = sd.X.Data[r*width : (r+1)*width]
			}
			for u := range p.userAggs {
				row[aw+u] = s.Extra[nh+u][pi]
			}
			if am.Cols > 0 {
				copy(row[aw+len(p.userAggs):], am.Data[int(pi)*am.Cols:(int(pi)+1)*am.Cols])
			}
		}
		s.X, s.Extra = ml.Matrix{}, nil // sd.X owns the rows now (train drops them once copied)
	}
	return fs, nil
}

// eligibility applies the default population rule (or HAVING) and WHERE.
func (e *Engine) eligibility(p *prepared, l *features.Layout, s *features.Snapshot, where []bool) ([]bool, error) {
	n := len(s.Label)
	out := make([]bool, n)
	var having *expr.Vector
	if p.having != nil {
		v, err := evalOverAggs(e.mem, p, s, n)
		if err != nil {
			return nil, err
		}
		having = v
	}
	for i := 0; i < n; i++ {
		switch {
		case having != nil:
			out[i] = !having.IsNull(i) && having.B[i]
		case p.churn:
			out[i] = l.GoalCount(s, i) > 0
		default:
			out[i] = l.EventCount(s, i) > 0
		}
		if where != nil && !where[i] {
			out[i] = false
		}
		// Without a profile table the population is whoever has events;
		// a profile seen only at or after the cutoff does not exist yet
		// at the cutoff, whatever HAVING says.
		if p.profiles == nil && l.EventCount(s, i) == 0 {
			out[i] = false
		}
	}
	return out, nil
}

// evalOverAggs evaluates HAVING over the per-profile aggregate values.
func evalOverAggs(mem memory.Allocator, p *prepared, s *features.Snapshot, n int) (*expr.Vector, error) {
	fields := make([]arrow.Field, len(p.havAggs))
	cols := make([]arrow.Array, len(p.havAggs))
	for a, agg := range p.havAggs {
		vals := s.Extra[a]
		isInt := agg.Func == "COUNT" || agg.Func == "COUNT(*)" || (agg.Arg != nil && expr.KindOf(agg.Arg.DataType()) == expr.KindInt && agg.Func != "AVG")
		if isInt {
			b := array.NewInt64Builder(mem)
			for _, v := range vals[:n] {
				if math.IsNaN(v) {
					b.AppendNull()
				} else {
					b.Append(int64(v))
				}
			}
			cols[a] = b.NewArray()
			b.Release()
			fields[a] = arrow.Field{Name: agg.Name, Type: expr.IntType, Nullable: true}
			continue
		}
		b := array.NewFloat64Builder(mem)
		for _, v := range vals[:n] {
			if math.IsNaN(v) {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		cols[a] = b.NewArray()
		b.Release()
		fields[a] = arrow.Field{Name: agg.Name, Type: expr.FloatType, Nullable: true}
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	v, err := p.having.Eval(expr.NewBatch(rec))
	if err != nil {
		return nil, fmt.Errorf("HAVING: %w", err)
	}
	return v, nil
}

// whereMask evaluates WHERE over the profile table, per profile index.
func (e *Engine) whereMask(p *prepared, keys *features.Keys) ([]bool, error) {
	out := make([]bool, keys.Len())
	lookup := *keys
	lookup.Fixed = true
	for _, rec := range p.profiles.Batches {
		eb := expr.NewBatch(rec)
		v, err := p.where.Eval(eb)
		if err != nil {
			return nil, fmt.Errorf("WHERE: %w", err)
		}
		kv, err := eb.Col(p.keyCol)
		if err != nil {
			return nil, err
		}
		for r := 0; r < eb.N; r++ {
			if pi := lookup.Add(kv, r); pi >= 0 {
				out[pi] = !v.IsNull(r) && v.B[r]
			}
		}
	}
	return out, nil
}
