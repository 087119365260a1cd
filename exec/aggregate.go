package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// aggOp is a hash aggregate: it consumes its whole input, then emits one
// row per group (group keys, then aggregates) in batches.
type aggOp struct {
	input  Operator
	node   *planner.Aggregate
	mem    memory.Allocator
	schema *arrow.Schema
	out    []arrow.RecordBatch
	done   bool
}

func newAggregate(input Operator, n *planner.Aggregate, mem memory.Allocator) *aggOp {
	return &aggOp{input: input, node: n, mem: mem, schema: n.Schema().Arrow()}
}

func (o *aggOp) Schema() *arrow.Schema { return o.schema }

func (o *aggOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !o.done {
		o.done = true
		if err := o.run(ctx); err != nil {
			return nil, err
		}
	}
	if len(o.out) == 0 {
		return nil, io.EOF
	}
	b := o.out[0]
	o.out = o.out[1:]
	return b, nil
}

func (o *aggOp) run(ctx context.Context) error {
	groups := newGroupTable(len(o.node.Groups))
	states := make([]aggState, len(o.node.Aggs))
	for i, a := range o.node.Aggs {
		states[i] = newAggState(a)
	}
	for {
		b, err := o.input.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		err = o.consume(b, groups, states)
		b.Release()
		if err != nil {
			return err
		}
	}
	cols := make([]arrow.Array, 0, len(o.schema.Fields()))
	defer func() { releaseArrays(cols) }()
	for j, k := range groups.keys {
		if k == nil { // no input rows: empty key column
			k = expr.NewVector(o.node.Groups[j].DataType(), 0)
		}
		cols = append(cols, k.ToArrow(o.mem))
	}
	for _, s := range states {
		cols = append(cols, s.result(groups.n).ToArrow(o.mem))
	}
	rec := newRecord(o.schema, cols, int64(groups.n))
	defer rec.Release()
	for off := int64(0); off < rec.NumRows(); off += BatchSize {
		end := min(off+BatchSize, rec.NumRows())
		o.out = append(o.out, rec.NewSlice(off, end))
	}
	return nil
}

func (o *aggOp) consume(b arrow.RecordBatch, groups *groupTable, states []aggState) error {
	eb := expr.NewBatch(b)
	keys := make([]*expr.Vector, len(o.node.Groups))
	for i, g := range o.node.Groups {
		v, err := g.Eval(eb)
		if err != nil {
			return err
		}
		keys[i] = v
	}
	ids := groups.assign(keys, eb.N)
	for i, a := range o.node.Aggs {
		var arg *expr.Vector
		if a.Arg != nil {
			v, err := a.Arg.Eval(eb)
			if err != nil {
				return err
			}
			arg = v
		}
		var mask []bool
		if a.Filter != nil {
			f, err := a.Filter.Eval(eb)
			if err != nil {
				return err
			}
			mask = make([]bool, eb.N)
			for r := range mask {
				mask[r] = f.B != nil && f.B[r] && !f.IsNull(r)
			}
		}
		states[i].update(ids, groups.n, arg, mask)
	}
	return nil
}

func (o *aggOp) Close() error {
	ReleaseAll(o.out)
	o.out = nil
	return o.input.Close()
}

// aggState accumulates one aggregate over groups.
type aggState interface {
	// update folds rows into their groups (ids[i]); mask, when not nil,
	// selects the rows (FILTER). ngroups is the current group count.
	update(ids []int32, ngroups int, arg *expr.Vector, mask []bool)
	result(ngroups int) *expr.Vector
}

func newAggState(a *planner.AggCall) aggState {
	switch a.Func {
	case planner.AggCountStar:
		return &countState{star: true}
	case planner.AggCount:
		return &countState{}
	case planner.AggCountDistinct:
		return &distinctState{seen: map[string]struct{}{}}
	case planner.AggSum:
		return &sumState{isInt: expr.KindOf(a.T) == expr.KindInt}
	case planner.AggAvg:
		return &avgState{}
	case planner.AggMin, planner.AggMax:
		return &minMaxState{max: a.Func == planner.AggMax, t: a.T}
	}
	panic(fmt.Sprintf("exec: unknown aggregate %s", a.Func))
}

