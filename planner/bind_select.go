package planner

import (
	"strings"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser/ast"
)

// aggState collects the group keys and aggregate calls of a query while
// the expressions above the aggregation are bound.
type aggState struct {
	input  *scope
	groups []expr.Expr
	aggs   []*AggCall
	// noGroups: the expression is over aggregates only (PREDICT HAVING),
	// so a bare column needs an aggregate around it.
	noGroups bool
}

// lookup maps e to a column of the aggregate's output when e is a group
// key or an aggregate call.
func (a *aggState) lookup(eb *exprBinder, e ast.Expr) (expr.Expr, bool, error) {
	switch e := e.(type) {
	case *ast.Call:
		if IsAggregate(e) {
			call, err := eb.b.bindAggCall(a.input, e)
			if err != nil {
				return nil, true, err
			}
			key := call.String()
			for i, x := range a.aggs {
				if x.String() == key {
					return &expr.Col{Idx: len(a.groups) + i, Name: key, T: x.T}, true, nil
				}
			}
			a.aggs = append(a.aggs, call)
			return &expr.Col{Idx: len(a.groups) + len(a.aggs) - 1, Name: key, T: call.T}, true, nil
		}
	case *ast.NumberLit, *ast.StringLit, *ast.BoolLit, *ast.NullLit, *ast.Duration, *ast.Param:
		return nil, false, nil
	}
	plain := &exprBinder{b: eb.b, scope: a.input}
	x, err := plain.bind(e)
	if err != nil {
		return nil, false, nil
	}
	key := x.String()
	for i, g := range a.groups {
		if g.String() == key {
			name := key
			if c, ok := g.(*expr.Col); ok {
				name = c.Name
			}
			return &expr.Col{Idx: i, Name: name, T: g.DataType()}, true, nil
		}
	}
	return nil, false, nil
}

// bindAggCall binds an aggregate call's argument and filter in the
// pre-aggregation scope.
func (b *Binder) bindAggCall(sc *scope, e *ast.Call) (*AggCall, error) {
	eb := &exprBinder{b: b, scope: sc}
	name := strings.ToUpper(e.Name)
	call := &AggCall{Func: AggFunc(name)}
	if e.Over != nil {
		return nil, Errorf(e.At, ErrInvalid, "OVER n DAYS is only allowed in FEATURES (...) of a PREDICT")
	}
	switch {
	case e.Star:
		if name != "COUNT" {
			return nil, Errorf(e.At, ErrInvalid, "%s(*) is not allowed; only COUNT(*)", name)
		}
		call.Func = AggCountStar
		call.T = expr.IntType
	case len(e.Args) != 1:
		return nil, Errorf(e.At, ErrInvalid, "%s takes one argument, got %d", name, len(e.Args))
	default:
		arg, err := eb.bind(e.Args[0])
		if err != nil {
			return nil, err
		}
		if containsAggregate(e.Args[0]) {
			return nil, Errorf(e.At, ErrInvalid, "aggregate calls cannot be nested")
		}
		call.Arg = arg
		k := expr.KindOf(arg.DataType())
		switch name {
		case "COUNT":
			call.T = expr.IntType
			if e.Distinct {
				call.Func = AggCountDistinct
			}
		case "SUM", "AVG":
			if k != expr.KindInt && k != expr.KindFloat && k != expr.KindNull {
				return nil, Errorf(e.Args[0].Pos(), ErrType, "%s needs a number, got %s", name, expr.TypeName(arg.DataType()))
			}
			call.T = expr.FloatType
			if name == "SUM" && k == expr.KindInt {
				call.T = expr.IntType
			}
		case "MIN", "MAX":
			if k == expr.KindList || k == expr.KindStruct {
				return nil, Errorf(e.Args[0].Pos(), ErrType, "%s cannot order %s", name, expr.TypeName(arg.DataType()))
			}
			call.T = arg.DataType()
		}
		if e.Distinct && name != "COUNT" {
			return nil, Errorf(e.At, ErrUnsupported, "DISTINCT is supported in COUNT only")
		}
	}
	if e.Filter != nil {
		f, err := eb.bind(e.Filter)
		if err != nil {
			return nil, err
		}
		if err := wantBool(e.Filter, f); err != nil {
			return nil, err
		}
		call.Filter = f
	}
	return call, nil
}

