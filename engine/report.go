package engine

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
	"github.com/cai-dev/cai/storage"
)

// report writes a model's report: one self-contained HTML file (inline
// CSS and SVG, no script, nothing fetched) with the definition, data
// counts, metrics, score distribution, ROC, lift, gains, calibration,
// global factors, factors per bucket and the latest backtest.
func (e *Engine) report(ctx context.Context, st *ast.Report, params []any) (*Result, error) {
	path, err := e.checkPath(st.At, st.Path, true)
	if err != nil {
		return nil, err
	}
	mf, s, err := e.scoreSaved(ctx, st.At, st.Model, params)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := renderReport(&buf, buildReport(mf, s, time.Now().UTC())); err != nil {
		return nil, planner.Errorf(st.At, ErrExecution, "report: %v", err)
	}
	if err := storage.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return nil, planner.Errorf(st.At, ErrFile, "report: %v", err)
	}
	return &Result{Message: fmt.Sprintf("wrote report for %s to %s (%d KB)", mf.Name, st.Path, (buf.Len()+1023)/1024)}, nil
}

// ---- report data ----

type reportData struct {
	Name, Kind, Definition, Identity string
	Outcome                          string // what "positive" means, in words
	AsOf, Window, Lookback           string
	TrainedAt, TrainTime, Generated  string
	Network                          string
	Events, Skipped, Features        string
	Snapshots                        []SnapshotCount
	Metrics                          []reportMetric
	Warning                          string
	ScoredAt                         string
	Scored                           int
	BucketCounts                     []reportKV
	Deciles                          []reportDecile
	Histogram, ROC, Lift, Gains      *chart
	Calibration, Factors             *chart
	Buckets                          []reportBucket
	Backtest                         *chart
	BacktestRows                     []reportBacktestRow
	BacktestNote                     string
}

type reportKV struct{ Key, Value string }

type reportMetric struct{ Name, Value, Note string }

type reportDecile struct {
	Decile, Profiles, Positives, Range, Rate, Lift, Gain string
}

type reportBucket struct {
	Name     string
	Profiles int
	Chart    *chart
	Rows     []reportBucketRow
}

type reportBucketRow struct {
	Rank, Code, Feature, Coverage, Impact, InBucket, Overall string
}

type reportBacktestRow struct {
	Bucket, Profiles, Expected, Actual string
}

