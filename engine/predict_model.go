package engine

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/features"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// modelFileVersion is the version of the model metadata format.
const modelFileVersion = 1

// modelFile is what a saved model holds besides the network: the
// definition, the frozen feature plan, data counts and evaluation.
type modelFile struct {
	Version     int             `json:"version"`
	Name        string          `json:"name"`
	Definition  string          `json:"definition"`
	Kind        string          `json:"kind"`
	Identity    string          `json:"identity"`
	AsOf        int64           `json:"as_of"`
	Window      int64           `json:"window"`
	Lookback    int64           `json:"lookback"`
	EventTypes  []string        `json:"event_types"`
	Attrs       []attrSpec      `json:"attrs"`
	Columns     []ml.Column     `json:"columns"`
	Describe    []string        `json:"describe"`
	Typical     []float64       `json:"typical"`
	Counts      []SnapshotCount `json:"counts"`
	Skipped     int64           `json:"skipped_events"`
	Events      int64           `json:"events"`
	Metrics     ml.Metrics      `json:"metrics"`
	Deciles     []ml.Decile     `json:"deciles"`
	TestY       []float64       `json:"test_y"`
	TestP       []float64       `json:"test_p"`
	Importance  []factorWeight  `json:"importance"`
	Factors     int             `json:"factors"`
	TrainedAt   time.Time       `json:"trained_at"`
	TrainTimeMS int64           `json:"train_time_ms"`
	FitTimeMS   int64           `json:"fit_time_ms"`
	Backtest    *backtestResult `json:"backtest,omitempty"`
	Net         []byte          `json:"net"`

	model *ml.Model
}

type factorWeight struct {
	Code       string  `json:"code"`
	Importance float64 `json:"importance"`
}

// marshal encodes the model with encoding/gob (which, unlike JSON,
// keeps NaN, used for missing typical values).
func (mf *modelFile) marshal() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(mf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func unmarshalModelFile(b []byte) (mf *modelFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			mf, err = nil, fmt.Errorf("model file is corrupt: %v", r)
		}
	}()
	mf = &modelFile{}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(mf); err != nil {
		return nil, fmt.Errorf("model file is corrupt: %v", err)
	}
	if mf.Version != modelFileVersion {
		return nil, fmt.Errorf("model file version %d is not supported (want %d)", mf.Version, modelFileVersion)
	}
	m, err := ml.UnmarshalModel(mf.Net)
	if err != nil {
		return nil, fmt.Errorf("model network: %w", err)
	}
	mf.model = m
	if err := mf.check(); err != nil {
		return nil, err
	}
	return mf, nil
}

// defaultAsOf is the start of the day after the latest event.
func defaultAsOf(maxTS int64) int64 {
	day := maxTS - ((maxTS%features.Day)+features.Day)%features.Day
	return day + features.Day
}

// latestEvent finds the largest timestamp of the events.
func latestEvent(p *prepared) (minTS, maxTS int64, err error) {
	minTS, maxTS = math.MaxInt64, math.MinInt64
	for _, rec := range p.events.Batches {
		v, err := expr.FromArrow(rec.Column(p.tsCol))
		if err != nil {
			return 0, 0, err
		}
		for i := 0; i < v.Len; i++ {
			if !v.IsNull(i) {
				minTS = min(minTS, v.I[i])
				maxTS = max(maxTS, v.I[i])
			}
		}
	}
	if maxTS == math.MinInt64 {
		return 0, 0, &DataError{Kind: ErrNoPopulation, Detail: fmt.Sprintf("table %s has no events with a timestamp", p.spec.Events), Remedy: "load events first"}
	}
	return minTS, maxTS, nil
}

// split assigns a profile to train (0), validation (1) or test (2) by a
// seeded hash of its identity, so one person is never on two sides.
func split(id string, seed int64) int {
	u := unitHash(id, 0, seed)
	switch {
	case u < 0.70:
		return 0
	case u < 0.85:
		return 1
	}
	return 2
}

