package parser

import (
	"fmt"
	"strings"

	"github.com/cai-dev/cai/parser/ast"
)

func (c *converter) selectStmt(g *gSelect) *ast.Select {
	s := &ast.Select{
		StmtBase: c.base(g.Pos, g.Tokens),
		Distinct: g.Distinct,
		Where:    c.exprOpt(g.Where),
		GroupBy:  c.exprs(g.GroupBy),
		Having:   c.exprOpt(g.Having),
		Limit:    c.exprOpt(g.Limit),
		Offset:   c.exprOpt(g.Offset),
	}
	for _, it := range g.Items {
		s.Items = append(s.Items, c.selectItem(it))
	}
	if g.From != nil {
		s.From = c.from(g.From)
	}
	for _, o := range g.OrderBy {
		s.OrderBy = append(s.OrderBy, c.orderItem(o))
	}
	return s
}

func (c *converter) selectItem(g *gSelectItem) *ast.SelectItem {
	if g.Star != nil {
		return &ast.SelectItem{At: pos(g.Pos), Star: true, StarTable: c.name(g.Star.Table)}
	}
	return &ast.SelectItem{At: pos(g.Pos), Expr: c.expr(g.Expr), Alias: c.name(g.Alias)}
}

func (c *converter) orderItem(g *gOrderItem) *ast.OrderItem {
	o := &ast.OrderItem{At: pos(g.Pos), Expr: c.expr(g.Expr), Desc: g.Desc}
	if g.Nulls != "" {
		first := strings.EqualFold(g.Nulls, "FIRST")
		o.NullsFirst = &first
	}
	return o
}

// from builds a left-deep tree of joins.
func (c *converter) from(g *gFrom) ast.TableExpr {
	t := c.table(g.Left)
	for _, j := range g.Joins {
		switch j := j.(type) {
		case *gCrossJoin:
			t = &ast.Join{At: pos(j.Pos), Kind: "CROSS", Left: t, Right: c.table(j.Table)}
		case *gOnJoin:
			kind := "INNER"
			if j.Left {
				kind = "LEFT"
			}
			t = &ast.Join{At: pos(j.Pos), Kind: kind, Left: t, Right: c.table(j.Table), On: c.expr(j.On)}
		}
	}
	return t
}

func (c *converter) table(g gTable) ast.TableExpr {
	switch g := g.(type) {
	case *gTableName:
		return &ast.TableName{At: pos(g.Pos), Name: c.name(g.Name), Alias: c.name(g.Alias)}
	case *gFileTable:
		return &ast.FileTable{At: pos(g.Pos), Path: unquote(g.Path), Alias: c.name(g.Alias)}
	case *gSubquery:
		return &ast.Subquery{At: pos(g.Pos), Query: c.query(g.Query), Alias: c.name(g.Alias)}
	case *gPredictTable:
		return &ast.PredictTable{At: pos(g.Pos), Model: c.name(g.Model), AsOf: c.exprOpt(g.AsOf), Alias: c.name(g.Alias)}
	case *gUnnest:
		return &ast.Unnest{At: pos(g.Pos), Expr: c.expr(g.Expr), Alias: c.name(g.Alias)}
	}
	panic(fmt.Sprintf("parser: unexpected table production %T", g))
}
