package expr

// Children returns the direct sub-expressions of e.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *Arith:
		return []Expr{e.L, e.R}
	case *Compare:
		return []Expr{e.L, e.R}
	case *Logic:
		return []Expr{e.L, e.R}
	case *Not:
		return []Expr{e.X}
	case *Neg:
		return []Expr{e.X}
	case *IsNull:
		return []Expr{e.X}
	case *InList:
		return append([]Expr{e.X}, e.List...)
	case *Like:
		return []Expr{e.X}
	case *Cast:
		return []Expr{e.X}
	case *Func:
		return e.Args
	case *Positioned:
		return []Expr{e.X}
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Then)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	}
	return nil
}

// MapCols returns a copy of e with every column reference replaced by
// fn(col). Nodes without columns are shared, not copied.
func MapCols(e Expr, fn func(*Col) Expr) Expr {
	switch e := e.(type) {
	case *Col:
		return fn(e)
	case *Const:
		return e
	case *Arith:
		return &Arith{Op: e.Op, L: MapCols(e.L, fn), R: MapCols(e.R, fn), T: e.T}
	case *Compare:
		return &Compare{Op: e.Op, L: MapCols(e.L, fn), R: MapCols(e.R, fn)}
	case *Logic:
		return &Logic{And: e.And, L: MapCols(e.L, fn), R: MapCols(e.R, fn)}
	case *Not:
		return &Not{X: MapCols(e.X, fn)}
	case *Neg:
		return &Neg{X: MapCols(e.X, fn)}
	case *IsNull:
		return &IsNull{X: MapCols(e.X, fn), Not: e.Not}
	case *InList:
		list := make([]Expr, len(e.List))
		for i, x := range e.List {
			list[i] = MapCols(x, fn)
		}
		return &InList{X: MapCols(e.X, fn), List: list, Not: e.Not}
	case *Like:
		c := *e
		c.X = MapCols(e.X, fn)
		return &c
	case *Cast:
		return &Cast{X: MapCols(e.X, fn), T: e.T}
	case *Func:
		args := make([]Expr, len(e.Args))
		for i, x := range e.Args {
			args[i] = MapCols(x, fn)
		}
		return &Func{Def: e.Def, Args: args, T: e.T}
	case *Positioned:
		return &Positioned{X: MapCols(e.X, fn), Line: e.Line, Col: e.Col}
	case *Case:
		c := &Case{T: e.T}
		for _, w := range e.Whens {
			c.Whens = append(c.Whens, When{Cond: MapCols(w.Cond, fn), Then: MapCols(w.Then, fn)})
		}
		if e.Else != nil {
			c.Else = MapCols(e.Else, fn)
		}
		return c
	}
	return e
}

// ColumnsUsed returns the set of column indexes e reads.
func ColumnsUsed(e Expr, into map[int]bool) {
	if c, ok := e.(*Col); ok {
		into[c.Idx] = true
		return
	}
	for _, k := range Children(e) {
		ColumnsUsed(k, into)
	}
}
