package features

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
)

// Snapshot holds the feature rows of every profile at one cutoff.
type Snapshot struct {
	Cutoff int64
	// X has Layout.Width() + Spec.Pad columns and one row per profile
	// (Keys order), or, when Spec.Select chose rows, one row per entry
	// of Rows.
	X ml.Matrix
	// Rows lists the profile index of each row of X when Spec.Select
	// chose them; nil means every profile, in order.
	Rows []int32
	// Label is 1 when a goal event fell in [Cutoff, Cutoff+Window).
	Label []float64
	// Extra holds the Spec.Extra aggregates, Extra[a][profile]; NULL
	// (no rows for SUM/AVG/MIN/MAX) is NaN.
	Extra [][]float64

	events, goals []uint32 // per profile: events and goal events in the lookback
}

// Result is the output of Build.
type Result struct {
	Keys      *Keys
	Layout    *Layout
	Snapshots []*Snapshot
	Events    int64 // event rows read
	Skipped   int64 // rows without a usable identity
	MinTS     int64
	MaxTS     int64
}

// How Build works
//
// Pass 1 (one goroutine, in row order, so that Keys get their indexes in
// order of first appearance) resolves every row's profile index, reads
// the timestamps and maps the event type to a small code, reading the
// Arrow arrays in place. Rows that fall in no snapshot's lookback or
// outcome window are dropped here; the others are listed per worker.
//
// Pass 2 accumulates. Its state is profile-major, so that one event
// touches a few neighbouring cache lines: per profile, per tracked kind,
// the counters of all snapshots side by side (kstate), then per snapshot
// the event count and active-days bitmap, the value sums and the extra
// aggregates. Profiles are split between workers (owner), each worker
// reads the batches in order and only its own rows, so every profile's
// events are added in row order by one goroutine: results are exactly
// those of a serial pass, whatever the scheduling.
//
// summarize then gives every profile's labels, extra aggregates and
// lookback counts; Spec.Select picks the rows to build from those, and
// finish turns the state of the picked rows into feature rows (in
// Snapshot.X, or where Select's dest says) and drops the state. Times in the
// state are whole seconds (see kstate).

// kstate is one tracked kind of one profile at one cutoff: event counts
// by window (d is cutoff - ts, in (0, lookback]) and first/last times.
//
// Times are kept in 32 bits as whole seconds since the builder's base (lo
// rounded down to a second), so the state is 28 bytes instead of 40: at a
// million profiles x 12 kinds x 4 cutoffs that is 0.6 GB less. Day gaps
// are therefore exact for timestamps in whole seconds and truncate
// sub-second parts.
type kstate struct {
	c7, c30, c60, c90, cLB uint32 // d <= 7, 30, 60, 90 days, lookback
	last, first            uint32 // ticks since base; valid when cLB > 0
}

// second is the kstate time unit, unless the windows span more than
// 2^32 seconds (136 years); then Build uses a coarser tick.
const second = int64(1_000_000)

// sumN is a sum (or min/max) and the number of rows in it.
type sumN struct {
	v float64
	n int64
}

// Extra aggregate operations.
const (
	opCount = iota // COUNT, COUNT(*)
	opSum          // SUM, AVG
	opMin
	opMax
)

// ownerShift groups profiles in blocks of 1<<ownerShift per worker.
const ownerShift = 4

// builder carries the state of one Build pass.
type builder struct {
	spec    *Spec
	layout  *Layout
	res     *Result
	width   int
	kinds   int
	nsnap   int
	words   int // words of the active-days bitmap
	astride int // 1 + words: event count, then the bitmap
	nval    int
	nextra  int
	workers int
	cutoffs []int64
	lo, hi  int64 // rows with ts < lo or ts >= hi reach no snapshot
	base    int64 // kstate times are (ts - base) / tick
	tick    int64

	types    *typeTable
	kindOf   []int32 // type code -> tracked kind (0: none)
	goalOf   []bool  // type code -> goal, when fastGoal
	fastGoal bool
	ops      []int
	over     []int64

	n      int      // profiles
	ks     []kstate // [p][kind][snapshot]
	act    []uint64 // [p][snapshot][astride]
	vals   []sumN   // [p][snapshot][value column]
	extras []sumN   // [p][snapshot][extra]
	labels [][]float64
	rowOf  [][]int32 // per snapshot: profile -> X row, -1 = not selected; nil = all
	dest   func(s, r int) []float64
}