// buildReport gathers everything the report shows; s is the model scored
// at its default cutoff.
func buildReport(mf *modelFile, s *scored, now time.Time) *reportData {
	d := &reportData{Name: mf.Name, Kind: mf.Kind, Definition: mf.Definition, Identity: mf.Identity,
		AsOf: expr.FormatTime(mf.AsOf), Window: expr.FormatDuration(mf.Window), Lookback: expr.FormatDuration(mf.Lookback),
		TrainedAt: mf.TrainedAt.Format("2006-01-02 15:04 MST"), TrainTime: (time.Duration(mf.TrainTimeMS) * time.Millisecond).String(),
		Generated: now.Format("2006-01-02 15:04 MST"),
		Events:    strconv.FormatInt(mf.Events, 10), Skipped: strconv.FormatInt(mf.Skipped, 10), Features: strconv.Itoa(len(mf.Columns)),
		Snapshots: mf.Counts, ScoredAt: expr.FormatTime(s.cutoff), Scored: len(s.prob)}
	d.Outcome = "reaches the goal"
	if mf.Kind == "CHURN" {
		d.Outcome = "churns (no goal event)"
	}
	d.Outcome += " within " + d.Window
	if mf.model != nil {
		info := mf.model.Info()
		d.Network = fmt.Sprintf("%d inputs, %d epochs (best %d), %s calibration; train %d rows (%d positive), validation %d (%d positive)",
			info.Inputs, info.Epochs, info.BestEpoch, info.Calibration, info.TrainRows, info.TrainPositives, info.ValRows, info.ValPositives)
		if info.Note != "" {
			d.Network += "; " + info.Note
		}
	}
	m := mf.Metrics
	d.Metrics = []reportMetric{
		{"AUC", fmtF(m.AUC, 3), "chance a random positive is ranked above a random negative (0.5 = random, 1 = perfect)"},
		{"PR-AUC", fmtF(m.PRAUC, 3), fmt.Sprintf("average precision (a random model scores the base rate, %s)", fmtF(m.BaseRate, 3))},
		{"Log loss", fmtF(m.LogLoss, 4), "mean negative log-likelihood (lower is better)"},
		{"Brier", fmtF(m.Brier, 4), "mean squared error of the probability (lower is better)"},
		{"ECE", fmtF(m.ECE, 4), "expected calibration error over 10 bins (lower is better)"},
		{"Base rate", fmtF(m.BaseRate, 3), "share of held-out profiles that " + d.Outcome},
		{"Test rows", strconv.Itoa(m.N), fmt.Sprintf("held-out profile snapshots, %d positive", m.Positives)},
	}
	if m.AUC > 0 && m.AUC < 0.65 {
		d.Warning = "Model quality is poor (AUC below 0.65): use the scores with care."
	}
	for _, dc := range mf.Deciles {
		d.Deciles = append(d.Deciles, reportDecile{Decile: strconv.Itoa(dc.Decile), Profiles: strconv.Itoa(dc.N), Positives: strconv.Itoa(dc.Positives),
			Range: fmtF(dc.MinScore, 3) + " – " + fmtF(dc.MaxScore, 3), Rate: fmtPct(dc.Rate), Lift: fmtF(dc.Lift, 2), Gain: fmtPct(dc.CumGain)})
	}
	d.Histogram = histogramChart(s)
	d.ROC = rocChart(mf)
	d.Lift = liftChart(mf)
	d.Gains = gainsChart(mf)
	d.Calibration = calibrationChart(mf)
	d.Factors = factorsChart(mf)
	for _, bi := range bucketFactors(s, insightsTop) {
		rb := reportBucket{Name: bi.Bucket, Profiles: bi.Profiles, Chart: bucketChart(bi)}
		d.BucketCounts = append(d.BucketCounts, reportKV{bi.Bucket, strconv.Itoa(bi.Profiles)})
		for _, f := range bi.Factors {
			row := reportBucketRow{Rank: strconv.Itoa(f.Rank), Code: f.Code, Feature: f.Describe, Coverage: fmtPct(f.Coverage), Impact: fmtF(f.MeanImpact, 3)}
			if f.Binary {
				row.InBucket, row.Overall = fmtPct(f.TypicalBucket)+" of profiles", fmtPct(f.TypicalOverall)+" of profiles"
			} else {
				row.InBucket, row.Overall = formatNum(f.TypicalBucket), formatNum(f.TypicalOverall)
			}
			rb.Rows = append(rb.Rows, row)
		}
		d.Buckets = append(d.Buckets, rb)
	}
	if bt := mf.Backtest; bt != nil {
		d.Backtest = backtestChart(bt)
		for _, c := range bt.Buckets {
			d.BacktestRows = append(d.BacktestRows, reportBacktestRow{c.Bucket, strconv.Itoa(c.Profiles), fmtPct(c.Expected), fmtPct(c.Actual)})
		}
		d.BacktestNote = fmt.Sprintf("Scored as of %s, outcome in the following %s; AUC %s.", expr.FormatTime(bt.Cutoff), d.Window, fmtF(bt.AUC, 3))
	} else {
		d.BacktestNote = fmt.Sprintf("No backtest yet — run BACKTEST %s AS OF '...' with a cutoff at least %s before the latest event.", mf.Name, d.Window)
	}
	return d
}

func renderReport(w io.Writer, d *reportData) error {
	return reportTemplate.Execute(w, d)
}

