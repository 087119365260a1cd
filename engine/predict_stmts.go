package engine

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// execPredictive runs the statements about models and segments.
func (e *Engine) execPredictive(ctx context.Context, st ast.Stmt, params []any) (*Result, error) {
	switch st := st.(type) {
	case *ast.CreateModel:
		return e.createModel(ctx, st, params)
	case *ast.Evaluate:
		return e.evaluate(st)
	case *ast.Backtest:
		return e.backtest(ctx, st, params)
	case *ast.Insights:
		return e.insights(ctx, st, params)
	case *ast.CreateSegment:
		return e.createSegment(ctx, st, params, st.OrReplace)
	case *ast.RefreshSegment:
		return e.refreshSegment(ctx, st, params)
	case *ast.Report:
		return e.report(ctx, st, params)
	}
	return nil, planner.Errorf(st.Pos(), planner.ErrUnsupported, "statement not supported")
}

func (e *Engine) createModel(ctx context.Context, st *ast.CreateModel, params []any) (*Result, error) {
	if !st.OrReplace {
		if _, err := e.cat.Model(st.Name); err == nil {
			return nil, planner.Errorf(st.At, planner.ErrExists, "model %q already exists (use CREATE OR REPLACE MODEL)", st.Name)
		}
	}
	b := e.binder(params)
	defer b.Release()
	p, err := e.prepare(b, st.Spec)
	if err != nil {
		return nil, err
	}
	defer p.release()
	mf, err := e.train(ctx, p, st.Name, st.Source())
	if err != nil {
		return nil, err
	}
	blob, err := mf.marshal()
	if err != nil {
		return nil, err
	}
	e.predicted.drop(st.Name)
	if err := e.cat.PutModel(&catalog.Model{Name: st.Name, Definition: st.Source(), Blob: blob, CreatedAt: mf.TrainedAt,
		Meta: map[string]string{"kind": mf.Kind, "auc": fmt.Sprintf("%.4f", mf.Metrics.AUC)}}, st.OrReplace); err != nil {
		return nil, err
	}
	return &Result{Message: fmt.Sprintf("created model %s: test AUC %.3f, PR-AUC %.3f, base rate %.3f on %d held-out rows; %d training snapshots (%s)",
		st.Name, mf.Metrics.AUC, mf.Metrics.PRAUC, mf.Metrics.BaseRate, mf.Metrics.N, len(mf.Counts), time.Duration(mf.TrainTimeMS)*time.Millisecond)}, nil
}

// bindPredict binds PREDICT(model) in FROM, PREDICT USING and one-shot
// PREDICT as plan sources.
func (e *Engine) bindPredict(b *planner.Binder, n ast.Node) (planner.Node, error) {
	switch n := n.(type) {
	case *ast.PredictTable:
		return e.predictSource(b, n.At, n.Model, n.AsOf, nil)
	case *ast.PredictUsing:
		return e.predictSource(b, n.At, n.Model, n.AsOf, n.Where)
	case *ast.Predict:
		return e.oneShot(b, n)
	}
	return nil, planner.Errorf(n.Pos(), planner.ErrInvalid, "not a PREDICT")
}

func (e *Engine) predictSource(b *planner.Binder, pos ast.Pos, model string, asOfExpr ast.Expr, where ast.Expr) (planner.Node, error) {
	mf, err := e.loadModel(pos, model)
	if err != nil {
		return nil, err
	}
	var asOf int64
	if asOfExpr != nil {
		if asOf, err = constTime(b, asOfExpr); err != nil {
			return nil, err
		}
	}
	idType, err := e.identityType(mf)
	if err != nil {
		return nil, planner.Errorf(pos, ErrExecution, "%v", err)
	}
	schema := scoreSchema(mf.Identity, idType)
	src := &planner.Source{Label: fmt.Sprintf("Predict %s", mf.Name)}
	if asOf != 0 {
		src.Label += " as of " + expr.FormatTime(asOf)
	}
	for _, f := range schema.Fields() {
		src.Out = append(src.Out, planner.Column{Name: f.Name, T: f.Type})
	}
	src.Run = func(ctx context.Context, mem memory.Allocator) ([]arrow.RecordBatch, error) {
		inner := e.binder(nil)
		defer inner.Release()
		rec, err := e.predictRecord(ctx, inner, mf, asOf, mem)
		if err != nil {
			return nil, err
		}
		return []arrow.RecordBatch{rec}, nil
	}
	var node planner.Node = src
	if where != nil {
		cond, err := b.BindScalar(src.Out, where)
		if err != nil {
			return nil, err
		}
		node = &planner.Filter{Input: src, Cond: cond}
	}
	return node, nil
}