// pass1 is what the first pass keeps of one batch.
type pass1 struct {
	rec  arrow.RecordBatch
	ts   []int64
	pid  []int32
	code []uint16      // nil without a type column or when typ is set
	typ  *array.String // the type column, coded by the workers
	rows [][]int32     // per worker: rows in some window

	n, skipped   int64 // rows, rows without a usable identity
	minTS, maxTS int64 // over rows with an identity
}

// firstAll runs the first pass over every batch. It must assign profile
// indexes in row order, so it runs on one goroutine, unless the
// population is fixed (a profile table: nothing is added to Keys) and no
// type table is built (string or no event-type column): then batches are
// independent and the workers share them.
func (b *builder) firstAll(ctx context.Context, batches []arrow.RecordBatch) ([]*pass1, error) {
	p1 := make([]*pass1, len(batches))
	parallel := b.res.Keys.Fixed && b.workers > 1 && len(batches) > 1
	if b.spec.TypeCol >= 0 && parallel {
		for _, rec := range batches {
			if _, ok := rec.Column(b.spec.TypeCol).(*array.String); !ok {
				parallel = false
			}
		}
	}
	if !parallel {
		for i, rec := range batches {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			p, err := b.first(rec)
			if err != nil {
				return nil, err
			}
			p1[i] = p
		}
		return p1, nil
	}
	errs := make([]error, len(batches))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < b.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(batches) || ctx.Err() != nil {
					return
				}
				p1[i], errs[i] = b.first(batches[i])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err // the first failing batch's
		}
	}
	return p1, nil
}

// payload is what pass 2 evaluates once per batch for all workers.
type payload struct {
	*pass1
	goal  []bool      // when !fastGoal
	vals  [][]float64 // per value column; NaN = skip (NULL, NaN, Inf)
	valid [][]bool    // per value column: nil or the validity of vals
	pass  [][]bool    // per extra: the row counts (filter, non-NULL arg); nil = all
	arg   [][]float64 // per extra: the argument (SUM/AVG/MIN/MAX)
	done  sync.WaitGroup
	nrows int64
}

// Workers is the number of goroutines Build accumulates with; 0 means
// GOMAXPROCS (at most 8). Results do not depend on it.
var Workers = 0

