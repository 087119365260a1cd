package planner

import (
	"github.com/cai-dev/cai/expr"
)

// PruneColumns pushes projections down to the scans: every Scan reads
// only the columns some node above it uses. Nodes are rebuilt, never
// mutated; the root keeps its output schema.
func PruneColumns(root Node) Node {
	all := map[int]bool{}
	for i := range root.Schema() {
		all[i] = true
	}
	n, _ := prune(root, all)
	return n
}

// prune returns n rebuilt to produce at least the required columns, and
// the position of each old output column in the new output (-1 if
// dropped).
func prune(n Node, required map[int]bool) (Node, []int) {
	switch n := n.(type) {
	case *Scan:
		var keep []int
		for i := range n.Out {
			if required[i] {
				keep = append(keep, i)
			}
		}
		if len(keep) == 0 && len(n.Out) > 0 {
			keep = []int{0} // keep the row count
		}
		mapping := make([]int, len(n.Out))
		for i := range mapping {
			mapping[i] = -1
		}
		s := &Scan{Table: n.Table, Name: n.Name, Alias: n.Alias}
		for j, i := range keep {
			mapping[i] = j
			s.Cols = append(s.Cols, n.Cols[i])
			s.Out = append(s.Out, n.Out[i])
		}
		return s, mapping
	case *Filter:
		req := union(required, used(n.Cond))
		in, m := prune(n.Input, req)
		return &Filter{Input: in, Cond: remap(n.Cond, m)}, m
	case *Project:
		in, m := prune(n.Input, used(n.Exprs...))
		p := &Project{Input: in, Out: n.Out}
		for _, x := range n.Exprs {
			p.Exprs = append(p.Exprs, remap(x, m))
		}
		return p, identity(len(n.Out))
	case *Aggregate:
		var es []expr.Expr
		es = append(es, n.Groups...)
		for _, a := range n.Aggs {
			if a.Arg != nil {
				es = append(es, a.Arg)
			}
			if a.Filter != nil {
				es = append(es, a.Filter)
			}
		}
		in, m := prune(n.Input, used(es...))
		g := &Aggregate{Input: in, Out: n.Out}
		for _, x := range n.Groups {
			g.Groups = append(g.Groups, remap(x, m))
		}
		for _, a := range n.Aggs {
			c := *a
			if c.Arg != nil {
				c.Arg = remap(c.Arg, m)
			}
			if c.Filter != nil {
				c.Filter = remap(c.Filter, m)
			}
			g.Aggs = append(g.Aggs, &c)
		}
		return g, identity(len(n.Out))
	case *Sort:
		var es []expr.Expr
		for _, k := range n.Keys {
			es = append(es, k.Expr)
		}
		in, m := prune(n.Input, union(required, used(es...)))
		s := &Sort{Input: in}
		for _, k := range n.Keys {
			s.Keys = append(s.Keys, SortKey{Expr: remap(k.Expr, m), Desc: k.Desc, NullsFirst: k.NullsFirst})
		}
		return s, m
	case *Limit:
		in, m := prune(n.Input, required)
		return &Limit{Input: in, Count: n.Count, Offset: n.Offset}, m
	case *Join:
		return pruneJoin(n, required)
	case *Unnest:
		nin := len(n.Input.Schema())
		req := used(n.List)
		for i := range required {
			if i < nin {
				req[i] = true
			}
		}
		in, m := prune(n.Input, req)
		u := &Unnest{Input: in, List: remap(n.List, m), Alias: n.Alias}
		mapping := make([]int, len(n.Out))
		for i := range m {
			mapping[i] = m[i]
			if m[i] >= 0 {
				u.Out = append(u.Out, n.Out[i])
			}
		}
		for i := nin; i < len(n.Out); i++ {
			mapping[i] = len(u.Out)
			u.Out = append(u.Out, n.Out[i])
		}
		return u, mapping
	}
	// Distinct, Values, Source and anything else: keep every column.
	kids := n.Children()
	if len(kids) == 1 {
		if d, ok := n.(*Distinct); ok {
			in, m := prune(d.Input, allOf(d.Input))
			if !isIdentity(m) {
				// Distinct needs every input column: restore them.
				return d, identity(len(d.Schema()))
			}
			return &Distinct{Input: in}, identity(len(d.Schema()))
		}
	}
	return n, identity(len(n.Schema()))
}

func pruneJoin(n *Join, required map[int]bool) (Node, []int) {
	nl := len(n.Left.Schema())
	lreq, rreq := used(n.LeftKeys...), used(n.RightKeys...)
	var res map[int]bool
	if n.Residual != nil {
		res = used(n.Residual)
	}
	for i := range union(required, res) {
		if i < nl {
			lreq[i] = true
		} else {
			rreq[i-nl] = true
		}
	}
	left, lm := prune(n.Left, lreq)
	right, rm := prune(n.Right, rreq)
	j := &Join{Left: left, Right: right, Kind: n.Kind}
	for _, k := range n.LeftKeys {
		j.LeftKeys = append(j.LeftKeys, remap(k, lm))
	}
	for _, k := range n.RightKeys {
		j.RightKeys = append(j.RightKeys, remap(k, rm))
	}
	newLeft := len(left.Schema())
	mapping := make([]int, len(n.Out))
	for i := range mapping {
		switch {
		case i < nl:
			mapping[i] = lm[i]
		case rm[i-nl] >= 0:
			mapping[i] = newLeft + rm[i-nl]
		default:
			mapping[i] = -1
		}
	}
	if n.Residual != nil {
		j.Residual = remap(n.Residual, mapping)
	}
	j.Out = append(append(Schema{}, left.Schema()...), right.Schema()...)
	return j, mapping
}

func used(es ...expr.Expr) map[int]bool {
	out := map[int]bool{}
	for _, e := range es {
		expr.ColumnsUsed(e, out)
	}
	return out
}

func union(a, b map[int]bool) map[int]bool {
	out := make(map[int]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func allOf(n Node) map[int]bool {
	out := map[int]bool{}
	for i := range n.Schema() {
		out[i] = true
	}
	return out
}

func identity(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

func isIdentity(m []int) bool {
	for i, j := range m {
		if i != j {
			return false
		}
	}
	return true
}

// remap rewrites column references through mapping.
func remap(e expr.Expr, mapping []int) expr.Expr {
	return expr.MapCols(e, func(c *expr.Col) expr.Expr {
		return &expr.Col{Idx: mapping[c.Idx], Name: c.Name, T: c.T}
	})
}