func (e *Engine) identityType(mf *modelFile) (arrow.DataType, error) {
	spec, err := specOf(mf)
	if err != nil {
		return nil, err
	}
	t, err := e.cat.Table(spec.Events)
	if err != nil {
		return nil, fmt.Errorf("model %s reads table %s: %w", mf.Name, spec.Events, err)
	}
	defer t.Release()
	i := fieldIndexFold(t.Schema, mf.Identity)
	if i < 0 {
		return nil, fmt.Errorf("model %s: identity column %q is gone from table %s", mf.Name, mf.Identity, spec.Events)
	}
	return expr.CanonicalType(expr.KindOf(t.Schema.Field(i).Type)), nil
}

// oneShot trains a throwaway model and returns its scores.
func (e *Engine) oneShot(b *planner.Binder, st *ast.Predict) (planner.Node, error) {
	p, err := e.prepare(b, st.Spec)
	if err != nil {
		return nil, err
	}
	idType := expr.CanonicalType(expr.KindOf(p.events.Schema.Field(p.idCol).Type))
	idName := p.events.Schema.Field(p.idCol).Name
	p.release()
	schema := scoreSchema(idName, idType)
	src := &planner.Source{Label: "Predict (train, then score)"}
	for _, f := range schema.Fields() {
		src.Out = append(src.Out, planner.Column{Name: f.Name, T: f.Type})
	}
	src.Run = func(ctx context.Context, mem memory.Allocator) ([]arrow.RecordBatch, error) {
		inner := e.binder(nil)
		defer inner.Release()
		p, err := e.prepare(inner, st.Spec)
		if err != nil {
			return nil, err
		}
		defer p.release()
		mf, err := e.train(ctx, p, "predict", st.Source())
		if err != nil {
			return nil, err
		}
		s, err := e.score(ctx, inner, mf, mf.AsOf)
		if err != nil {
			return nil, err
		}
		rec, err := s.record(mem, -1)
		if err != nil {
			return nil, err
		}
		return []arrow.RecordBatch{rec}, nil
	}
	return src, nil
}

func (e *Engine) evaluate(st *ast.Evaluate) (*Result, error) {
	mf, err := e.loadModel(st.At, st.Model)
	if err != nil {
		return nil, err
	}
	if st.ByDecile {
		rb := e.newRows(col("decile", expr.IntType), col("profiles", expr.IntType), col("positives", expr.IntType),
			col("min_probability", expr.FloatType), col("max_probability", expr.FloatType), col("rate", expr.FloatType),
			col("lift", expr.FloatType), col("cumulative_gain", expr.FloatType), col("cumulative_lift", expr.FloatType))
		for _, d := range mf.Deciles {
			rb.add(d.Decile, d.N, d.Positives, d.MinScore, d.MaxScore, d.Rate, d.Lift, d.CumGain, d.CumLift)
		}
		r := rb.result()
		r.Chart = "deciles"
		return r, nil
	}
	m := mf.Metrics
	rb := e.newRows(col("metric", expr.StringType), col("value", expr.FloatType))
	for _, kv := range []struct {
		k string
		v float64
	}{{"auc", m.AUC}, {"pr_auc", m.PRAUC}, {"log_loss", m.LogLoss}, {"brier", m.Brier}, {"ece", m.ECE},
		{"base_rate", m.BaseRate}, {"test_rows", float64(m.N)}, {"test_positives", float64(m.Positives)}} {
		rb.add(kv.k, kv.v)
	}
	return rb.result(), nil
}

// backtestResult is expected vs actual outcome per bucket at a past
// cutoff.
type backtestResult struct {
	Cutoff  int64           `json:"cutoff"`
	AUC     float64         `json:"auc"`
	Buckets []backtestCount `json:"buckets"`
}

type backtestCount struct {
	Bucket   string  `json:"bucket"`
	Profiles int     `json:"profiles"`
	Expected float64 `json:"expected"`
	Actual   float64 `json:"actual"`
}