// Build computes the features at every cutoff in one pass over batches.
// keys may be pre-filled (and Fixed) with the population.
func Build(ctx context.Context, spec *Spec, batches []arrow.RecordBatch, keys *Keys, cutoffs []int64, progress func(done, total int64)) (*Result, error) {
	if spec.Lookback <= 0 || spec.Window <= 0 {
		return nil, fmt.Errorf("lookback and window must be positive")
	}
	if spec.Pad < 0 {
		return nil, fmt.Errorf("negative padding %d", spec.Pad)
	}
	layout := NewLayout(spec)
	b := &builder{spec: spec, layout: layout, width: layout.Width(), kinds: layout.kinds,
		nsnap: len(cutoffs), words: int((spec.Lookback/Day)/64 + 1),
		nval: len(spec.ValueCols), nextra: len(spec.Extra), cutoffs: cutoffs,
		res: &Result{Keys: keys, Layout: layout, MinTS: math.MaxInt64, MaxTS: math.MinInt64}}
	b.astride = 1 + b.words
	for _, c := range cutoffs {
		b.res.Snapshots = append(b.res.Snapshots, &Snapshot{Cutoff: c, Extra: make([][]float64, len(spec.Extra))})
	}
	b.lo, b.hi = math.MaxInt64, math.MinInt64
	for _, c := range cutoffs {
		b.lo = min(b.lo, satSub(c, spec.Lookback))
		b.hi = max(b.hi, satAdd(c, spec.Window))
	}
	b.base, b.tick = b.lo, second
	if b.hi > b.lo {
		b.base = b.lo - ((b.lo%second)+second)%second // down to a whole second
		if span := uint64(b.hi - b.base); span/uint64(second) >= math.MaxUint32 {
			b.tick = int64(span/math.MaxUint32) + 1
		}
	}
	b.setupTypes()
	for _, agg := range spec.Extra {
		op := opCount
		switch agg.Func {
		case "SUM", "AVG":
			op = opSum
		case "MIN":
			op = opMin
		case "MAX":
			op = opMax
		}
		b.ops = append(b.ops, op)
		b.over = append(b.over, agg.Over)
	}
	var total int64
	for _, rec := range batches {
		total += rec.NumRows()
	}
	b.workers = Workers
	if b.workers <= 0 {
		b.workers = min(runtime.GOMAXPROCS(0), 8)
	}
	if total < 1<<15 || len(cutoffs) == 0 {
		b.workers = 1
	}

	p1, err := b.firstAll(ctx, batches)
	if err != nil {
		return nil, err
	}
	for _, p := range p1 {
		b.res.Events += p.n
		b.res.MinTS = min(b.res.MinTS, p.minTS)
		b.res.MaxTS = max(b.res.MaxTS, p.maxTS)
		b.res.Skipped += p.skipped
	}
	b.alloc(keys.Len())
	if err := b.second(ctx, p1, total, progress); err != nil {
		return nil, err
	}
	p1 = nil
	if total >= releaseAfterRows {
		// The per-batch row lists of pass 1 (~10 bytes an event) are now
		// garbage, in pieces too small to hold the feature matrices
		// about to be allocated: hand them back to the OS first, or the
		// process keeps both resident.
		debug.FreeOSMemory()
	}
	b.summarize()
	var rows [][]int32
	if spec.Select != nil {
		var err error
		if rows, b.dest, err = spec.Select(b.res); err != nil {
			return nil, err
		}
		if err := checkRows(rows, b.nsnap, b.n); err != nil {
			return nil, err
		}
	}
	b.finish(rows)
	if total >= releaseAfterRows {
		debug.FreeOSMemory() // the per-profile state, likewise, before the caller copies rows
	}
	return b.res, nil
}

// time turns kstate ticks back into a timestamp (the start of the tick).
func (b *builder) time(tick uint32) int64 { return b.base + int64(tick)*b.tick }

// checkRows validates what Spec.Select returned.
func checkRows(rows [][]int32, nsnap, n int) error {
	if len(rows) != nsnap {
		return fmt.Errorf("features: Select returned rows for %d snapshots, want %d", len(rows), nsnap)
	}
	for si, rs := range rows {
		for i, p := range rs {
			if p < 0 || int(p) >= n || (i > 0 && p <= rs[i-1]) {
				return fmt.Errorf("features: Select's rows of snapshot %d are not ascending profile indexes below %d", si, n)
			}
		}
	}
	return nil
}