// unitHash maps (id, salt, seed) to [0, 1) deterministically.
func unitHash(id string, salt, seed int64) float64 {
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(seed, 10)))
	h.Write([]byte{0})
	if salt != 0 {
		h.Write([]byte(strconv.FormatInt(salt, 10)))
		h.Write([]byte{0})
	}
	h.Write([]byte(id))
	x := h.Sum64()
	// FNV's high bits mix poorly for short, similar ids ("p000123");
	// finish with the splitmix64 mixer.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / float64(1<<53)
}

// train builds snapshots, checks data sufficiency, trains, calibrates
// and evaluates a model.
func (e *Engine) train(ctx context.Context, p *prepared, name, definition string) (*modelFile, error) {
	start := time.Now()
	asOf, cutoffs, err := planCutoffs(p)
	if err != nil {
		return nil, err
	}
	minClass, err := optInt(p.opts, "min_class", 500)
	if err != nil {
		return nil, err
	}
	nfactors, err := optInt(p.opts, "factors", 5)
	if err != nil {
		return nil, err
	}
	seed, err := optInt(p.opts, "seed", 42)
	if err != nil {
		return nil, err
	}
	types, attrs, err := planInputs(p)
	if err != nil {
		return nil, err
	}
	maxRows, err := optInt(p.opts, "max_rows", 1_000_000)
	if err != nil {
		return nil, err
	}
	tr := &trainingRows{p: p, seed: int64(seed), maxRows: maxRows}
	fs, err := e.computeFeatures(ctx, p, types, attrs, cutoffs, tr.pick)
	if err != nil {
		return nil, err
	}
	mf := &modelFile{Version: modelFileVersion, Name: name, Definition: definition, Kind: strings.ToUpper(p.spec.Kind),
		Identity: p.events.Schema.Field(p.idCol).Name, AsOf: asOf, Window: p.window, Lookback: p.lookback,
		EventTypes: types, Attrs: attrs, Columns: fs.columns, Describe: fs.desc, Factors: nfactors,
		Skipped: fs.res.Skipped, Events: fs.res.Events}
	sets, ids, cuts := tr.sets, tr.ids, tr.cuts
	totalPos, totalNeg := 0, 0
	for _, sd := range fs.snaps {
		c := countSnapshot(p, sd)
		totalPos += c.Positives
		totalNeg += c.Negatives
		mf.Counts = append(mf.Counts, c)
	}
	if err := sufficiency(p, mf.Counts, totalPos, totalNeg, minClass); err != nil {
		return nil, err
	}
	for part, name := range []string{"training", "validation"} {
		if sets[part].X.Rows == 0 || !hasBothClasses(sets[part].Y) {
			return nil, &DataError{Kind: ErrNotEnoughData, Counts: mf.Counts,
				Detail: fmt.Sprintf("the %s split (%d rows; profiles are split 70/15/15) does not hold both outcomes", name, sets[part].X.Rows),
				Remedy: "use more profiles (a wider population or a longer history) so every split sees both outcomes"}
		}
	}
	if path, ok := p.opts["export"]; ok {
		if err := e.exportFeatures(ctx, p, path, mf, sets, ids, cuts); err != nil {
			return nil, err
		}
	}
	opts, err := mlOptions(p.opts)
	if err != nil {
		return nil, err
	}
	opts.Progress = func(s ml.EpochStats) {
		e.progress(fmt.Sprintf("training epoch %d/%d  train loss %.4f  val loss %.4f", s.Epoch, s.Epochs, s.TrainLoss, s.ValLoss), int64(s.Epoch), int64(s.Epochs))
	}
	fitStart := time.Now()
	model, err := ml.Train(ctx, fs.columns, sets[0], sets[1], opts)
	if err != nil {
		return nil, err
	}
	mf.FitTimeMS = time.Since(fitStart).Milliseconds()
	mf.model = model
	if mf.Net, err = model.MarshalBinary(); err != nil {
		return nil, err
	}
	if sets[2].X.Rows > 0 {
		prob := model.Predict(sets[2].X)
		mf.Metrics = ml.Evaluate(sets[2].Y, prob)
		mf.Deciles = ml.Deciles(sets[2].Y, prob)
		mf.TestY, mf.TestP = sets[2].Y, prob
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mf.Typical = typicalValues(sets[0].X)
	mf.Importance = e.globalImportance(mf, sets[0].X)
	mf.TrainedAt = time.Now().UTC()
	mf.TrainTimeMS = time.Since(start).Milliseconds()
	return mf, nil
}

// trainingRows is the labelled sample CREATE MODEL trains on. Above
// max_rows eligible rows it is a deterministic sample (the same profiles
// and cutoffs for the same seed); only the sampled rows are ever built,
// straight into the train/validation/test matrices (profiles split
// 70/15/15 by a seeded hash of the identity), in snapshot order, then
// profile order.
type trainingRows struct {
	p       *prepared
	seed    int64
	maxRows int
	sets    [3]ml.Dataset
	ids     [3][]string
	cuts    [3][]int64
}

// pick is the picker of computeFeatures for training.
func (t *trainingRows) pick(snaps []*snapshotData, keys *features.Keys, width int) ([][]int32, func(s, r int) []float64) {
	eligible := 0
	for _, sd := range snaps {
		for _, ok := range sd.eligible {
			if ok {
				eligible++
			}
		}
	}
	keep := 1.0
	if eligible > t.maxRows {
		keep = float64(t.maxRows) / float64(eligible)
	}
	rows := make([][]int32, len(snaps))
	partOf := make([][]uint8, len(snaps)) // row r of snapshot s -> its split
	idxOf := make([][]int, len(snaps))    // and its row there
	for si, sd := range snaps {
		rows[si] = []int32{}
		for i, ok := range sd.eligible {
			if !ok {
				continue
			}
			id := keys.String(int32(i))
			if keep < 1 && unitHash(id, sd.cutoff, t.seed) >= keep {
				continue
			}
			part := split(id, t.seed)
			rows[si] = append(rows[si], int32(i))
			partOf[si] = append(partOf[si], uint8(part))
			idxOf[si] = append(idxOf[si], len(t.ids[part]))
			t.ids[part] = append(t.ids[part], id)
			t.cuts[part] = append(t.cuts[part], sd.cutoff)
			t.sets[part].Y = append(t.sets[part].Y, outcome(t.p, sd.label[i]))
		}
	}
	for part := range t.sets {
		t.sets[part].X = ml.NewMatrix(len(t.ids[part]), width)
	}
	return rows, func(s, r int) []float64 { return t.sets[partOf[s][r]].X.Row(idxOf[s][r]) }
}

// outcome turns a label (a goal event in the window) into the predicted
// outcome: the same for CONVERSION, its absence for CHURN.
func outcome(p *prepared, label float64) float64 {
	if p.churn {
		return 1 - label
	}
	return label
}

// countSnapshot counts a snapshot's eligible profiles by outcome.
func countSnapshot(p *prepared, sd *snapshotData) SnapshotCount {
	c := SnapshotCount{Cutoff: sd.cutoff}
	for i, ok := range sd.eligible {
		if !ok {
			continue
		}
		c.Eligible++
		if outcome(p, sd.label[i]) == 1 {
			c.Positives++
		} else {
			c.Negatives++
		}
	}
	return c
}

// planCutoffs chooses the scoring cutoff (AS OF) and the training
// cutoffs AS_OF - W, AS_OF - 2W, ... that have enough history before
// them and a complete outcome window after them.
func planCutoffs(p *prepared) (asOf int64, cutoffs []int64, err error) {
	minTS, maxTS, err := latestEvent(p)
	if err != nil {
		return 0, nil, err
	}
	asOf = p.asOf
	if asOf == 0 {
		asOf = defaultAsOf(maxTS)
	}
	nsnap, err := optInt(p.opts, "snapshots", 4)
	if err != nil {
		return 0, nil, err
	}
	minHistory := max(p.window, 30*features.Day)
	for k := 0; k < max(nsnap, 1); k++ {
		t := asOf - p.window - int64(k)*p.window
		if t-minTS < minHistory || t+p.window > maxTS+features.Day {
			break
		}
		cutoffs = append(cutoffs, t)
	}
	if len(cutoffs) == 0 {
		return 0, nil, &DataError{Kind: ErrNotEnoughHistory,
			Detail: fmt.Sprintf("events run from %s to %s; a training snapshot needs %s of history before its cutoff and a complete %s outcome window before AS OF %s",
				expr.FormatTime(minTS), expr.FormatTime(maxTS), expr.FormatDuration(minHistory), expr.FormatDuration(p.window), expr.FormatTime(asOf)),
			Remedy: "use a shorter WITHIN window, a later AS OF, or load a longer history"}
	}
	return asOf, cutoffs, nil
}

// planInputs freezes the tracked event types and profile attributes.
func planInputs(p *prepared) ([]string, []attrSpec, error) {
	ntypes, err := optInt(p.opts, "event_types", 10)
	if err != nil {
		return nil, nil, err
	}
	var types []string
	if p.typeCol >= 0 {
		// The goal's own event type would duplicate the goal features
		// (and split one reason into two factors): leave it out.
		goalType, isType := goalEventType(p)
		all, err := topEventTypes(p.events, p.typeCol, ntypes+1)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range all {
			if isType && t == goalType || len(types) == ntypes {
				continue
			}
			types = append(types, t)
		}
	}
	var attrs []attrSpec
	if p.profiles != nil {
		if attrs, err = planAttributes(p.profiles, p.keyCol, p.spec.Exclude); err != nil {
			return nil, nil, err
		}
	}
	return types, attrs, nil
}

// sufficiency checks the label balance before training.
func sufficiency(p *prepared, counts []SnapshotCount, pos, neg, minClass int) error {
	eligible := 0
	for _, c := range counts {
		eligible += c.Eligible
	}
	outcome := "reach the goal"
	if p.churn {
		outcome = "churn"
	}
	switch {
	case eligible == 0:
		remedy := "widen the population (drop or loosen WHERE / HAVING) or use a longer LOOKBACK"
		if p.churn {
			remedy = "CHURN needs profiles with at least one goal event in the lookback; check the GOAL condition, use a longer LOOKBACK, or use CONVERSION"
		}
		return &DataError{Kind: ErrNoPopulation, Counts: counts, Detail: "no profile is eligible at any training cutoff", Remedy: remedy}
	case pos == 0 || neg == 0:
		kind, detail := ErrGoalNeverOccurs, "the goal never occurs in any outcome window"
		if (pos == 0) == p.churn {
			kind, detail = ErrGoalAlwaysOccurs, "the goal occurs for every eligible profile"
		}
		return &DataError{Kind: kind, Counts: counts, Detail: detail,
			Remedy: "check the GOAL condition against the data (SELECT COUNT(*) ... WHERE <goal>), or change the WITHIN window"}
	case pos < minClass || neg < minClass:
		return &DataError{Kind: ErrNotEnoughData, Counts: counts,
			Detail: fmt.Sprintf("%d profiles %s and %d do not; at least %d of each are needed (option min_class)", pos, outcome, neg, minClass),
			Remedy: "use a shorter or longer WITHIN window to balance the classes, a wider population, a longer history (more snapshots), or lower min_class"}
	}
	return nil
}

func mlOptions(opts map[string]string) (ml.Options, error) {
	var o ml.Options
	var err error
	if h, ok := opts["hidden"]; ok {
		o.Hidden = []int{}
		for _, part := range strings.Split(h, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			n, err := strconv.Atoi(part)
			if err != nil || n <= 0 || n > 4096 {
				return o, fmt.Errorf("option hidden must list layer widths such as '64,32', got %q", h)
			}
			o.Hidden = append(o.Hidden, n)
		}
	}
	if o.Epochs, err = optInt(opts, "epochs", 0); err != nil {
		return o, err
	}
	if o.BatchSize, err = optInt(opts, "batch_size", 0); err != nil {
		return o, err
	}
	if o.Patience, err = optInt(opts, "patience", 0); err != nil {
		return o, err
	}
	if o.Tolerance, err = optFloat(opts, "tolerance", 0); err != nil {
		return o, err
	}
	if _, ok := opts["tolerance"]; ok && o.Tolerance == 0 {
		o.Tolerance = -1 // an explicit 0: any decrease counts (ml's 0 means its default)
	}
	seed, err := optInt(opts, "seed", 42)
	if err != nil {
		return o, err
	}
	o.Seed = int64(seed)
	if o.LearningRate, err = optFloat(opts, "learning_rate", 0); err != nil {
		return o, err
	}
	if lr, ok := opts["lr"]; ok {
		if o.LearningRate, err = strconv.ParseFloat(lr, 64); err != nil {
			return o, fmt.Errorf("option lr must be a number, got %q", lr)
		}
	}
	// Weight decay 1e-3 rather than ml's generic 1e-4: on the wide,
	// correlated feature rows of a PREDICT it gained ~0.004 test AUC on
	// generated data (0.739 -> 0.743) and kept CDNOW at 0.763-0.764
	// (bench/cmd/quality).
	if o.L2, err = optFloat(opts, "l2", 0.001); err != nil {
		return o, err
	}
	o.Calibration = strings.ToLower(opts["calibration"])
	return o, nil
}

// typicalValues is the per-column median of the training rows.
func typicalValues(X ml.Matrix) []float64 {
	out := make([]float64, X.Cols)
	col := make([]float64, 0, X.Rows)
	for j := 0; j < X.Cols; j++ {
		col = col[:0]
		for i := 0; i < X.Rows; i++ {
			if v := X.Data[i*X.Cols+j]; !math.IsNaN(v) {
				col = append(col, v)
			}
		}
		if len(col) == 0 {
			out[j] = math.NaN()
			continue
		}
		sort.Float64s(col)
		out[j] = col[len(col)/2]
	}
	return out
}

// globalImportance is the mean |impact| per factor over a sample of
// training rows.
func (e *Engine) globalImportance(mf *modelFile, X ml.Matrix) []factorWeight {
	n := min(X.Rows, 2000)
	if n == 0 {
		return nil
	}
	sample := ml.Matrix{Rows: n, Cols: X.Cols, Data: X.Data[:n*X.Cols]}
	attr := mf.model.Attribute(sample, mf.model.Reference(), 0)
	sums := map[string]float64{}
	for i := 0; i < n; i++ {
		group := map[string]float64{}
		for j, c := range mf.Columns {
			group[c.Group] += attr.Data[i*attr.Cols+j]
		}
		for g, v := range group {
			sums[g] += math.Abs(v)
		}
	}
	out := make([]factorWeight, 0, len(sums))
	for g, s := range sums {
		out = append(out, factorWeight{Code: g, Importance: s / float64(n)})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Importance != out[b].Importance {
			return out[a].Importance > out[b].Importance
		}
		return out[a].Code < out[b].Code
	})
	return out
}