func (e *Engine) backtest(ctx context.Context, st *ast.Backtest, params []any) (*Result, error) {
	mf, err := e.loadModel(st.At, st.Model)
	if err != nil {
		return nil, err
	}
	b := e.binder(params)
	defer b.Release()
	cutoff, err := constTime(b, st.AsOf)
	if err != nil {
		return nil, err
	}
	s, err := e.score(ctx, b, mf, cutoff)
	if err != nil {
		return nil, err
	}
	if cutoff+mf.Window > s.maxTS+expr.MicrosPerDay {
		return nil, planner.Errorf(st.At, &wrapped{kind: ErrOutcomeIncomplete, err: ErrOutcomeIncomplete},
			"the outcome window %s to %s is not complete: events end at %s (pick an earlier AS OF)",
			expr.FormatTime(cutoff), expr.FormatTime(cutoff+mf.Window), expr.FormatTime(s.maxTS))
	}
	if len(s.prob) == 0 {
		return nil, planner.Errorf(st.At, ErrNoPopulation, "no eligible profiles at %s", expr.FormatTime(cutoff))
	}
	bt := &backtestResult{Cutoff: cutoff, AUC: ml.Evaluate(s.outcome, s.prob).AUC}
	sc := scores(s.prob)
	for _, bucket := range []string{"high", "medium", "low"} {
		c := backtestCount{Bucket: bucket}
		for i, v := range sc {
			if Bucket(v) == bucket {
				c.Profiles++
				c.Expected += s.prob[i]
				c.Actual += s.outcome[i]
			}
		}
		if c.Profiles > 0 {
			c.Expected /= float64(c.Profiles)
			c.Actual /= float64(c.Profiles)
		}
		bt.Buckets = append(bt.Buckets, c)
	}
	mf.Backtest = bt
	if m, err := e.cat.Model(mf.Name); err == nil {
		if blob, err := mf.marshal(); err == nil {
			m.Blob = blob
			_ = e.cat.PutModel(m, true) // keep the latest backtest for REPORT; best effort
		}
	}
	rb := e.newRows(col("bucket", expr.StringType), col("profiles", expr.IntType), col("expected_rate", expr.FloatType),
		col("actual_rate", expr.FloatType), col("auc", expr.FloatType), col("cutoff", expr.TimestampType))
	for _, c := range bt.Buckets {
		rb.add(c.Bucket, c.Profiles, c.Expected, c.Actual, nil, cutoff)
	}
	total, exp, act := 0, 0.0, 0.0
	for i := range s.prob {
		total++
		exp += s.prob[i]
		act += s.outcome[i]
	}
	rb.add("all", total, exp/float64(total), act/float64(total), bt.AUC, cutoff)
	return rb.result(), nil
}

func (e *Engine) describeModel(ctx context.Context, st *ast.Describe) (*Result, error) {
	mf, err := e.loadModel(st.At, st.Name)
	if err != nil {
		return nil, err
	}
	rb := e.newRows(col("property", expr.StringType), col("value", expr.StringType))
	info := mf.model.Info()
	rb.add("name", mf.Name)
	rb.add("definition", mf.Definition)
	rb.add("kind", mf.Kind)
	rb.add("identity", mf.Identity)
	rb.add("as_of", expr.FormatTime(mf.AsOf))
	rb.add("window", expr.FormatDuration(mf.Window))
	rb.add("lookback", expr.FormatDuration(mf.Lookback))
	for _, c := range mf.Counts {
		rb.add("snapshot", c.String())
	}
	rb.add("events", fmt.Sprint(mf.Events))
	rb.add("events_skipped_no_identity", fmt.Sprint(mf.Skipped))
	rb.add("features", fmt.Sprint(len(mf.Columns)))
	rb.add("event_types", strings.Join(mf.EventTypes, ", "))
	rb.add("network", fmt.Sprintf("inputs %d, epochs %d (best %d), calibration %s %s", info.Inputs, info.Epochs, info.BestEpoch, info.Calibration, info.Note))
	rb.add("rows", fmt.Sprintf("train %d (%d positive), validation %d (%d positive), test %d (%d positive)",
		info.TrainRows, info.TrainPositives, info.ValRows, info.ValPositives, mf.Metrics.N, mf.Metrics.Positives))
	m := mf.Metrics
	rb.add("metrics", fmt.Sprintf("AUC %.4f, PR-AUC %.4f, log loss %.4f, Brier %.4f, ECE %.4f, base rate %.4f", m.AUC, m.PRAUC, m.LogLoss, m.Brier, m.ECE, m.BaseRate))
	if m.AUC > 0 && m.AUC < 0.65 {
		rb.add("warning", "model quality is poor (AUC below 0.65)")
	}
	for i, f := range mf.Importance {
		if i == 10 {
			break
		}
		rb.add("factor", fmt.Sprintf("%s (importance %.4f)", f.Code, f.Importance))
	}
	rb.add("trained_at", mf.TrainedAt.Format(time.RFC3339))
	rb.add("train_time", (time.Duration(mf.TrainTimeMS) * time.Millisecond).String())
	rb.add("fit_time", (time.Duration(mf.FitTimeMS) * time.Millisecond).String())
	return rb.result(), nil
}

func (e *Engine) showModels() (*Result, error) {
	rb := e.newRows(col("name", expr.StringType), col("kind", expr.StringType), col("auc", expr.FloatType), col("created_at", expr.TimestampType), col("definition", expr.StringType))
	for _, n := range e.cat.Models() {
		m, err := e.cat.Model(n)
		if err != nil {
			rb.add(n, nil, nil, nil, err.Error())
			continue
		}
		auc := math.NaN()
		fmt.Sscan(m.Meta["auc"], &auc)
		var a any = auc
		if math.IsNaN(auc) {
			a = nil
		}
		rb.add(m.Name, m.Meta["kind"], a, m.CreatedAt.UnixMicro(), m.Definition)
	}
	return rb.result(), nil
}
