package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
)

// Column is one output column of a plan node. Table is the qualifier it
// can be referenced by (a table name or alias), possibly empty.
type Column struct {
	Name  string
	Table string
	T     arrow.DataType
}

// Schema is the ordered list of a node's output columns.
type Schema []Column

// Arrow converts the schema to an Arrow schema.
func (s Schema) Arrow() *arrow.Schema {
	fields := make([]arrow.Field, len(s))
	for i, c := range s {
		fields[i] = arrow.Field{Name: c.Name, Type: c.T, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// Node is a logical plan node. Nodes are immutable once built.
type Node interface {
	// Schema is the node's output.
	Schema() Schema
	// Children are the inputs, left to right.
	Children() []Node
	// String describes the node on one line, for EXPLAIN.
	String() string
}

// Scan reads a catalog table (or a segment's members). The plan holds a
// reference to the table; Plan.Close releases it.
type Scan struct {
	Table *catalog.Table
	Name  string
	Alias string
	Cols  []int // projected columns of the table, in output order
	Out   Schema
}

// Schema implements Node.
func (n *Scan) Schema() Schema { return n.Out }

// Children implements Node.
func (n *Scan) Children() []Node { return nil }

// String implements Node.
func (n *Scan) String() string {
	names := make([]string, len(n.Out))
	for i, c := range n.Out {
		names[i] = expr.QuoteIdent(c.Name)
	}
	s := "Scan " + n.Name
	if n.Alias != "" && !strings.EqualFold(n.Alias, n.Name) {
		s += " AS " + n.Alias
	}
	return s + " [" + strings.Join(names, ", ") + "]"
}

// Values yields one row with no columns (SELECT without FROM).
type Values struct{}

// Schema implements Node.
func (n *Values) Schema() Schema { return nil }

// Children implements Node.
func (n *Values) Children() []Node { return nil }

// String implements Node.
func (n *Values) String() string { return "Values (1 row)" }

// Filter keeps the rows where Cond is TRUE.
type Filter struct {
	Input Node
	Cond  expr.Expr
}

// Schema implements Node.
func (n *Filter) Schema() Schema { return n.Input.Schema() }

// Children implements Node.
func (n *Filter) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Filter) String() string { return "Filter " + n.Cond.String() }

// Project computes one expression per output column.
type Project struct {
	Input Node
	Exprs []expr.Expr
	Out   Schema
}

// Schema implements Node.
func (n *Project) Schema() Schema { return n.Out }

// Children implements Node.
func (n *Project) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Project) String() string {
	parts := make([]string, len(n.Exprs))
	for i, e := range n.Exprs {
		parts[i] = e.String()
		if s := e.String(); s != expr.QuoteIdent(n.Out[i].Name) {
			parts[i] = s + " AS " + expr.QuoteIdent(n.Out[i].Name)
		}
	}
	return "Project " + strings.Join(parts, ", ")
}

// AggFunc names an aggregate function.
type AggFunc string

// The aggregate functions.
const (
	AggCount         AggFunc = "COUNT"
	AggCountStar     AggFunc = "COUNT(*)"
	AggCountDistinct AggFunc = "COUNT(DISTINCT)"
	AggSum           AggFunc = "SUM"
	AggAvg           AggFunc = "AVG"
	AggMin           AggFunc = "MIN"
	AggMax           AggFunc = "MAX"
)

// AggCall is one aggregate: Func over Arg (nil for COUNT(*)) on the rows
// where Filter is TRUE (nil = all rows).
type AggCall struct {
	Func   AggFunc
	Arg    expr.Expr
	Filter expr.Expr
	T      arrow.DataType
}

// String renders the aggregate as SQL.
func (a *AggCall) String() string {
	var s string
	switch a.Func {
	case AggCountStar:
		s = "count(*)"
	case AggCountDistinct:
		s = "count(DISTINCT " + a.Arg.String() + ")"
	default:
		s = strings.ToLower(string(a.Func)) + "(" + a.Arg.String() + ")"
	}
	if a.Filter != nil {
		s += " FILTER (WHERE " + a.Filter.String() + ")"
	}
	return s
}

// Aggregate groups its input by Groups and computes Aggs per group. Its
// output is the group keys followed by the aggregates.
type Aggregate struct {
	Input  Node
	Groups []expr.Expr
	Aggs   []*AggCall
	Out    Schema
}

// Schema implements Node.
func (n *Aggregate) Schema() Schema { return n.Out }

// Children implements Node.
func (n *Aggregate) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Aggregate) String() string {
	g := make([]string, len(n.Groups))
	for i, e := range n.Groups {
		g[i] = e.String()
	}
	a := make([]string, len(n.Aggs))
	for i, e := range n.Aggs {
		a[i] = e.String()
	}
	return fmt.Sprintf("HashAggregate groups=[%s] aggs=[%s]", strings.Join(g, ", "), strings.Join(a, ", "))
}