func satSub(a, b int64) int64 {
	if a < math.MinInt64+b {
		return math.MinInt64
	}
	return a - b
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// setupTypes builds the event-type codes and, when the goal only tests
// the type against literals, the goal of every code.
func (b *builder) setupTypes() {
	names := append([]string{}, b.spec.EventTypes...)
	goals, fast := goalTypes(b.spec)
	names = append(names, goals...)
	b.types = newTypeTable(names)
	b.kindOf = make([]int32, len(b.types.names)+1)
	// Event type i (1-based) counts for kind i; a duplicated type counts
	// for its last index.
	for i, t := range b.spec.EventTypes {
		b.kindOf[b.types.code(t)] = int32(i + 1)
	}
	if fast {
		b.fastGoal = true
		b.goalOf = make([]bool, len(b.kindOf))
		for _, g := range goals {
			b.goalOf[b.types.code(g)] = true
		}
	}
}

// first is pass 1 over one batch.
func (b *builder) first(rec arrow.RecordBatch) (*pass1, error) {
	n := int(rec.NumRows())
	tsv, err := expr.FromArrow(rec.Column(b.spec.TSCol))
	if err != nil {
		return nil, err
	}
	if tsv.Kind() != expr.KindTimestamp {
		return nil, fmt.Errorf("timestamp column %q is %s, not TIMESTAMP", b.spec.Schema.Field(b.spec.TSCol).Name, expr.TypeName(tsv.DT))
	}
	p := &pass1{rec: rec, ts: tsv.I, pid: make([]int32, n)}
	if err := b.res.Keys.resolve(rec.Column(b.spec.IDCol), tsv.Valid, p.pid); err != nil {
		return nil, err
	}
	if b.spec.TypeCol >= 0 {
		if x, ok := rec.Column(b.spec.TypeCol).(*array.String); ok {
			p.typ = x // coded in pass 2, in parallel, for the rows in a window only
		} else {
			p.code = make([]uint16, n)
			if err := b.types.codes(rec.Column(b.spec.TypeCol), p.code); err != nil {
				return nil, err
			}
		}
	}
	p.n = int64(n)
	p.rows = make([][]int32, b.workers)
	for w := range p.rows {
		p.rows[w] = make([]int32, 0, n/b.workers+n/8+16)
	}
	mn, mx := int64(math.MaxInt64), int64(math.MinInt64)
	var skipped int64
	lo, hi := b.lo, b.hi
	for i, pi := range p.pid {
		if pi < 0 {
			if pi != Unknown {
				skipped++
			}
			continue
		}
		ts := p.ts[i]
		mn = min(mn, ts)
		mx = max(mx, ts)
		if ts < lo || ts >= hi {
			continue
		}
		w := 0
		if b.workers > 1 {
			w = int(pi>>ownerShift) % b.workers
		}
		p.rows[w] = append(p.rows[w], int32(i))
	}
	p.minTS, p.maxTS, p.skipped = mn, mx, skipped
	return p, nil
}

// alloc sizes the state and the outputs for n profiles.
func (b *builder) alloc(n int) {
	b.n = n
	S := b.nsnap
	b.ks = make([]kstate, n*b.kinds*S)
	b.act = make([]uint64, n*S*b.astride)
	b.vals = make([]sumN, n*S*b.nval)
	b.extras = make([]sumN, n*S*b.nextra)
	for _, s := range b.res.Snapshots {
		s.Label = make([]float64, n)
		b.labels = append(b.labels, s.Label)
	}
}

// second is pass 2: evaluate per batch, accumulate in the workers.
func (b *builder) second(ctx context.Context, p1 []*pass1, total int64, progress func(done, total int64)) error {
	var done int64
	// p1[i] is dropped once handed on, so each batch's row lists go as
	// soon as the workers are done with them (they add up to ~10 bytes an
	// event, more than the per-profile state on long histories).
	if b.workers == 1 {
		for i, p := range p1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			p1[i] = nil
			pl, err := b.evaluate(p)
			if err != nil {
				return err
			}
			b.accumulate(pl, 0)
			done += pl.nrows
			if progress != nil {
				progress(done, total)
			}
		}
		return nil
	}
	chans := make([]chan *payload, b.workers)
	var wg sync.WaitGroup
	for w := range chans {
		chans[w] = make(chan *payload, 4)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for pl := range chans[w] {
				b.accumulate(pl, w)
				pl.done.Done()
			}
		}(w)
	}
	var queue []*payload
	report := func(pl *payload) {
		pl.done.Wait()
		done += pl.nrows
		if progress != nil {
			progress(done, total)
		}
	}
	var err error
	for i, p := range p1 {
		if err = ctx.Err(); err != nil {
			break
		}
		p1[i] = nil
		var pl *payload
		if pl, err = b.evaluate(p); err != nil {
			break
		}
		pl.done.Add(b.workers)
		for _, c := range chans {
			c <- pl
		}
		queue = append(queue, pl)
		if len(queue) > 4 {
			report(queue[0])
			queue = queue[1:]
		}
	}
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
	if err != nil {
		return err
	}
	for _, pl := range queue {
		report(pl)
	}
	return nil
}