// loadModel reads a saved model.
func (e *Engine) loadModel(pos ast.Pos, name string) (*modelFile, error) {
	m, err := e.cat.Model(name)
	if err != nil {
		return nil, notFound(pos, err)
	}
	mf, err := unmarshalModelFile(m.Blob)
	if err != nil {
		return nil, planner.Errorf(pos, ErrExecution, "model %s: %v", name, err)
	}
	return mf, nil
}

func hasBothClasses(y []float64) bool {
	pos, neg := false, false
	for _, v := range y {
		if v == 1 {
			pos = true
		} else {
			neg = true
		}
	}
	return pos && neg
}

// check verifies that the parts of a decoded model agree.
func (mf *modelFile) check() error {
	n := len(mf.Columns)
	if len(mf.Typical) != n || len(mf.Describe) != n || len(mf.model.Columns()) != n {
		return fmt.Errorf("model file is corrupt: %d columns, %d typical values, %d descriptions, network has %d inputs",
			n, len(mf.Typical), len(mf.Describe), len(mf.model.Columns()))
	}
	if mf.Window <= 0 || mf.Lookback <= 0 || mf.Identity == "" || mf.Definition == "" {
		return fmt.Errorf("model file is corrupt: missing window, lookback, identity or definition")
	}
	return nil
}

// goalEventType recognises GOAL <event type column> = 'x'.
func goalEventType(p *prepared) (string, bool) {
	c, ok := p.goal.(*expr.Compare)
	if !ok || c.Op != "=" {
		return "", false
	}
	col, k := c.L, c.R
	if _, isCol := col.(*expr.Col); !isCol {
		col, k = k, col
	}
	cc, ok1 := col.(*expr.Col)
	kc, ok2 := k.(*expr.Const)
	if !ok1 || !ok2 || cc.Idx != p.typeCol || kc.Null || expr.KindOf(kc.T) != expr.KindString {
		return "", false
	}
	return kc.S, true
}