func fmtF(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func fmtPct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// ---- charts ----

// chart is one SVG chart, drawn in a W×H view box. Coordinates are
// preformatted strings; every text goes through html/template.
type chart struct {
	ID, Title, Caption string
	W, H               int
	Lines              []svgLine
	Rects              []svgRect
	Paths              []svgPath
	Dots               []svgDot
	Texts              []svgText
	Legend             []legendItem
}

type svgLine struct{ X1, Y1, X2, Y2, Class string }

type svgRect struct{ X, Y, W, H, Class, Tip string }

type svgPath struct{ D, Class string }

type svgDot struct{ X, Y, R, Class, Tip string }

type svgText struct{ X, Y, Anchor, Class, Text, Transform string }

type legendItem struct{ Class, Label string }

func px(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// plot maps data coordinates into a chart's plot area.
type plot struct {
	c                      *chart
	left, top, right, bot  float64
	xmin, xmax, ymin, ymax float64
}

func newPlot(c *chart, left, top, right, bottom float64, xmin, xmax, ymin, ymax float64) *plot {
	if xmax <= xmin {
		xmax = xmin + 1
	}
	if ymax <= ymin {
		ymax = ymin + 1
	}
	return &plot{c: c, left: left, top: top, right: float64(c.W) - right, bot: float64(c.H) - bottom,
		xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax}
}

// squarePlot is a plot with a square area centred in the chart and the
// same range on both axes.
func squarePlot(c *chart, lo, hi float64) *plot {
	const top, bottom = 20, 44
	side := float64(c.H - top - bottom)
	margin := (float64(c.W) - side) / 2
	return newPlot(c, margin, top, margin, bottom, lo, hi, lo, hi)
}

func (p *plot) X(v float64) float64 {
	return p.left + (v-p.xmin)/(p.xmax-p.xmin)*(p.right-p.left)
}

func (p *plot) Y(v float64) float64 {
	return p.bot - (v-p.ymin)/(p.ymax-p.ymin)*(p.bot-p.top)
}

func (p *plot) line(x1, y1, x2, y2 float64, class string) {
	p.c.Lines = append(p.c.Lines, svgLine{px(x1), px(y1), px(x2), px(y2), class})
}

func (p *plot) text(x, y float64, anchor, class, s string) {
	p.c.Texts = append(p.c.Texts, svgText{X: px(x), Y: px(y), Anchor: anchor, Class: class, Text: s})
}

// yAxis draws horizontal grid lines and labels at ticks.
func (p *plot) yAxis(ticks []float64, format func(float64) string, label string) {
	for _, t := range ticks {
		y := p.Y(t)
		p.line(p.left, y, p.right, y, "gridline")
		p.text(p.left-6, y+4, "end", "tick", format(t))
	}
	if label != "" {
		x, y := math.Max(14, p.left-44), (p.top+p.bot)/2
		p.c.Texts = append(p.c.Texts, svgText{X: px(x), Y: px(y), Anchor: "middle", Class: "axis-label", Text: label,
			Transform: fmt.Sprintf("rotate(-90 %s %s)", px(x), px(y))})
	}
}

// xAxis draws the baseline, tick marks and labels at ticks.
func (p *plot) xAxis(ticks []float64, format func(float64) string, label string) {
	p.line(p.left, p.bot, p.right, p.bot, "axis")
	for _, t := range ticks {
		x := p.X(t)
		p.line(x, p.bot, x, p.bot+4, "axis")
		p.text(x, p.bot+17, "middle", "tick", format(t))
	}
	if label != "" {
		p.text((p.left+p.right)/2, float64(p.c.H)-6, "middle", "axis-label", label)
	}
}

// pathOf joins points into an SVG path.
func (p *plot) pathOf(xs, ys []float64) string {
	var sb strings.Builder
	for i := range xs {
		if i == 0 {
			sb.WriteString("M")
		} else {
			sb.WriteString(" L")
		}
		sb.WriteString(px(p.X(xs[i])))
		sb.WriteString(" ")
		sb.WriteString(px(p.Y(ys[i])))
	}
	return sb.String()
}

// niceTicks returns round tick values covering [lo, hi] with about n steps.
func niceTicks(lo, hi float64, n int) []float64 {
	if hi <= lo || n < 1 {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// niceMax rounds v up to a tick-friendly value.
func niceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 1
	}
	t := niceTicks(0, v, 5)
	if last := t[len(t)-1]; last >= v {
		return last
	}
	return v
}

// roundTo rounds v to prec decimals, without a negative zero.
func roundTo(v float64, prec int) string {
	p := math.Pow(10, float64(prec))
	r := math.Round(v*p) / p
	if r == 0 {
		r = 0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func pctTick(v float64) string  { return roundTo(100*v, 1) + "%" }
func numTick(v float64) string  { return roundTo(v, 6) }
func probTick(v float64) string { return roundTo(v, 3) }

// histogramChart is the distribution of calibrated probabilities at the
// scoring cutoff, bins coloured by bucket, with the bucket thresholds.
func histogramChart(s *scored) *chart {
	c := &chart{ID: "chart-histogram", Title: "Score distribution", W: 560, H: 310}
	n := len(s.prob)
	if n == 0 {
		c.Caption = "No eligible profiles at the scoring cutoff."
		return c
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range s.prob {
		lo, hi = math.Min(lo, p), math.Max(hi, p)
	}
	const bins = 24
	lo = math.Floor(lo*100) / 100
	hi = math.Ceil(hi*100) / 100
	if hi-lo < 0.02 {
		lo, hi = math.Max(0, lo-0.01), math.Min(1, hi+0.01)
		if hi <= lo {
			hi = lo + 0.02
		}
	}
	width := (hi - lo) / bins
	counts := make([]int, bins)
	sc := scores(s.prob)
	// the lowest probability of the high and of the medium bucket
	thrHigh, thrMed := math.Inf(1), math.Inf(1)
	for i, p := range s.prob {
		k := min(bins-1, max(0, int((p-lo)/width)))
		counts[k]++
		switch Bucket(sc[i]) {
		case "high":
			thrHigh = math.Min(thrHigh, p)
		case "medium":
			thrMed = math.Min(thrMed, p)
		}
	}
	top := 0
	for _, k := range counts {
		top = max(top, k)
	}
	p := newPlot(c, 56, 40, 16, 44, lo, hi, 0, niceMax(float64(top)))
	p.yAxis(niceTicks(0, p.ymax, 4), numTick, "profiles")
	for k, cnt := range counts {
		b0, b1 := lo+float64(k)*width, lo+float64(k+1)*width
		mid := (b0 + b1) / 2
		class := "bar-low"
		switch {
		case mid >= thrHigh:
			class = "bar-high"
		case mid >= thrMed:
			class = "bar-medium"
		}
		x0, x1 := p.X(b0)+1, p.X(b1)-1
		y := p.Y(float64(cnt))
		c.Rects = append(c.Rects, svgRect{X: px(x0), Y: px(y), W: px(math.Max(0.5, x1-x0)), H: px(p.bot - y), Class: class,
			Tip: fmt.Sprintf("probability %s–%s: %d profiles", probTick(b0), probTick(b1), cnt)})
	}
	p.xAxis(niceTicks(lo, hi, 6), probTick, "calibrated probability")
	for k, t := range []struct {
		v     float64
		label string
	}{{thrMed, "medium ≥ "}, {thrHigh, "high ≥ "}} {
		if math.IsInf(t.v, 0) {
			continue
		}
		x := p.X(t.v)
		y := p.top - 22 + 13*float64(k) // stagger the two labels
		p.line(x, y+4, x, p.bot, "threshold")
		if x > p.left+0.7*(p.right-p.left) {
			p.text(x-3, y, "end", "note", t.label+probTick(t.v))
		} else {
			p.text(x+3, y, "start", "note", t.label+probTick(t.v))
		}
	}
	c.Legend = []legendItem{{"bar-high", "high (score ≥ 75)"}, {"bar-medium", "medium (25–75)"}, {"bar-low", "low (< 25)"}}
	c.Caption = fmt.Sprintf("%d profiles scored as of %s. The score is the share of profiles with a lower probability; buckets split it at 25 and 75.",
		n, expr.FormatTime(s.cutoff))
	return c
}

// rocChart is the ROC curve on the held-out test split.
func rocChart(mf *modelFile) *chart {
	c := &chart{ID: "chart-roc", Title: "ROC curve (held-out profiles)", W: 560, H: 340}
	p := squarePlot(c, 0, 1)
	ticks := niceTicks(0, 1, 5)
	p.yAxis(ticks, numTick, "true positive rate")
	p.xAxis(ticks, numTick, "false positive rate")
	p.c.Paths = append(p.c.Paths, svgPath{D: p.pathOf([]float64{0, 1}, []float64{0, 1}), Class: "baseline"})
	fpr, tpr := ml.ROC(mf.TestY, mf.TestP, 200)
	if len(fpr) == 0 {
		c.Caption = "No ROC curve: the test split holds a single class."
		return c
	}
	area := p.pathOf(append(append([]float64{}, fpr...), 1), append(append([]float64{}, tpr...), 0)) + " Z"
	c.Paths = append(c.Paths, svgPath{D: area, Class: "area"}, svgPath{D: p.pathOf(fpr, tpr), Class: "curve"})
	p.text(p.X(0.96), p.Y(0.06), "end", "big", "AUC "+fmtF(mf.Metrics.AUC, 3))
	c.Caption = fmt.Sprintf("%d held-out rows. The dashed diagonal is a random ranking.", len(mf.TestY))
	return c
}

// liftChart is the lift per decile of the test split.
func liftChart(mf *modelFile) *chart {
	c := &chart{ID: "chart-lift", Title: "Lift by decile", W: 560, H: 300}
	top := 1.0
	for _, d := range mf.Deciles {
		if !math.IsNaN(d.Lift) {
			top = math.Max(top, d.Lift)
		}
	}
	p := newPlot(c, 56, 20, 16, 44, 0.5, 10.5, 0, niceMax(top*1.08))
	p.yAxis(niceTicks(0, p.ymax, 4), numTick, "lift")
	bw := (p.X(1) - p.X(0)) * 0.7
	for _, d := range mf.Deciles {
		lift := d.Lift
		if math.IsNaN(lift) {
			lift = 0
		}
		x := p.X(float64(d.Decile)) - bw/2
		y := p.Y(lift)
		c.Rects = append(c.Rects, svgRect{X: px(x), Y: px(y), W: px(bw), H: px(p.bot - y), Class: "bar",
			Tip: fmt.Sprintf("decile %d: %d profiles, %s positive, lift %s", d.Decile, d.N, fmtPct(d.Rate), fmtF(d.Lift, 2))})
		p.text(x+bw/2, y-4, "middle", "value", fmtF(d.Lift, 2))
	}
	var ticks []float64
	for k := 1; k <= 10; k++ {
		ticks = append(ticks, float64(k))
	}
	p.xAxis(ticks, numTick, "decile (1 = highest probabilities)")
	p.line(p.left, p.Y(1), p.right, p.Y(1), "threshold")
	c.Caption = "Positive rate of each tenth of the held-out profiles, ranked by probability, over the base rate. 1 (dashed) is random."
	return c
}

// gainsChart is the cumulative share of positives captured by decile.
func gainsChart(mf *modelFile) *chart {
	c := &chart{ID: "chart-gains", Title: "Cumulative gains", W: 560, H: 300}
	p := newPlot(c, 56, 20, 16, 44, 0, 1, 0, 1)
	ticks := niceTicks(0, 1, 5)
	p.yAxis(ticks, pctTick, "positives captured")
	p.xAxis(ticks, pctTick, "profiles targeted (highest probability first)")
	c.Paths = append(c.Paths, svgPath{D: p.pathOf([]float64{0, 1}, []float64{0, 1}), Class: "baseline"})
	xs, ys := []float64{0}, []float64{0}
	total := 0
	for _, d := range mf.Deciles {
		total += d.N
	}
	cum := 0
	for _, d := range mf.Deciles {
		cum += d.N
		g := d.CumGain
		if math.IsNaN(g) {
			g = 0
		}
		xs, ys = append(xs, float64(cum)/float64(max(total, 1))), append(ys, g)
	}
	c.Paths = append(c.Paths, svgPath{D: p.pathOf(xs, ys), Class: "curve"})
	for i := 1; i < len(xs); i++ {
		c.Dots = append(c.Dots, svgDot{X: px(p.X(xs[i])), Y: px(p.Y(ys[i])), R: "3.5", Class: "dot",
			Tip: fmt.Sprintf("top %s of profiles: %s of positives", pctTick(xs[i]), fmtPct(ys[i]))})
	}
	c.Caption = "Share of all positives found by targeting the top deciles. The dashed diagonal is random targeting."
	return c
}

// calibrationChart compares predicted probabilities with observed rates
// on the test split.
func calibrationChart(mf *modelFile) *chart {
	c := &chart{ID: "chart-calibration", Title: "Calibration", W: 560, H: 340}
	pred, frac, counts := ml.CalibrationCurve(mf.TestY, mf.TestP, 10)
	top := 0.0
	for i := range pred {
		top = math.Max(top, math.Max(pred[i], frac[i]))
	}
	hi := math.Min(1, niceMax(top*1.05))
	p := squarePlot(c, 0, hi)
	ticks := niceTicks(0, hi, 5)
	p.yAxis(ticks, probTick, "observed rate")
	p.xAxis(ticks, probTick, "mean predicted probability")
	c.Paths = append(c.Paths, svgPath{D: p.pathOf([]float64{0, hi}, []float64{0, hi}), Class: "baseline"})
	if len(pred) == 0 {
		c.Caption = "No held-out rows."
		return c
	}
	c.Paths = append(c.Paths, svgPath{D: p.pathOf(pred, frac), Class: "curve"})
	maxCount := 0
	for _, k := range counts {
		maxCount = max(maxCount, k)
	}
	for i := range pred {
		r := 3 + 5*math.Sqrt(float64(counts[i])/float64(maxCount))
		c.Dots = append(c.Dots, svgDot{X: px(p.X(pred[i])), Y: px(p.Y(frac[i])), R: px(r), Class: "dot",
			Tip: fmt.Sprintf("%d rows: predicted %s, observed %s", counts[i], fmtF(pred[i], 3), fmtF(frac[i], 3))})
	}
	c.Caption = fmt.Sprintf("Held-out rows in 10 probability bins (dot size = rows). On the dashed diagonal a 0.2 means one in five. ECE %s.", fmtF(mf.Metrics.ECE, 4))
	return c
}

// hbarChart draws horizontal bars with a label on the left and a value
// text on the right.
func hbarChart(c *chart, labels []string, values []float64, texts, tips []string, class string, pct bool) {
	const rowH = 22.0
	c.H = int(16 + rowH*float64(max(len(labels), 1)))
	top := 0.0
	for _, v := range values {
		top = math.Max(top, v)
	}
	if pct {
		top = math.Max(top, 0)
		top = math.Min(1, niceMax(top))
	}
	p := newPlot(c, 200, 8, 70, 8, 0, math.Max(top, 1e-9), 0, 1)
	for i, l := range labels {
		y := p.top + float64(i)*rowH
		w := math.Max(1, p.X(values[i])-p.left)
		c.Rects = append(c.Rects, svgRect{X: px(p.left), Y: px(y + 3), W: px(w), H: px(rowH - 6), Class: class, Tip: tips[i]})
		p.text(p.left-8, y+rowH/2+4, "end", "label", l)
		p.text(p.left+w+6, y+rowH/2+4, "start", "value", texts[i])
	}
	p.bot = p.top + rowH*float64(len(labels)) + 2
	p.line(p.left, p.top, p.left, p.bot, "axis")
}

// factorsChart is the global factor importance (top 15).
func factorsChart(mf *modelFile) *chart {
	c := &chart{ID: "chart-factors", Title: "What drives the model", W: 560}
	imp := mf.Importance
	if len(imp) > 15 {
		imp = imp[:15]
	}
	var labels, texts, tips []string
	var values []float64
	for _, f := range imp {
		labels = append(labels, f.Code)
		values = append(values, f.Importance)
		texts = append(texts, fmtF(f.Importance, 3))
		tips = append(tips, fmt.Sprintf("%s: mean |impact| %s", f.Code, fmtF(f.Importance, 4)))
	}
	hbarChart(c, labels, values, texts, tips, "bar", false)
	c.Caption = "Global factor importance: mean absolute impact on the score over training profiles (top 15)."
	return c
}

// bucketChart is the coverage of a bucket's top factors.
func bucketChart(bi bucketInsight) *chart {
	c := &chart{ID: "chart-bucket-" + bi.Bucket, Title: "Top factors in the " + bi.Bucket + " bucket", W: 560}
	var labels, texts, tips []string
	var values []float64
	for _, f := range bi.Factors {
		labels = append(labels, f.Code)
		values = append(values, f.Coverage)
		texts = append(texts, fmtPct(f.Coverage))
		tips = append(tips, fmt.Sprintf("%s: top factor for %d of %d profiles, mean impact %s", f.Code, f.Profiles, bi.Profiles, fmtF(f.MeanImpact, 3)))
	}
	hbarChart(c, labels, values, texts, tips, "bar-"+bi.Bucket, true)
	c.Caption = fmt.Sprintf("%d profiles. Bar: share of them with the factor among their top factors.", bi.Profiles)
	return c
}

// backtestChart compares expected and actual outcome rates per bucket at
// the latest backtest cutoff.
func backtestChart(bt *backtestResult) *chart {
	c := &chart{ID: "chart-backtest", Title: "Backtest: expected vs actual", W: 560, H: 300}
	top := 0.0
	for _, b := range bt.Buckets {
		top = math.Max(top, math.Max(b.Expected, b.Actual))
	}
	hi := math.Min(1, niceMax(top*1.1))
	p := newPlot(c, 56, 20, 16, 44, 0, float64(max(len(bt.Buckets), 1)), 0, hi)
	p.yAxis(niceTicks(0, hi, 4), pctTick, "outcome rate")
	p.line(p.left, p.bot, p.right, p.bot, "axis")
	slot := p.X(1) - p.X(0)
	bw := slot * 0.3
	for i, b := range bt.Buckets {
		cx := p.X(float64(i) + 0.5)
		for k, v := range []float64{b.Expected, b.Actual} {
			class, what := "bar-expected", "expected"
			x := cx - bw - 2
			if k == 1 {
				class, what, x = "bar-actual", "actual", cx+2
			}
			y := p.Y(v)
			c.Rects = append(c.Rects, svgRect{X: px(x), Y: px(y), W: px(bw), H: px(p.bot - y), Class: class,
				Tip: fmt.Sprintf("%s bucket (%d profiles): %s %s", b.Bucket, b.Profiles, what, fmtPct(v))})
			p.text(x+bw/2, y-4, "middle", "value", fmtPct(v))
		}
		p.text(cx, p.bot+17, "middle", "tick", fmt.Sprintf("%s (%d)", b.Bucket, b.Profiles))
	}
	c.Legend = []legendItem{{"bar-expected", "expected (mean probability)"}, {"bar-actual", "actual rate"}}
	c.Caption = fmt.Sprintf("Scores as of %s against what happened next. AUC %s.", expr.FormatTime(bt.Cutoff), fmtF(bt.AUC, 3))
	return c
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"fmtTime": expr.FormatTime}).Parse(reportHTML))