// evaluate computes the goal, value and extra-aggregate columns of a
// batch (vectorised; shared read-only by the workers).
func (b *builder) evaluate(p *pass1) (*payload, error) {
	pl := &payload{pass1: p, nrows: p.rec.NumRows()}
	eb := expr.NewBatch(p.rec)
	n := eb.N
	if !b.fastGoal {
		goal, err := b.spec.Goal.Eval(eb)
		if err != nil {
			return nil, fmt.Errorf("GOAL: %w", err)
		}
		pl.goal = make([]bool, n)
		if goal.Kind() == expr.KindBool {
			for i := range pl.goal {
				pl.goal[i] = goal.B[i] && (goal.Valid == nil || goal.Valid[i])
			}
		}
	}
	for _, c := range b.spec.ValueCols {
		v, err := eb.Col(c)
		if err != nil {
			return nil, err
		}
		if v.Kind() == expr.KindFloat {
			// read in place; the workers skip NULL, NaN and Inf
			pl.vals, pl.valid = append(pl.vals, v.F), append(pl.valid, v.Valid)
		} else {
			pl.vals, pl.valid = append(pl.vals, usable(v, n)), append(pl.valid, nil)
		}
	}
	for _, agg := range b.spec.Extra {
		var arg, filter *expr.Vector
		var err error
		if agg.Arg != nil {
			if arg, err = agg.Arg.Eval(eb); err != nil {
				return nil, fmt.Errorf("%s: %w", agg.Name, err)
			}
		}
		if agg.Filter != nil {
			if filter, err = agg.Filter.Eval(eb); err != nil {
				return nil, fmt.Errorf("%s: %w", agg.Name, err)
			}
		}
		var pass []bool
		if filter != nil || agg.Func != "COUNT(*)" && (arg.Kind() == expr.KindNull || arg.Valid != nil) {
			pass = make([]bool, n)
			for i := range pass {
				pass[i] = (filter == nil || !filter.IsNull(i) && filter.B[i]) &&
					(agg.Func == "COUNT(*)" || !arg.IsNull(i))
			}
		}
		var av []float64
		if agg.Func != "COUNT(*)" && agg.Func != "COUNT" {
			if arg.Kind() == expr.KindFloat {
				av = arg.F
			} else {
				av = make([]float64, n)
				if arg.Kind() != expr.KindNull {
					for i := range av {
						av[i] = arg.Float(i)
					}
				}
			}
		}
		pl.pass = append(pl.pass, pass)
		pl.arg = append(pl.arg, av)
	}
	return pl, nil
}

// usable is v as floats with NaN for the rows a value sum skips (NULL,
// NaN, ±Inf).
func usable(v *expr.Vector, n int) []float64 {
	if v.Kind() == expr.KindFloat && v.Valid == nil {
		clean := true
		for _, f := range v.F[:n] {
			if f-f != 0 {
				clean = false
				break
			}
		}
		if clean {
			return v.F
		}
	}
	out := make([]float64, n)
	for i := range out {
		if v.IsNull(i) {
			out[i] = math.NaN()
			continue
		}
		f := v.Float(i)
		if f-f != 0 { // NaN or ±Inf
			f = math.NaN()
		}
		out[i] = f
	}
	return out
}

// accumulate adds worker w's rows of a batch to the state.
func (b *builder) accumulate(pl *payload, w int) {
	S := b.nsnap
	cut := b.cutoffs
	lookback, window := b.spec.Lookback, b.spec.Window
	kinds, astride, nval, nextra := b.kinds, b.astride, b.nval, b.nextra
	ks, act, labels := b.ks, b.act, b.labels
	ts, pid, code := pl.ts, pl.pid, pl.code
	rows := pl.rows[w]
	var sink uint64
	for i, r := range rows {
		// Touch the state of a row a few rows ahead: its cache misses
		// overlap with the work on this one (Go has no prefetch).
		if i+prefetch < len(rows) {
			q := int(pid[rows[i+prefetch]])
			sink += act[q*S*astride] + uint64(ks[q*kinds*S].cLB)
			if code != nil {
				sink += uint64(ks[(q*kinds+int(b.kindOf[code[rows[i+prefetch]]]))*S].cLB)
			} else {
				sink += uint64(ks[(q*kinds+kinds-1)*S].cLB)
			}
		}
		p := int(pid[r])
		t := ts[r]
		var tick uint32 // rows here have t >= lo >= base
		if b.tick == second {
			tick = uint32(uint64(t-b.base) / uint64(second)) // a multiply, not a divide
		} else {
			tick = uint32(uint64(t-b.base) / uint64(b.tick))
		}
		kind := 0
		var isGoal bool
		if pl.typ != nil {
			c := uint16(0)
			if !pl.typ.IsNull(int(r)) {
				c = b.types.code(pl.typ.Value(int(r)))
			}
			kind = int(b.kindOf[c])
			if b.fastGoal {
				isGoal = b.goalOf[c]
			}
		} else if code != nil {
			c := code[r]
			kind = int(b.kindOf[c])
			if b.fastGoal {
				isGoal = b.goalOf[c]
			}
		}
		if !b.fastGoal {
			isGoal = pl.goal[r]
		}
		kb := p * kinds * S
		ab := p * S * astride
		for si := 0; si < S; si++ {
			d := cut[si] - t
			if d <= 0 {
				if isGoal && -d < window {
					labels[si][p] = 1
				}
				continue
			}
			if d > lookback {
				continue
			}
			if isGoal {
				count(&ks[kb+si], d, tick)
				if nval > 0 {
					vb := (p*S + si) * nval
					for j, vs := range pl.vals {
						if f := vs[r]; f-f == 0 && (pl.valid[j] == nil || pl.valid[j][r]) {
							sn := &b.vals[vb+j]
							sn.v += f
							sn.n++
						}
					}
				}
			}
			if kind > 0 {
				count(&ks[kb+kind*S+si], d, tick)
			}
			a := act[ab+si*astride : ab+(si+1)*astride]
			a[0]++
			day := uint64(d-1) / uint64(Day)
			a[1+day/64] |= 1 << (day % 64)
			if nextra > 0 {
				b.extra(pl, r, d, b.extras[(p*S+si)*nextra:(p*S+si+1)*nextra])
			}
		}
	}
	sinkHole.Add(sink)
}