func containsAggregate(e ast.Expr) bool {
	found := false
	inspectExpr(e, func(x ast.Expr) {
		if c, ok := x.(*ast.Call); ok && IsAggregate(c) {
			found = true
		}
	})
	return found
}

// inspectExpr calls fn on e and every sub-expression.
func inspectExpr(e ast.Expr, fn func(ast.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch e := e.(type) {
	case *ast.Unary:
		inspectExpr(e.X, fn)
	case *ast.Binary:
		inspectExpr(e.L, fn)
		inspectExpr(e.R, fn)
	case *ast.Between:
		inspectExpr(e.X, fn)
		inspectExpr(e.Lo, fn)
		inspectExpr(e.Hi, fn)
	case *ast.In:
		inspectExpr(e.X, fn)
		for _, x := range e.List {
			inspectExpr(x, fn)
		}
	case *ast.Like:
		inspectExpr(e.X, fn)
		inspectExpr(e.Pattern, fn)
	case *ast.IsNull:
		inspectExpr(e.X, fn)
	case *ast.Case:
		inspectExpr(e.Operand, fn)
		for _, w := range e.Whens {
			inspectExpr(w.Cond, fn)
			inspectExpr(w.Result, fn)
		}
		inspectExpr(e.Else, fn)
	case *ast.Cast:
		inspectExpr(e.X, fn)
	case *ast.Call:
		for _, x := range e.Args {
			inspectExpr(x, fn)
		}
		inspectExpr(e.Filter, fn)
	}
}

func selectHasAggregates(s *ast.Select) bool {
	for _, it := range s.Items {
		if it.Expr != nil && containsAggregate(it.Expr) {
			return true
		}
	}
	if s.Having != nil {
		return true
	}
	for _, o := range s.OrderBy {
		if containsAggregate(o.Expr) {
			return true
		}
	}
	return len(s.GroupBy) > 0
}

// BindSelect binds a SELECT into a plan tree.
func (b *Binder) BindSelect(s *ast.Select) (Node, error) {
	var input Node = &Values{}
	if s.From != nil {
		var err error
		if input, err = b.bindFrom(s.From); err != nil {
			return nil, err
		}
	}
	sc := &scope{cols: input.Schema()}
	if s.Where != nil {
		if containsAggregate(s.Where) {
			return nil, Errorf(s.Where.Pos(), ErrInvalid, "aggregates are not allowed in WHERE (use HAVING)")
		}
		cond, err := (&exprBinder{b: b, scope: sc}).bind(s.Where)
		if err != nil {
			return nil, err
		}
		if err := wantBool(s.Where, cond); err != nil {
			return nil, err
		}
		input = &Filter{Input: input, Cond: cond}
	}
	items, err := b.expandStars(s, sc)
	if err != nil {
		return nil, err
	}
	post := &exprBinder{b: b, scope: sc}
	if selectHasAggregates(s) {
		agg := &aggState{input: sc}
		for _, g := range s.GroupBy {
			if n, ok := g.(*ast.NumberLit); ok && n.IsInt {
				if i := ordinal(n); i < 1 || i > len(items) {
					return nil, Errorf(n.At, ErrInvalid, "GROUP BY position %s is not in the select list (1 to %d)", n.Text, len(items))
				}
			}
			g = groupByTarget(g, items, sc)
			if containsAggregate(g) {
				return nil, Errorf(g.Pos(), ErrInvalid, "aggregates are not allowed in GROUP BY")
			}
			x, err := (&exprBinder{b: b, scope: sc}).bind(g)
			if err != nil {
				return nil, err
			}
			agg.groups = append(agg.groups, x)
		}
		post = &exprBinder{b: b, scope: sc, agg: agg}
		// Bind everything above the aggregate first so every aggregate
		// call is known; then build the Aggregate node.
		exprs, names, err := b.bindItems(post, items)
		if err != nil {
			return nil, err
		}
		var having expr.Expr
		if s.Having != nil {
			if having, err = post.bind(s.Having); err != nil {
				return nil, err
			}
			if err := wantBool(s.Having, having); err != nil {
				return nil, err
			}
		}
		keys, hidden, err := b.bindOrder(post, s, exprs, names)
		if err != nil {
			return nil, err
		}
		var node Node = newAggregate(input, agg)
		if having != nil {
			node = &Filter{Input: node, Cond: having}
		}
		return b.finishSelect(s, node, exprs, names, keys, hidden)
	}
	exprs, names, err := b.bindItems(post, items)
	if err != nil {
		return nil, err
	}
	keys, hidden, err := b.bindOrder(post, s, exprs, names)
	if err != nil {
		return nil, err
	}
	return b.finishSelect(s, input, exprs, names, keys, hidden)
}

func newAggregate(input Node, agg *aggState) *Aggregate {
	n := &Aggregate{Input: input, Groups: agg.groups, Aggs: agg.aggs}
	for _, g := range agg.groups {
		col := Column{Name: g.String(), T: g.DataType()}
		if c, ok := g.(*expr.Col); ok {
			col = input.Schema()[c.Idx]
		}
		n.Out = append(n.Out, col)
	}
	for _, a := range agg.aggs {
		n.Out = append(n.Out, Column{Name: a.String(), T: a.T})
	}
	return n
}

// groupByTarget resolves GROUP BY 1 and GROUP BY alias to the select
// item they name.
func groupByTarget(g ast.Expr, items []*ast.SelectItem, sc *scope) ast.Expr {
	switch x := g.(type) {
	case *ast.NumberLit:
		if i := ordinal(x); i >= 1 && i <= len(items) {
			return items[i-1].Expr
		}
	case *ast.Ident:
		if len(x.Parts) == 1 {
			if _, err := sc.resolve(x); err != nil {
				for _, it := range items {
					if strings.EqualFold(it.Alias, x.Parts[0]) {
						return it.Expr
					}
				}
			}
		}
	}
	return g
}

func ordinal(n *ast.NumberLit) int {
	if !n.IsInt {
		return 0
	}
	v := 0
	for _, r := range n.Text {
		v = v*10 + int(r-'0')
		if v > 1<<20 {
			return 0
		}
	}
	return v
}

// expandStars replaces * and t.* by one item per column.
func (b *Binder) expandStars(s *ast.Select, sc *scope) ([]*ast.SelectItem, error) {
	var out []*ast.SelectItem
	for _, it := range s.Items {
		if !it.Star {
			out = append(out, it)
			continue
		}
		found := false
		for _, c := range sc.cols {
			if it.StarTable != "" && !strings.EqualFold(c.Table, it.StarTable) {
				continue
			}
			found = true
			parts := []string{c.Name}
			if c.Table != "" {
				parts = []string{c.Table, c.Name}
			}
			out = append(out, &ast.SelectItem{At: it.At, Expr: &ast.Ident{At: it.At, Parts: parts}})
		}
		if it.StarTable != "" && !found {
			return nil, Errorf(it.At, ErrUnknownTable, "unknown table %q in %s.*", it.StarTable, it.StarTable)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(s.At, ErrInvalid, "SELECT has no columns")
	}
	return out, nil
}

func (b *Binder) bindItems(eb *exprBinder, items []*ast.SelectItem) ([]expr.Expr, []string, error) {
	exprs := make([]expr.Expr, len(items))
	names := make([]string, len(items))
	for i, it := range items {
		x, err := eb.bind(it.Expr)
		if err != nil {
			return nil, nil, err
		}
		exprs[i] = x
		switch {
		case it.Alias != "":
			names[i] = it.Alias
		case isIdent(it.Expr):
			id := it.Expr.(*ast.Ident)
			names[i] = id.Parts[len(id.Parts)-1]
			if c, ok := x.(*expr.Col); ok {
				names[i] = c.Name
			}
		default:
			names[i] = x.String()
			if c, ok := x.(*expr.Col); ok {
				names[i] = c.Name
			}
		}
	}
	return exprs, names, nil
}

func isIdent(e ast.Expr) bool { _, ok := e.(*ast.Ident); return ok }

// bindOrder binds ORDER BY keys: an output alias or ordinal refers to the
// projected column; anything else is computed as a hidden column.
func (b *Binder) bindOrder(eb *exprBinder, s *ast.Select, exprs []expr.Expr, names []string) ([]SortKey, []expr.Expr, error) {
	var keys []SortKey
	var hidden []expr.Expr
	for _, o := range s.OrderBy {
		idx := -1
		switch x := o.Expr.(type) {
		case *ast.NumberLit:
			i := ordinal(x)
			if i < 1 || i > len(exprs) {
				return nil, nil, Errorf(x.At, ErrInvalid, "ORDER BY position %s is not in the select list (1 to %d)", x.Text, len(exprs))
			}
			idx = i - 1
		case *ast.Ident:
			if len(x.Parts) == 1 {
				for i, n := range names {
					if strings.EqualFold(n, x.Parts[0]) {
						idx = i
						break
					}
				}
			}
		}
		if idx < 0 {
			x, err := eb.bind(o.Expr)
			if err != nil {
				return nil, nil, err
			}
			for i, e := range exprs {
				if e.String() == x.String() {
					idx = i
				}
			}
			if idx < 0 {
				if s.Distinct {
					return nil, nil, Errorf(o.At, ErrInvalid, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list")
				}
				idx = len(exprs) + len(hidden)
				hidden = append(hidden, x)
			}
		}
		nf := o.Desc
		if o.NullsFirst != nil {
			nf = *o.NullsFirst
		}
		keys = append(keys, SortKey{Expr: &expr.Col{Idx: idx, Name: "", T: nil}, Desc: o.Desc, NullsFirst: nf})
	}
	return keys, hidden, nil
}

// finishSelect stacks Project, Distinct, Sort, Limit and drops hidden
// sort columns.
func (b *Binder) finishSelect(s *ast.Select, input Node, exprs []expr.Expr, names []string, keys []SortKey, hidden []expr.Expr) (Node, error) {
	proj := &Project{Input: input, Exprs: append(append([]expr.Expr{}, exprs...), hidden...)}
	inSchema := input.Schema()
	for i, x := range proj.Exprs {
		col := Column{T: x.DataType()}
		if i < len(names) {
			col.Name = names[i]
		} else {
			col.Name = x.String()
		}
		if c, ok := x.(*expr.Col); ok && strings.EqualFold(inSchema[c.Idx].Name, col.Name) {
			col.Table = inSchema[c.Idx].Table
		}
		proj.Out = append(proj.Out, col)
	}
	var node Node = proj
	if s.Distinct {
		node = &Distinct{Input: node}
	}
	if len(keys) > 0 {
		for i := range keys {
			c := keys[i].Expr.(*expr.Col)
			keys[i].Expr = &expr.Col{Idx: c.Idx, Name: proj.Out[c.Idx].Name, T: proj.Out[c.Idx].T}
		}
		node = &Sort{Input: node, Keys: keys}
	}
	if s.Limit != nil || s.Offset != nil {
		lim := &Limit{Input: node, Count: -1}
		var err error
		if s.Limit != nil {
			if lim.Count, err = b.constInt(s.Limit, "LIMIT"); err != nil {
				return nil, err
			}
		}
		if s.Offset != nil {
			if lim.Offset, err = b.constInt(s.Offset, "OFFSET"); err != nil {
				return nil, err
			}
		}
		node = lim
	}
	if len(hidden) > 0 {
		drop := &Project{Input: node}
		for i := range exprs {
			drop.Exprs = append(drop.Exprs, &expr.Col{Idx: i, Name: proj.Out[i].Name, T: proj.Out[i].T})
			drop.Out = append(drop.Out, proj.Out[i])
		}
		node = drop
	}
	return node, nil
}

// constInt evaluates a constant non-negative integer (LIMIT, OFFSET).
func (b *Binder) constInt(e ast.Expr, what string) (int64, error) {
	x, err := (&exprBinder{b: b, scope: &scope{}}).bind(e)
	if err != nil {
		return 0, err
	}
	c, ok := x.(*expr.Const)
	if !ok || c.Null || expr.KindOf(c.T) != expr.KindInt || c.I < 0 {
		return 0, Errorf(e.Pos(), ErrInvalid, "%s needs a non-negative integer", what)
	}
	return c.I, nil
}