func grow[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}

type countState struct {
	star bool
	n    []int64
}

func (s *countState) update(ids []int32, ng int, arg *expr.Vector, mask []bool) {
	s.n = grow(s.n, ng)
	n := s.n
	if s.star || arg.Kind() != expr.KindNull && arg.Valid == nil {
		// Every row counts (or every row the mask selects).
		if mask == nil {
			for _, g := range ids {
				n[g]++
			}
			return
		}
		for i, g := range ids {
			if mask[i] {
				n[g]++
			}
		}
		return
	}
	for i, g := range ids {
		if (mask == nil || mask[i]) && (s.star || !arg.IsNull(i)) {
			s.n[g]++
		}
	}
}

func (s *countState) result(ng int) *expr.Vector {
	s.n = grow(s.n, ng)
	return &expr.Vector{DT: expr.IntType, Len: ng, I: s.n}
}

type distinctState struct {
	seen map[string]struct{}
	n    []int64
	buf  []byte
}

func (s *distinctState) update(ids []int32, ng int, arg *expr.Vector, mask []bool) {
	s.n = grow(s.n, ng)
	vs := []*expr.Vector{arg}
	for i, g := range ids {
		if (mask != nil && !mask[i]) || arg.IsNull(i) {
			continue
		}
		s.buf = append(s.buf[:0], byte(g), byte(g>>8), byte(g>>16), byte(g>>24))
		s.buf = encodeKey(s.buf, vs, i)
		if _, ok := s.seen[string(s.buf)]; !ok {
			s.seen[string(s.buf)] = struct{}{}
			s.n[g]++
		}
	}
}

func (s *distinctState) result(ng int) *expr.Vector {
	s.n = grow(s.n, ng)
	return &expr.Vector{DT: expr.IntType, Len: ng, I: s.n}
}

type sumState struct {
	isInt bool
	i     []int64
	f     []float64
	has   []bool
}

func (s *sumState) update(ids []int32, ng int, arg *expr.Vector, mask []bool) {
	s.i, s.f, s.has = grow(s.i, ng), grow(s.f, ng), grow(s.has, ng)
	if arg.Kind() == expr.KindNull {
		return
	}
	if s.fast(ids, arg, mask) {
		return
	}
	for r, g := range ids {
		if (mask != nil && !mask[r]) || arg.IsNull(r) {
			continue
		}
		s.has[g] = true
		if s.isInt {
			s.i[g] += arg.I[r]
		} else {
			s.f[g] += arg.Float(r)
		}
	}
}

// fast handles int and float arguments with tight loops (same order of
// additions as the general loop).
func (s *sumState) fast(ids []int32, arg *expr.Vector, mask []bool) bool {
	valid := arg.Valid
	has := s.has
	switch {
	case s.isInt && arg.Kind() == expr.KindInt:
		sum, xs := s.i, arg.I
		for r, g := range ids {
			if (mask == nil || mask[r]) && (valid == nil || valid[r]) {
				has[g] = true
				sum[g] += xs[r]
			}
		}
		return true
	case !s.isInt && arg.Kind() == expr.KindFloat:
		sum, xs := s.f, arg.F
		if mask == nil && valid == nil {
			for r, g := range ids {
				has[g] = true
				sum[g] += xs[r]
			}
			return true
		}
		for r, g := range ids {
			if (mask == nil || mask[r]) && (valid == nil || valid[r]) {
				has[g] = true
				sum[g] += xs[r]
			}
		}
		return true
	}
	return false
}

func (s *sumState) result(ng int) *expr.Vector {
	s.i, s.f, s.has = grow(s.i, ng), grow(s.f, ng), grow(s.has, ng)
	v := &expr.Vector{DT: expr.FloatType, Len: ng, F: s.f, Valid: s.has}
	if s.isInt {
		v = &expr.Vector{DT: expr.IntType, Len: ng, I: s.i, Valid: s.has}
	}
	return v
}

