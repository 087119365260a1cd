package engine

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// scored is a model's output at one cutoff for the eligible profiles.
type scored struct {
	mf      *modelFile
	cutoff  int64
	ids     *expr.Vector
	X       ml.Matrix
	prob    []float64
	outcome []float64 // what happened in [cutoff, cutoff+window), 1 = the predicted outcome
	maxTS   int64
}

// specOf re-parses a model's definition.
func specOf(mf *modelFile) (*ast.PredictSpec, error) {
	stmts, err := parser.Parse(mf.Name, mf.Definition)
	if err != nil || len(stmts) != 1 {
		return nil, fmt.Errorf("model %s: cannot read its definition: %v", mf.Name, err)
	}
	switch s := stmts[0].(type) {
	case *ast.CreateModel:
		return s.Spec, nil
	case *ast.Predict:
		return s.Spec, nil
	}
	return nil, fmt.Errorf("model %s: definition is not a PREDICT", mf.Name)
}

// score computes features at cutoff (0 = the day after the latest
// event) and scores the eligible profiles.
func (e *Engine) score(ctx context.Context, b *planner.Binder, mf *modelFile, cutoff int64) (*scored, error) {
	p, err := e.prepareModel(b, mf)
	if err != nil {
		return nil, err
	}
	defer p.release()
	return e.scorePrepared(ctx, p, mf, cutoff)
}

// prepareModel binds a model's PREDICT against the current tables; the
// caller releases it.
func (e *Engine) prepareModel(b *planner.Binder, mf *modelFile) (*prepared, error) {
	spec, err := specOf(mf)
	if err != nil {
		return nil, err
	}
	p, err := e.prepare(b, spec)
	if err != nil {
		return nil, fmt.Errorf("model %s no longer matches its tables: %w", mf.Name, err)
	}
	return p, nil
}

// predictRecord is the result set of PREDICT(mf) at cutoff (0 = the
// default), from the cache when the model and its tables are unchanged.
func (e *Engine) predictRecord(ctx context.Context, b *planner.Binder, mf *modelFile, cutoff int64, mem memory.Allocator) (arrow.RecordBatch, error) {
	p, err := e.prepareModel(b, mf)
	if err != nil {
		return nil, err
	}
	defer p.release()
	k := predictKey{model: mf.Name, trainedAt: mf.TrainedAt, definition: mf.Definition, cutoff: cutoff, events: p.events.ID}
	if p.profiles != nil {
		k.profiles = p.profiles.ID
	}
	cacheable := !readsClock(mf.Definition)
	if cacheable {
		if rec := e.predicted.get(k); rec != nil {
			return rec, nil
		}
	}
	e.predicted.misses.Add(1)
	s, err := e.scorePrepared(ctx, p, mf, cutoff)
	if err != nil {
		return nil, err
	}
	rec, err := s.record(mem, -1)
	if err != nil {
		return nil, err
	}
	if cacheable {
		e.predicted.put(k, rec)
	}
	return rec, nil
}

// readsClock reports whether a definition may depend on the time it is
// evaluated at (now() and friends), which a cached result would freeze.
func readsClock(definition string) bool { return clockCall.MatchString(definition) }

var clockCall = regexp.MustCompile(`(?i)\bnow\s*\(|\bcurrent_(timestamp|date|time)\b`)

// scorePrepared computes features at cutoff (0 = the day after the
// latest event) and scores the eligible profiles.
func (e *Engine) scorePrepared(ctx context.Context, p *prepared, mf *modelFile, cutoff int64) (*scored, error) {
	_, maxTS, err := latestEvent(p)
	if err != nil {
		return nil, err
	}
	if cutoff == 0 {
		cutoff = defaultAsOf(maxTS)
	}
	fs, err := e.computeFeatures(ctx, p, mf.EventTypes, mf.Attrs, []int64{cutoff}, pickEligible)
	if err != nil {
		return nil, err
	}
	if len(fs.columns) != len(mf.Columns) {
		return nil, fmt.Errorf("model %s expects %d features, the data now gives %d; retrain it", mf.Name, len(mf.Columns), len(fs.columns))
	}
	sd := fs.snaps[0]
	idx := sd.rows
	s := &scored{mf: mf, cutoff: cutoff, ids: fs.keys.Vector(idx), X: sd.X, maxTS: maxTS}
	s.outcome = make([]float64, len(idx))
	for r, i := range idx {
		s.outcome[r] = outcome(p, sd.label[i])
	}
	if len(idx) > 0 {
		s.prob = mf.model.Predict(s.X)
	}
	return s, nil
}

// scoreSchema is the schema of a prediction result.
func scoreSchema(idName string, idType arrow.DataType) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: idName, Type: idType, Nullable: true},
		{Name: "probability", Type: expr.FloatType, Nullable: true},
		{Name: "score", Type: expr.FloatType, Nullable: true},
		{Name: "percentile", Type: expr.IntType, Nullable: true},
		{Name: "bucket", Type: expr.StringType, Nullable: true},
		{Name: "factors", Type: expr.FactorsType, Nullable: true},
		{Name: "cutoff", Type: expr.TimestampType, Nullable: true},
		{Name: "model", Type: expr.StringType, Nullable: true},
	}, nil)
}

// scores ranks probabilities: score = 100 × share of the population with
// a lower probability.
func scores(prob []float64) []float64 {
	n := len(prob)
	sorted := slices.Clone(prob)
	slices.Sort(sorted)
	out := make([]float64, n)
	for i, p := range prob {
		// the number of profiles with a lower probability
		below, _ := slices.BinarySearch(sorted, p)
		out[i] = 100 * float64(below) / float64(n)
	}
	return out
}

