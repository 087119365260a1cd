package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser/ast"
)

// explainPredict shows what a PREDICT would train on without training:
// cutoffs, windows, eligible counts and label balance per snapshot, and
// the feature plan.
func (e *Engine) explainPredict(ctx context.Context, st ast.Stmt, params []any) (*Result, error) {
	spec := predictSpecIn(st)
	b := e.binder(params)
	defer b.Release()
	p, err := e.prepare(b, spec)
	if err != nil {
		return nil, err
	}
	defer p.release()
	asOf, cutoffs, err := planCutoffs(p)
	if err != nil {
		return nil, err
	}
	types, attrs, err := planInputs(p)
	if err != nil {
		return nil, err
	}
	fs, err := e.computeFeatures(ctx, p, types, attrs, cutoffs, pickNone)
	if err != nil {
		return nil, err
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	add("Predict %s of %s", strings.ToUpper(spec.Kind), spec.Events)
	add("├── identity %q, timestamp %q, event type %s", p.events.Schema.Field(p.idCol).Name, p.events.Schema.Field(p.tsCol).Name, typeName(p))
	add("├── goal %s within %s, lookback %s", p.goal, expr.FormatDuration(p.window), expr.FormatDuration(p.lookback))
	add("├── scoring cutoff (AS OF) %s", expr.FormatTime(asOf))
	add("├── events %d read, %d skipped without identity", fs.res.Events, fs.res.Skipped)
	add("├── training snapshots")
	for _, sd := range fs.snaps {
		c := countSnapshot(p, sd)
		add("│   ├── features [%s, %s), labels [%s, %s): %d eligible, %d positive, %d negative",
			expr.FormatTime(sd.cutoff-p.lookback), expr.FormatTime(sd.cutoff), expr.FormatTime(sd.cutoff), expr.FormatTime(sd.cutoff+p.window), c.Eligible, c.Positives, c.Negatives)
	}
	add("└── feature plan: %d columns in one pass over %s", len(fs.columns), spec.Events)
	for i, c := range fs.columns {
		branch := "├──"
		if i == len(fs.columns)-1 {
			branch = "└──"
		}
		add("    %s %s: %s", branch, c.Name, fs.desc[i])
	}
	rb := e.newRows(col("plan", expr.StringType))
	for _, l := range lines {
		rb.add(l)
	}
	return rb.result(), nil
}

func typeName(p *prepared) string {
	if p.typeCol < 0 {
		return "(none: every row is one kind of event)"
	}
	return fmt.Sprintf("%q", p.events.Schema.Field(p.typeCol).Name)
}
