package planner

import (
	"errors"
	"strings"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser/ast"
)

// Extensions binds the parts of a query that the relational planner does
// not own: the scores of a model and files read in FROM. The engine
// implements it.
type Extensions interface {
	// BindPredict binds PREDICT(model) in FROM, or a *ast.Predict /
	// *ast.PredictUsing used as a query.
	BindPredict(b *Binder, n ast.Node) (Node, error)
	// BindFile binds FROM 'path'.
	BindFile(b *Binder, t *ast.FileTable) (Node, error)
}

// Binder binds statements against a catalog. A Binder is used for one
// statement; Release drops the table references its plans hold.
type Binder struct {
	Cat    *catalog.Catalog
	Params []any // values of ? placeholders
	Now    int64 // now() in microseconds; 0 = the wall clock
	Ext    Extensions
	tables []*catalog.Table
}

// Release releases every table the bound plans reference. Call it once
// the plans have been executed.
func (b *Binder) Release() {
	for _, t := range b.tables {
		t.Release()
	}
	b.tables = nil
}

// BindQuery binds anything that yields rows: a SELECT, a one-shot PREDICT
// or PREDICT USING.
func (b *Binder) BindQuery(s ast.Stmt) (Node, error) {
	switch s := s.(type) {
	case *ast.Select:
		n, err := b.BindSelect(s)
		if err != nil {
			return nil, err
		}
		return PruneColumns(n), nil
	case *ast.Predict, *ast.PredictUsing:
		if b.Ext == nil {
			return nil, Errorf(s.Pos(), ErrUnsupported, "PREDICT is not available here")
		}
		return b.Ext.BindPredict(b, s)
	}
	return nil, Errorf(s.Pos(), ErrInvalid, "expected a query")
}

// ScanTable binds a catalog table or segment by name. alias qualifies its
// columns (the name itself when empty).
func (b *Binder) ScanTable(pos ast.Pos, name, alias string) (Node, error) {
	t, err := b.Cat.Table(name)
	if errors.Is(err, catalog.ErrNotFound) {
		if seg, serr := b.Cat.Segment(name); serr == nil {
			t = seg.Members
			t.Retain()
			seg.Release()
			err = nil
		}
	}
	if err != nil {
		if errors.Is(err, catalog.ErrNotFound) {
			cands := append(b.Cat.Tables(), b.Cat.Segments()...)
			return nil, Errorf(pos, ErrUnknownTable, "unknown table %q%s", name, didYouMean(Suggest(name, cands)))
		}
		return nil, Errorf(pos, ErrInvalid, "table %q: %v", name, err)
	}
	b.tables = append(b.tables, t)
	if alias == "" {
		alias = name
	}
	scan := &Scan{Table: t, Name: name, Alias: alias}
	for i, f := range t.Schema.Fields() {
		scan.Cols = append(scan.Cols, i)
		scan.Out = append(scan.Out, Column{Name: f.Name, Table: alias, T: f.Type})
	}
	return scan, nil
}

func (b *Binder) bindFrom(t ast.TableExpr) (Node, error) {
	switch t := t.(type) {
	case *ast.TableName:
		return b.ScanTable(t.At, t.Name, t.Alias)
	case *ast.Subquery:
		n, err := b.BindQuery(t.Query)
		if err != nil {
			return nil, err
		}
		return Requalify(n, t.Alias), nil
	case *ast.PredictTable:
		if b.Ext == nil {
			return nil, Errorf(t.At, ErrUnsupported, "PREDICT is not available here")
		}
		n, err := b.Ext.BindPredict(b, t)
		if err != nil {
			return nil, err
		}
		alias := t.Alias
		if alias == "" {
			alias = t.Model
		}
		return Requalify(n, alias), nil
	case *ast.FileTable:
		if b.Ext == nil {
			return nil, Errorf(t.At, ErrUnsupported, "reading files in FROM is not available here")
		}
		n, err := b.Ext.BindFile(b, t)
		if err != nil {
			return nil, err
		}
		return Requalify(n, t.Alias), nil
	case *ast.Join:
		return b.bindJoin(t)
	case *ast.Unnest:
		return nil, Errorf(t.At, ErrInvalid, "UNNEST must follow a table: FROM t, UNNEST(t.list)")
	}
	return nil, Errorf(t.Pos(), ErrUnsupported, "unsupported FROM item")
}

// Requalify renames the qualifier of n's output columns to alias (if
// set), wrapping n in a Project.
func Requalify(n Node, alias string) Node {
	if alias == "" {
		return n
	}
	p := &Project{Input: n}
	for i, c := range n.Schema() {
		p.Exprs = append(p.Exprs, &expr.Col{Idx: i, Name: c.Name, T: c.T})
		p.Out = append(p.Out, Column{Name: c.Name, Table: alias, T: c.T})
	}
	return p
}