// releaseAfterRows is the number of events from which Build returns the
// memory of its first pass to the OS before building the feature rows.
const releaseAfterRows = 8 << 20

// prefetch is how many rows ahead accumulate touches the state.
const prefetch = 6

var sinkHole atomic.Uint64

// count adds an event at distance d before the cutoff to a kind's counts.
func count(k *kstate, d int64, ts uint32) {
	if k.cLB == 0 {
		k.last, k.first = ts, ts
	} else {
		k.last = max(k.last, ts)
		k.first = min(k.first, ts)
	}
	k.cLB++
	if d <= 90*Day {
		k.c90++
		if d <= 60*Day {
			k.c60++
			if d <= 30*Day {
				k.c30++
				if d <= 7*Day {
					k.c7++
				}
			}
		}
	}
}

func (b *builder) extra(pl *payload, r int32, d int64, out []sumN) {
	for a, op := range b.ops {
		if d > b.over[a] || pl.pass[a] != nil && !pl.pass[a][r] {
			continue
		}
		o := &out[a]
		switch op {
		case opSum:
			o.v += pl.arg[a][r]
		case opMin:
			if v := pl.arg[a][r]; o.n == 0 || v < o.v {
				o.v = v
			}
		case opMax:
			if v := pl.arg[a][r]; o.n == 0 || v > o.v {
				o.v = v
			}
		}
		o.n++
	}
}

// finish writes the feature matrices from the state, splitting the
// profiles between the workers.
// summarize fills, for every profile of every snapshot, what Select and
// the population rules read without the feature rows: the extra
// aggregates and the event and goal counts in the lookback.
func (b *builder) summarize() {
	for _, s := range b.res.Snapshots {
		for a := range s.Extra {
			s.Extra[a] = make([]float64, b.n)
		}
		s.events = make([]uint32, b.n)
		s.goals = make([]uint32, b.n)
	}
	b.parallel(b.summarizeRange)
}

func (b *builder) summarizeRange(lo, hi int) {
	S, ne := b.nsnap, b.nextra
	for p := lo; p < hi; p++ {
		for si, s := range b.res.Snapshots {
			s.events[p] = uint32(b.act[(p*S+si)*b.astride])
			s.goals[p] = b.ks[p*b.kinds*S+si].cLB // kind 0 is the goal
			for e := 0; e < ne; e++ {
				sn := b.extras[(p*S+si)*ne+e]
				out := math.NaN()
				switch {
				case b.ops[e] == opCount:
					out = float64(sn.n)
				case sn.n == 0:
				case b.spec.Extra[e].Func == "AVG":
					out = sn.v / float64(sn.n)
				default:
					out = sn.v
				}
				s.Extra[e][p] = out
			}
		}
	}
}