type avgState struct {
	sum []float64
	n   []int64
}

func (s *avgState) update(ids []int32, ng int, arg *expr.Vector, mask []bool) {
	s.sum, s.n = grow(s.sum, ng), grow(s.n, ng)
	if arg.Kind() == expr.KindNull {
		return
	}
	valid := arg.Valid
	switch arg.Kind() {
	case expr.KindFloat:
		sum, n, xs := s.sum, s.n, arg.F
		if mask == nil && valid == nil {
			for r, g := range ids {
				sum[g] += xs[r]
				n[g]++
			}
			return
		}
		for r, g := range ids {
			if (mask == nil || mask[r]) && (valid == nil || valid[r]) {
				sum[g] += xs[r]
				n[g]++
			}
		}
		return
	case expr.KindInt:
		sum, n, xs := s.sum, s.n, arg.I
		for r, g := range ids {
			if (mask == nil || mask[r]) && (valid == nil || valid[r]) {
				sum[g] += float64(xs[r])
				n[g]++
			}
		}
		return
	}
	for r, g := range ids {
		if (mask != nil && !mask[r]) || arg.IsNull(r) {
			continue
		}
		s.sum[g] += arg.Float(r)
		s.n[g]++
	}
}

func (s *avgState) result(ng int) *expr.Vector {
	s.sum, s.n = grow(s.sum, ng), grow(s.n, ng)
	v := expr.NewVector(expr.FloatType, ng)
	for g := 0; g < ng; g++ {
		if s.n[g] == 0 {
			v.SetNull(g)
			continue
		}
		v.F[g] = s.sum[g] / float64(s.n[g])
	}
	return v
}

type minMaxState struct {
	max  bool
	t    arrow.DataType
	vals *expr.Vector
	has  []bool
}

func (s *minMaxState) update(ids []int32, ng int, arg *expr.Vector, mask []bool) {
	if s.vals == nil {
		s.vals = expr.NewVector(s.t, 0)
	}
	for s.vals.Len < ng {
		appendRow(s.vals, &expr.Vector{DT: expr.NullType, Len: 1}, 0)
	}
	s.has = grow(s.has, ng)
	if arg.Kind() == expr.KindNull {
		return
	}
	s.vals.Valid = nil
	for r, g := range ids {
		if (mask != nil && !mask[r]) || arg.IsNull(r) {
			continue
		}
		if !s.has[g] || better(arg, r, s.vals, int(g), s.max) {
			s.has[g] = true
			setRow(s.vals, int(g), arg, r)
		}
	}
}

func better(a *expr.Vector, i int, b *expr.Vector, j int, max bool) bool {
	var c int
	switch a.Kind() {
	case expr.KindInt, expr.KindTimestamp, expr.KindDuration:
		c = cmp3(a.I[i], b.I[j])
	case expr.KindFloat:
		c = expr.CompareFloat(a.F[i], b.F[j])
	case expr.KindString:
		c = cmp3(a.S[i], b.S[j])
	case expr.KindBool:
		c = cmp3(b2i(a.B[i]), b2i(b.B[j]))
	}
	if max {
		return c > 0
	}
	return c < 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmp3[T int | int32 | int64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func setRow(dst *expr.Vector, j int, src *expr.Vector, i int) {
	switch dst.Kind() {
	case expr.KindInt, expr.KindTimestamp, expr.KindDuration:
		dst.I[j] = src.I[i]
	case expr.KindFloat:
		dst.F[j] = src.F[i]
	case expr.KindString:
		dst.S[j] = src.S[i]
	case expr.KindBool:
		dst.B[j] = src.B[i]
	}
}

func (s *minMaxState) result(ng int) *expr.Vector {
	if s.vals == nil {
		s.vals = expr.NewVector(s.t, 0)
	}
	for s.vals.Len < ng {
		appendRow(s.vals, &expr.Vector{DT: expr.NullType, Len: 1}, 0)
	}
	s.has = grow(s.has, ng)
	s.vals.Valid = s.has
	return s.vals
}