func (b *Binder) bindJoin(j *ast.Join) (Node, error) {
	left, err := b.bindFrom(j.Left)
	if err != nil {
		return nil, err
	}
	if u, ok := j.Right.(*ast.Unnest); ok {
		return b.bindUnnest(left, u)
	}
	right, err := b.bindFrom(j.Right)
	if err != nil {
		return nil, err
	}
	if q := duplicateQualifier(left.Schema(), right.Schema()); q != "" {
		return nil, Errorf(j.Right.Pos(), ErrInvalid, "duplicate table name or alias %q in FROM (give each table its own alias)", q)
	}
	out := append(append(Schema{}, left.Schema()...), right.Schema()...)
	node := &Join{Left: left, Right: right, Kind: JoinKind(strings.ToUpper(j.Kind)), Out: out}
	if node.Kind == "" {
		node.Kind = JoinInner
	}
	if node.Kind == JoinLeft || node.Kind == JoinInner {
		if j.On == nil {
			return nil, Errorf(j.At, ErrInvalid, "%s JOIN needs ON", node.Kind)
		}
	}
	if j.On == nil {
		node.Kind = JoinCross
		return node, nil
	}
	cond, err := (&exprBinder{b: b, scope: &scope{cols: out}}).bind(j.On)
	if err != nil {
		return nil, err
	}
	if err := wantBool(j.On, cond); err != nil {
		return nil, err
	}
	nl := len(left.Schema())
	var residual []expr.Expr
	for _, c := range conjuncts(cond) {
		if l, r, ok := splitEquality(c, nl); ok {
			node.LeftKeys = append(node.LeftKeys, l)
			node.RightKeys = append(node.RightKeys, r)
			continue
		}
		residual = append(residual, c)
	}
	for _, r := range residual {
		if node.Residual == nil {
			node.Residual = r
		} else {
			node.Residual = &expr.Logic{And: true, L: node.Residual, R: r}
		}
	}
	if node.Kind == JoinInner && len(node.LeftKeys) == 0 {
		node.Kind = JoinCross
	}
	if node.Kind == JoinLeft && len(node.LeftKeys) == 0 {
		return nil, Errorf(j.On.Pos(), ErrUnsupported, "LEFT JOIN needs at least one equality between the two sides in ON")
	}
	return node, nil
}

func conjuncts(e expr.Expr) []expr.Expr {
	if l, ok := e.(*expr.Logic); ok && l.And {
		return append(conjuncts(l.L), conjuncts(l.R)...)
	}
	return []expr.Expr{e}
}

// splitEquality recognises left-expr = right-expr where each side reads
// only one input; it returns the sides rebased onto their inputs.
func splitEquality(e expr.Expr, nl int) (expr.Expr, expr.Expr, bool) {
	c, ok := e.(*expr.Compare)
	if !ok || c.Op != "=" {
		return nil, nil, false
	}
	side := func(x expr.Expr) int { // 0 none, 1 left, 2 right, 3 both
		used := map[int]bool{}
		expr.ColumnsUsed(x, used)
		s := 0
		for i := range used {
			if i < nl {
				s |= 1
			} else {
				s |= 2
			}
		}
		return s
	}
	l, r := c.L, c.R
	sl, sr := side(l), side(r)
	if sl == 2 && sr == 1 {
		l, r, sl, sr = r, l, sr, sl
	}
	if sl != 1 || sr != 2 {
		return nil, nil, false
	}
	if expr.KindOf(l.DataType()) != expr.KindOf(r.DataType()) {
		if ct, err := expr.CommonType(l.DataType(), r.DataType()); err == nil {
			l, _ = expr.NewCast(l, ct)
			r, _ = expr.NewCast(r, ct)
		}
	}
	rebased := expr.MapCols(r, func(c *expr.Col) expr.Expr {
		return &expr.Col{Idx: c.Idx - nl, Name: c.Name, T: c.T}
	})
	return l, rebased, true
}

func (b *Binder) bindUnnest(left Node, u *ast.Unnest) (Node, error) {
	list, err := (&exprBinder{b: b, scope: &scope{cols: left.Schema()}}).bind(u.Expr)
	if err != nil {
		return nil, err
	}
	if expr.KindOf(list.DataType()) != expr.KindList {
		return nil, Errorf(u.Expr.Pos(), ErrType, "UNNEST needs a list, got %s", expr.TypeName(list.DataType()))
	}
	alias := u.Alias
	if alias == "" {
		alias = "unnest"
	}
	n := &Unnest{Input: left, List: list, Alias: alias, Out: append(Schema{}, left.Schema()...)}
	elem := list.DataType().(interface{ Elem() arrowDataType }).Elem()
	if st, ok := elem.(structType); ok {
		for _, f := range st.Fields() {
			n.Out = append(n.Out, Column{Name: f.Name, Table: alias, T: f.Type})
		}
	} else {
		n.Out = append(n.Out, Column{Name: alias, Table: alias, T: elem})
	}
	return n, nil
}

// BindScalar binds a scalar (non-aggregate) expression over schema.
func (b *Binder) BindScalar(schema Schema, e ast.Expr) (expr.Expr, error) {
	if containsAggregate(e) {
		return nil, Errorf(e.Pos(), ErrInvalid, "aggregates are not allowed here")
	}
	return (&exprBinder{b: b, scope: &scope{cols: schema}}).bind(e)
}

// BindAggExpr binds an expression made of aggregate calls over schema
// (as in HAVING): it returns the calls and an expression over their
// results (column i is call i).
func (b *Binder) BindAggExpr(schema Schema, e ast.Expr) (expr.Expr, []*AggCall, error) {
	agg := &aggState{input: &scope{cols: schema}, noGroups: true}
	x, err := (&exprBinder{b: b, scope: agg.input, agg: agg}).bind(e)
	if err != nil {
		return nil, nil, err
	}
	return x, agg.aggs, nil
}

// duplicateQualifier returns a table qualifier used on both sides.
func duplicateQualifier(l, r Schema) string {
	seen := map[string]bool{}
	for _, c := range l {
		if c.Table != "" {
			seen[strings.ToLower(c.Table)] = true
		}
	}
	for _, c := range r {
		if c.Table != "" && seen[strings.ToLower(c.Table)] {
			return c.Table
		}
	}
	return ""
}
