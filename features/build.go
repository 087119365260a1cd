package features

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/ml"
)

// Snapshot holds the feature rows of every profile at one cutoff.
type Snapshot struct {
	Cutoff int64
	// X has one row per profile (Keys order) and Layout.Width() columns.
	X ml.Matrix
	// Label is 1 when a goal event fell in [Cutoff, Cutoff+Window).
	Label []float64
	// Extra holds the Spec.Extra aggregates, Extra[a][profile]; NULL
	// (no rows for SUM/AVG/MIN/MAX) is NaN.
	Extra [][]float64

	lastTS, firstTS []int64 // per profile × kind
	valCount        []int64 // per profile × value column
	active          []uint64
	extraN          [][]int64
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

// builder carries the state of one Build pass.
type builder struct {
	spec   *Spec
	layout *Layout
	res    *Result
	width  int
	kinds  int
	words  int // words of the active-days bitmap
	types  map[string]int
	n      int // profiles allocated
}

// Build computes the features at every cutoff in one pass over batches.
// keys may be pre-filled (and Fixed) with the population.
func Build(ctx context.Context, spec *Spec, batches []arrow.RecordBatch, keys *Keys, cutoffs []int64, progress func(done, total int64)) (*Result, error) {
	if spec.Lookback <= 0 || spec.Window <= 0 {
		return nil, fmt.Errorf("lookback and window must be positive")
	}
	layout := NewLayout(spec)
	b := &builder{spec: spec, layout: layout, width: layout.Width(), kinds: layout.kinds,
		words: int((spec.Lookback/Day)/64 + 1), types: map[string]int{},
		res: &Result{Keys: keys, Layout: layout, MinTS: math.MaxInt64, MaxTS: math.MinInt64}}
	for i, t := range spec.EventTypes {
		b.types[t] = i + 1
	}
	for _, c := range cutoffs {
		b.res.Snapshots = append(b.res.Snapshots, &Snapshot{Cutoff: c, Extra: make([][]float64, len(spec.Extra)), extraN: make([][]int64, len(spec.Extra))})
	}
	b.grow(keys.Len())
	var total int64
	for _, rec := range batches {
		total += rec.NumRows()
	}
	var done int64
	for _, rec := range batches {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := b.batch(rec); err != nil {
			return nil, err
		}
		done += rec.NumRows()
		if progress != nil {
			progress(done, total)
		}
	}
	b.grow(keys.Len())
	b.finish()
	b.trim(keys.Len())
	return b.res, nil
}

// grow makes room for n profiles in every snapshot.
func (b *builder) grow(n int) {
	if n <= b.n {
		return
	}
	add := n - b.n
	for _, s := range b.res.Snapshots {
		s.X.Data = append(s.X.Data, make([]float64, add*b.width)...)
		s.X.Rows, s.X.Cols = n, b.width
		s.Label = append(s.Label, make([]float64, add)...)
		for i := 0; i < add*b.kinds; i++ {
			s.lastTS = append(s.lastTS, math.MinInt64)
			s.firstTS = append(s.firstTS, math.MaxInt64)
		}
		s.valCount = append(s.valCount, make([]int64, add*len(b.spec.ValueCols))...)
		s.active = append(s.active, make([]uint64, add*b.words)...)
		for a, agg := range b.spec.Extra {
			init := math.NaN()
			if agg.Func == "COUNT" || agg.Func == "COUNT(*)" {
				init = 0
			}
			for i := 0; i < add; i++ {
				s.Extra[a] = append(s.Extra[a], init)
			}
			s.extraN[a] = append(s.extraN[a], make([]int64, add)...)
		}
	}
	b.n = n
}

func (b *builder) batch(rec arrow.RecordBatch) error {
	eb := expr.NewBatch(rec)
	ids, err := eb.Col(b.spec.IDCol)
	if err != nil {
		return err
	}
	tsv, err := eb.Col(b.spec.TSCol)
	if err != nil {
		return err
	}
	if tsv.Kind() != expr.KindTimestamp {
		return fmt.Errorf("timestamp column %q is %s, not TIMESTAMP", b.spec.Schema.Field(b.spec.TSCol).Name, expr.TypeName(tsv.DT))
	}
	goal, err := b.spec.Goal.Eval(eb)
	if err != nil {
		return fmt.Errorf("GOAL: %w", err)
	}
	var typ *expr.Vector
	if b.spec.TypeCol >= 0 {
		if typ, err = eb.Col(b.spec.TypeCol); err != nil {
			return err
		}
	}
	vals := make([]*expr.Vector, len(b.spec.ValueCols))
	for j, c := range b.spec.ValueCols {
		if vals[j], err = eb.Col(c); err != nil {
			return err
		}
	}
	type extraVecs struct{ arg, filter *expr.Vector }
	extra := make([]extraVecs, len(b.spec.Extra))
	for a, agg := range b.spec.Extra {
		if agg.Arg != nil {
			if extra[a].arg, err = agg.Arg.Eval(eb); err != nil {
				return fmt.Errorf("%s: %w", agg.Name, err)
			}
		}
		if agg.Filter != nil {
			if extra[a].filter, err = agg.Filter.Eval(eb); err != nil {
				return fmt.Errorf("%s: %w", agg.Name, err)
			}
		}
	}
	res := b.res
	for i := 0; i < eb.N; i++ {
		res.Events++
		if tsv.IsNull(i) {
			res.Skipped++
			continue
		}
		p := res.Keys.Add(ids, i)
		if p < 0 {
			if p != Unknown {
				res.Skipped++
			}
			continue
		}
		if int(p) >= b.n {
			b.grow(max(int(p)+1, b.n*2))
		}
		ts := tsv.I[i]
		res.MinTS = min(res.MinTS, ts)
		res.MaxTS = max(res.MaxTS, ts)
		isGoal := !goal.IsNull(i) && goal.B[i]
		kind := 0
		if typ != nil && !typ.IsNull(i) {
			kind = b.types[typ.S[i]]
		}
		for _, s := range res.Snapshots {
			d := s.Cutoff - ts
			if d <= 0 {
				if isGoal && -d < b.spec.Window {
					s.Label[p] = 1
				}
				continue
			}
			if d > b.spec.Lookback {
				continue
			}
			if isGoal {
				b.count(s, p, 0, d, ts)
				for j, v := range vals {
					if !v.IsNull(i) {
						f := v.Float(i)
						if !math.IsNaN(f) && !math.IsInf(f, 0) {
							s.X.Data[int(p)*b.width+b.layout.valueOff+2*j] += f
							s.valCount[int(p)*len(vals)+j]++
						}
					}
				}
			}
			if kind > 0 {
				b.count(s, p, kind, d, ts)
			}
			row := int(p) * b.width
			s.X.Data[row+b.layout.overall+1]++
			day := int((d - 1) / Day)
			s.active[int(p)*b.words+day/64] |= 1 << (day % 64)
			for a := range b.spec.Extra {
				b.extra(s, a, p, d, extra[a].arg, extra[a].filter, i)
			}
		}
	}
	return nil
}

// count updates the window counts and first/last times of one kind.
func (b *builder) count(s *Snapshot, p int32, kind int, d, ts int64) {
	base := int(p)*b.width + kind*b.layout.perKind
	x := s.X.Data
	x[base+fCountLB]++
	if d <= 7*Day {
		x[base+fCount7]++
	}
	if d <= 30*Day {
		x[base+fCount30]++
		x[base+fTrend]++
	} else if d <= 60*Day {
		x[base+fTrend]--
	}
	if d <= 90*Day {
		x[base+fCount90]++
	}
	k := int(p)*b.kinds + kind
	s.lastTS[k] = max(s.lastTS[k], ts)
	s.firstTS[k] = min(s.firstTS[k], ts)
}

func (b *builder) extra(s *Snapshot, a int, p int32, d int64, arg, filter *expr.Vector, i int) {
	agg := &b.spec.Extra[a]
	if d > agg.Over || filter != nil && (filter.IsNull(i) || !filter.B[i]) {
		return
	}
	out := s.Extra[a]
	if agg.Func == "COUNT(*)" {
		out[p]++
		return
	}
	if arg.IsNull(i) {
		return
	}
	if agg.Func == "COUNT" {
		out[p]++
		return
	}
	v := arg.Float(i)
	n := s.extraN[a]
	switch agg.Func {
	case "SUM", "AVG":
		if n[p] == 0 {
			out[p] = 0
		}
		out[p] += v
	case "MIN":
		if n[p] == 0 || v < out[p] {
			out[p] = v
		}
	case "MAX":
		if n[p] == 0 || v > out[p] {
			out[p] = v
		}
	}
	n[p]++
}

// finish turns times into day gaps, sums into averages, and bitmaps into
// active-day counts.
func (b *builder) finish() {
	nv := len(b.spec.ValueCols)
	for _, s := range b.res.Snapshots {
		for p := 0; p < b.n; p++ {
			row := p * b.width
			for k := 0; k < b.kinds; k++ {
				base := row + k*b.layout.perKind
				last, first := s.lastTS[p*b.kinds+k], s.firstTS[p*b.kinds+k]
				if last == math.MinInt64 {
					s.X.Data[base+fDaysLast] = math.NaN()
					s.X.Data[base+fDaysFirst] = math.NaN()
					continue
				}
				s.X.Data[base+fDaysLast] = float64(s.Cutoff-last) / float64(Day)
				s.X.Data[base+fDaysFirst] = float64(s.Cutoff-first) / float64(Day)
			}
			for j := 0; j < nv; j++ {
				off := row + b.layout.valueOff + 2*j
				if c := s.valCount[p*nv+j]; c > 0 {
					s.X.Data[off+1] = s.X.Data[off] / float64(c)
				} else {
					s.X.Data[off+1] = math.NaN()
				}
			}
			days := 0
			for _, w := range s.active[p*b.words : (p+1)*b.words] {
				days += bits.OnesCount64(w)
			}
			s.X.Data[row+b.layout.overall] = float64(days)
		}
		for a, agg := range b.spec.Extra {
			if agg.Func == "AVG" {
				for p := 0; p < b.n; p++ {
					if n := s.extraN[a][p]; n > 0 {
						s.Extra[a][p] /= float64(n)
					}
				}
			}
		}
		s.lastTS, s.firstTS, s.valCount, s.active, s.extraN = nil, nil, nil, nil, nil
	}
}

// trim drops the rows grow allocated ahead of the profiles seen.
func (b *builder) trim(n int) {
	for _, s := range b.res.Snapshots {
		s.X.Data = s.X.Data[:n*b.width]
		s.X.Rows = n
		s.Label = s.Label[:n]
		for a := range s.Extra {
			s.Extra[a] = s.Extra[a][:n]
		}
	}
}

// GoalCount is profile p's number of goal events in the lookback before
// the snapshot's cutoff.
func (l *Layout) GoalCount(s *Snapshot, p int) float64 {
	return s.X.Data[p*l.Width()+fCountLB]
}

// EventCount is profile p's number of events in the lookback.
func (l *Layout) EventCount(s *Snapshot, p int) float64 {
	return s.X.Data[p*l.Width()+l.overall+1]
}