// JoinKind is INNER, LEFT or CROSS.
type JoinKind string

// Join kinds.
const (
	JoinInner JoinKind = "INNER"
	JoinLeft  JoinKind = "LEFT"
	JoinCross JoinKind = "CROSS"
)

// Join is a hash join on equal keys (LeftKeys[i] = RightKeys[i]) with an
// optional residual condition over the joined row. The output is the
// left columns followed by the right columns.
type Join struct {
	Left, Right Node
	Kind        JoinKind
	LeftKeys    []expr.Expr // over Left's schema
	RightKeys   []expr.Expr // over Right's schema
	Residual    expr.Expr   // over the joined schema; nil = none
	Out         Schema
}

// Schema implements Node.
func (n *Join) Schema() Schema { return n.Out }

// Children implements Node.
func (n *Join) Children() []Node { return []Node{n.Left, n.Right} }

// String implements Node.
func (n *Join) String() string {
	s := "HashJoin " + string(n.Kind)
	if len(n.LeftKeys) > 0 {
		k := make([]string, len(n.LeftKeys))
		for i := range n.LeftKeys {
			k[i] = n.LeftKeys[i].String() + " = " + n.RightKeys[i].String()
		}
		s += " on [" + strings.Join(k, ", ") + "]"
	}
	if n.Residual != nil {
		s += " filter " + n.Residual.String()
	}
	return s
}

// SortKey is one ORDER BY key over the input schema.
type SortKey struct {
	Expr       expr.Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders its input.
type Sort struct {
	Input Node
	Keys  []SortKey
}

// Schema implements Node.
func (n *Sort) Schema() Schema { return n.Input.Schema() }

// Children implements Node.
func (n *Sort) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Sort) String() string {
	k := make([]string, len(n.Keys))
	for i, key := range n.Keys {
		k[i] = key.Expr.String()
		if key.Desc {
			k[i] += " DESC"
		}
		if key.NullsFirst != key.Desc {
			if key.NullsFirst {
				k[i] += " NULLS FIRST"
			} else {
				k[i] += " NULLS LAST"
			}
		}
	}
	return "Sort " + strings.Join(k, ", ")
}

// Limit skips Offset rows and then passes at most Count rows (Count < 0:
// no limit).
type Limit struct {
	Input  Node
	Count  int64
	Offset int64
}

// Schema implements Node.
func (n *Limit) Schema() Schema { return n.Input.Schema() }

// Children implements Node.
func (n *Limit) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Limit) String() string {
	s := "Limit"
	if n.Count >= 0 {
		s += fmt.Sprintf(" %d", n.Count)
	}
	if n.Offset > 0 {
		s += fmt.Sprintf(" offset %d", n.Offset)
	}
	return s
}

// Distinct removes duplicate rows.
type Distinct struct{ Input Node }

// Schema implements Node.
func (n *Distinct) Schema() Schema { return n.Input.Schema() }

// Children implements Node.
func (n *Distinct) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Distinct) String() string { return "Distinct" }

// Unnest appends, for each element of the list List of each input row,
// one output row: the input columns followed by the element (a struct's
// fields become columns; other elements one column named Alias).
type Unnest struct {
	Input Node
	List  expr.Expr
	Alias string
	Out   Schema
}

// Schema implements Node.
func (n *Unnest) Schema() Schema { return n.Out }

// Children implements Node.
func (n *Unnest) Children() []Node { return []Node{n.Input} }

// String implements Node.
func (n *Unnest) String() string { return "Unnest " + n.List.String() }

// Source is a node computed outside the relational engine (the scores of
// a model, say): Run produces its whole output when executed.
type Source struct {
	Label string
	Out   Schema
	// Run produces the rows. The batches are owned by the caller.
	Run func(ctx context.Context, mem memory.Allocator) ([]arrow.RecordBatch, error)
}

// Schema implements Node.
func (n *Source) Schema() Schema { return n.Out }

// Children implements Node.
func (n *Source) Children() []Node { return nil }

// String implements Node.
func (n *Source) String() string { return n.Label }

// Format prints a plan as an indented tree.
func Format(n Node) string {
	var sb strings.Builder
	var walk func(n Node, prefix string, last bool, root bool)
	walk = func(n Node, prefix string, last bool, root bool) {
		if root {
			sb.WriteString(n.String() + "\n")
		} else {
			branch := "├── "
			if last {
				branch = "└── "
			}
			sb.WriteString(prefix + branch + n.String() + "\n")
			if last {
				prefix += "    "
			} else {
				prefix += "│   "
			}
		}
		kids := n.Children()
		for i, k := range kids {
			walk(k, prefix, i == len(kids)-1, false)
		}
	}
	walk(n, "", true, true)
	return sb.String()
}