// parallel runs fn over the profiles in contiguous ranges, one per
// worker.
func (b *builder) parallel(fn func(lo, hi int)) {
	parts := b.workers
	if b.n < 4096 {
		parts = 1
	}
	var wg sync.WaitGroup
	for w := 0; w < parts; w++ {
		lo, hi := b.n*w/parts, b.n*(w+1)/parts
		if parts == 1 {
			fn(lo, hi)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// finish turns the state into the feature rows of the selected profiles
// (rows[s], ascending profile indexes; nil rows: every profile) and drops
// the state.
func (b *builder) finish(rows [][]int32) {
	b.rowOf = make([][]int32, b.nsnap)
	for si, s := range b.res.Snapshots {
		if rows == nil {
			s.X = ml.NewMatrix(b.n, b.width+b.spec.Pad)
			continue
		}
		s.Rows = rows[si]
		if b.dest == nil {
			s.X = ml.NewMatrix(len(s.Rows), b.width+b.spec.Pad)
		}
		rowOf := make([]int32, b.n)
		for i := range rowOf {
			rowOf[i] = -1
		}
		for r, p := range s.Rows {
			rowOf[p] = int32(r)
		}
		b.rowOf[si] = rowOf
	}
	b.parallel(b.finishRange)
	b.ks, b.act, b.vals, b.extras, b.rowOf = nil, nil, nil, nil, nil
}

func (b *builder) finishRange(lo, hi int) {
	S, nv := b.nsnap, b.nval
	l := b.layout
	stride := b.width + b.spec.Pad
	snaps := b.res.Snapshots
	row := make([]int, S) // each snapshot's X row of profile p, or -1
	dest := func(si int, s *Snapshot) []float64 {
		if b.dest != nil {
			return b.dest(si, row[si])[:stride]
		}
		return s.X.Data[row[si]*stride : (row[si]+1)*stride]
	}
	xs := make([][]float64, S)
	// Profile by profile, so that the state is read once, in order.
	for p := lo; p < hi; p++ {
		some := false
		for si := range snaps {
			row[si] = p
			if b.rowOf[si] != nil {
				row[si] = int(b.rowOf[si][p])
			}
			some = some || row[si] >= 0
		}
		if !some {
			continue
		}
		for si, s := range snaps {
			if row[si] >= 0 {
				xs[si] = dest(si, s)
			}
		}
		for k := 0; k < b.kinds; k++ {
			sts := b.ks[(p*b.kinds+k)*S : (p*b.kinds+k+1)*S]
			for si, s := range snaps {
				if row[si] < 0 {
					continue
				}
				st := &sts[si]
				x := xs[si][k*l.perKind : (k+1)*l.perKind]
				x[fCount7] = float64(st.c7)
				x[fCount30] = float64(st.c30)
				x[fCount90] = float64(st.c90)
				x[fCountLB] = float64(st.cLB)
				x[fTrend] = float64(2*int64(st.c30) - int64(st.c60))
				if st.cLB == 0 {
					x[fDaysLast] = math.NaN()
					x[fDaysFirst] = math.NaN()
					continue
				}
				x[fDaysLast] = float64(s.Cutoff-b.time(st.last)) / float64(Day)
				x[fDaysFirst] = float64(s.Cutoff-b.time(st.first)) / float64(Day)
			}
		}
		for si := range snaps {
			if row[si] < 0 {
				continue
			}
			x := xs[si]
			for j := 0; j < nv; j++ {
				sn := b.vals[(p*S+si)*nv+j]
				off := l.valueOff + 2*j
				x[off] = sn.v
				if sn.n > 0 {
					x[off+1] = sn.v / float64(sn.n)
				} else {
					x[off+1] = math.NaN()
				}
			}
			a := b.act[(p*S+si)*b.astride : (p*S+si+1)*b.astride]
			days := 0
			for _, w := range a[1:] {
				days += bits.OnesCount64(w)
			}
			x[l.overall] = float64(days)
			x[l.overall+1] = float64(a[0])
		}
	}
}

// GoalCount is profile p's number of goal events in the lookback before
// the snapshot's cutoff.
func (l *Layout) GoalCount(s *Snapshot, p int) float64 {
	return float64(s.goals[p])
}

// EventCount is profile p's number of events in the lookback.
func (l *Layout) EventCount(s *Snapshot, p int) float64 {
	return float64(s.events[p])
}
