package ast

import "reflect"

// Walk visits n and then, if visit returns true, each of n's children in
// source order, depth first: the nested statements, table expressions
// and expressions it holds. Parts that are not Nodes (SelectItem, Option,
// When, PredictSpec, ...) are looked through: their expressions are
// visited as children of the statement or expression that holds them.
// Nil children are skipped.
func Walk(n Node, visit func(Node) bool) {
	if n == nil || isNilNode(n) || !visit(n) {
		return
	}
	for _, c := range children(n) {
		Walk(c, visit)
	}
}

// isNilNode catches a typed nil pointer stored in an interface, such as a
// nil *Duration for an absent LOOKBACK.
func isNilNode(n Node) bool {
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// nodes collects the non-nil nodes among its arguments.
type nodes []Node

func (ns *nodes) add(list ...Node) {
	for _, n := range list {
		if n != nil && !isNilNode(n) {
			*ns = append(*ns, n)
		}
	}
}

func (ns *nodes) exprs(list []Expr) {
	for _, e := range list {
		ns.add(e)
	}
}

func (ns *nodes) options(list []Option) {
	for _, o := range list {
		ns.add(o.Value)
	}
}

func (ns *nodes) items(list []*SelectItem) {
	for _, it := range list {
		ns.add(it.Expr)
	}
}

// children lists n's direct children in source order.
func children(n Node) []Node {
	var ns nodes
	switch n := n.(type) {
	case *CreateTable:
		if n.From != nil {
			ns.options(n.From.Options)
		}
		ns.add(n.As)
	case *Copy:
		ns.add(n.Query)
		ns.options(n.Options)
	case *Explain:
		ns.add(n.Stmt)
	case *Select:
		ns.items(n.Items)
		ns.add(n.From, n.Where)
		ns.exprs(n.GroupBy)
		ns.add(n.Having)
		for _, o := range n.OrderBy {
			ns.add(o.Expr)
		}
		ns.add(n.Limit, n.Offset)
	case *Subquery:
		ns.add(n.Query)
	case *PredictTable:
		ns.add(n.AsOf)
	case *Unnest:
		ns.add(n.Expr)
	case *Join:
		ns.add(n.Left, n.Right, n.On)
	case *CreateModel:
		ns.spec(n.Spec)
	case *Predict:
		ns.spec(n.Spec)
	case *PredictUsing:
		ns.add(n.AsOf, n.Where)
	case *Backtest:
		ns.add(n.AsOf)
	case *CreateSegment:
		ns.add(n.Query)
	default:
		ns.exprChildren(n)
	}
	return ns
}

func (ns *nodes) spec(s *PredictSpec) {
	if s == nil {
		return
	}
	ns.add(s.Goal, s.Within, s.Lookback, s.Where, s.Having)
	ns.items(s.Features)
	ns.add(s.AsOf)
	ns.options(s.With)
}

func (ns *nodes) exprChildren(n Node) {
	switch n := n.(type) {
	case *Unary:
		ns.add(n.X)
	case *Binary:
		ns.add(n.L, n.R)
	case *Between:
		ns.add(n.X, n.Lo, n.Hi)
	case *In:
		ns.add(n.X)
		ns.exprs(n.List)
	case *Like:
		ns.add(n.X, n.Pattern)
	case *IsNull:
		ns.add(n.X)
	case *Case:
		ns.add(n.Operand)
		for _, w := range n.Whens {
			ns.add(w.Cond, w.Result)
		}
		ns.add(n.Else)
	case *Cast:
		ns.add(n.X)
	case *Call:
		ns.exprs(n.Args)
		ns.add(n.Filter, n.Over)
	}
}