// Bucket maps a 0-100 score to high / medium / low.
func Bucket(score float64) string {
	switch {
	case score >= 75:
		return "high"
	case score >= 25:
		return "medium"
	}
	return "low"
}

// record builds the result set; nfactors < 0 uses the model's default.
func (s *scored) record(mem memory.Allocator, nfactors int) (arrow.RecordBatch, error) {
	mf := s.mf
	idType := s.ids.DT
	schema := scoreSchema(mf.Identity, idType)
	if nfactors < 0 {
		nfactors = mf.Factors
	}
	n := len(s.prob)
	sc := scores(s.prob)
	pb := array.NewFloat64Builder(mem)
	sb := array.NewFloat64Builder(mem)
	perc := array.NewInt64Builder(mem)
	bb := array.NewStringBuilder(mem)
	cb := array.NewTimestampBuilder(mem, expr.TimestampType)
	mb := array.NewStringBuilder(mem)
	fb := array.NewListBuilder(mem, expr.FactorType)
	builders := []array.Builder{pb, sb, perc, bb, cb, mb, fb}
	defer func() {
		for _, b := range builders {
			b.Release()
		}
	}()
	for i := 0; i < n; i++ {
		pb.Append(s.prob[i])
		sb.Append(sc[i])
		perc.Append(int64(min(100, math.Floor(sc[i])+1)))
		bb.Append(Bucket(sc[i]))
		cb.Append(arrow.Timestamp(s.cutoff))
		mb.Append(mf.Name)
	}
	if nfactors == 0 || n == 0 {
		fb.AppendEmptyValues(n)
	} else {
		s.eachFactors(nfactors, func(_ int, fs []factor) { appendFactors(fb, fs) })
	}
	// id, probability, score, percentile, bucket, factors, cutoff, model
	cols := []arrow.Array{s.ids.ToArrow(mem), pb.NewArray(), sb.NewArray(), perc.NewArray(), bb.NewArray(), fb.NewArray(), cb.NewArray(), mb.NewArray()}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

// factorChunk is how many profiles eachFactors attributes at a time: the
// attributions and worded factors of a chunk are dropped before the next
// (at a million profiles the whole matrix of attributions alone would be
// ~0.8 GB).
var factorChunk = 1 << 16

// eachFactors calls fn with the top n factors of every scored profile, in
// row order. Attribution and wording run on every core, a chunk of
// profiles at a time.
func (s *scored) eachFactors(n int, fn func(row int, fs []factor)) {
	mf := s.mf
	plan := newFactorPlan(mf)
	ref := mf.model.Reference()
	cols := s.X.Cols
	rows := s.X.Rows
	workers := min(runtime.GOMAXPROCS(0), 8)
	bufs := make([]*factorBuffer, workers)
	for w := range bufs {
		bufs[w] = plan.newBuffer()
	}
	perRow := make([][]factor, min(rows, factorChunk))
	for lo := 0; lo < rows; lo += factorChunk {
		hi := min(rows, lo+factorChunk)
		x := ml.Matrix{Rows: hi - lo, Cols: cols, Data: s.X.Data[lo*cols : hi*cols]}
		attr := mf.model.Attribute(x, ref, 0)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < hi-lo; i += workers {
					perRow[i] = plan.profile(x.Data[i*cols:(i+1)*cols], attr.Data[i*attr.Cols:(i+1)*attr.Cols], n, bufs[w])
				}
			}(w)
		}
		wg.Wait()
		for i := 0; i < hi-lo; i++ {
			fn(lo+i, perRow[i])
			perRow[i] = nil
		}
	}
}

func factorText(c ml.Column, desc string, v, typical float64) string {
	if c.Kind == ml.KindBinary && strings.Contains(c.Name, "=") {
		return capitalize(desc)
	}
	if math.IsNaN(v) {
		return capitalize(desc) + ": none"
	}
	return fmt.Sprintf("%s: %s (typical: %s)", capitalize(desc), formatNum(v), formatNum(typical))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func formatNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "none"
	case math.Abs(v) >= 10 || v == math.Trunc(v):
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func appendFactors(fb *array.ListBuilder, fs []factor) {
	fb.Append(true)
	st := fb.ValueBuilder().(*array.StructBuilder)
	top := 0.0
	if len(fs) > 0 {
		top = fs[0].impact
	}
	for _, f := range fs {
		st.Append(true)
		st.FieldBuilder(0).(*array.StringBuilder).Append(f.code)
		st.FieldBuilder(1).(*array.StringBuilder).Append(f.text)
		appendMaybe(st.FieldBuilder(2).(*array.Float64Builder), f.value)
		appendMaybe(st.FieldBuilder(3).(*array.Float64Builder), f.typical)
		st.FieldBuilder(4).(*array.Float64Builder).Append(f.impact)
		imp := "low"
		switch {
		case f.impact >= 0.5*top:
			imp = "high"
		case f.impact >= 0.2*top:
			imp = "medium"
		}
		st.FieldBuilder(5).(*array.StringBuilder).Append(imp)
	}
}

func appendMaybe(b *array.Float64Builder, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		b.AppendNull()
		return
	}
	b.Append(v)
}

// scoreSaved loads a saved model and scores it at its default cutoff
// (midnight after the latest event), as INSIGHTS and REPORT do.
func (e *Engine) scoreSaved(ctx context.Context, pos ast.Pos, name string, params []any) (*modelFile, *scored, error) {
	mf, err := e.loadModel(pos, name)
	if err != nil {
		return nil, nil, err
	}
	b := e.binder(params)
	defer b.Release()
	s, err := e.score(ctx, b, mf, 0)
	if err != nil {
		return nil, nil, err
	}
	return mf, s, nil
}
