package parser

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cai-dev/cai/parser/ast"
)

// Binary operators fold left: a - b - c is (a - b) - c. A binary node is
// positioned at its operator, a prefix operator at itself.

func (c *converter) exprOpt(g *gExpr) ast.Expr {
	if g == nil {
		return nil
	}
	return c.expr(g)
}

func (c *converter) exprs(gs []*gExpr) []ast.Expr {
	var out []ast.Expr
	for _, g := range gs {
		out = append(out, c.expr(g))
	}
	return out
}

func (c *converter) expr(g *gExpr) ast.Expr {
	x := c.and(g.Head)
	for _, t := range g.Tail {
		x = &ast.Binary{At: pos(t.Pos), Op: "OR", L: x, R: c.and(t.Right)}
	}
	return x
}

func (c *converter) and(g *gAnd) ast.Expr {
	x := c.not(g.Head)
	for _, t := range g.Tail {
		x = &ast.Binary{At: pos(t.Pos), Op: "AND", L: x, R: c.not(t.Right)}
	}
	return x
}

func (c *converter) not(g *gNot) ast.Expr {
	x := c.cmp(g.X)
	for i := len(g.Nots) - 1; i >= 0; i-- {
		x = &ast.Unary{At: pos(g.Nots[i].Pos), Op: "NOT", X: x}
	}
	return x
}

func (c *converter) cmp(g *gCmp) ast.Expr {
	x := c.concat(g.X)
	switch t := g.Tail.(type) {
	case nil:
		return x
	case *gCmpOp:
		op := t.Op
		if op == "!=" {
			op = "<>"
		}
		return &ast.Binary{At: pos(t.Pos), Op: op, L: x, R: c.concat(t.Right)}
	case *gIsNull:
		return &ast.IsNull{At: pos(t.Pos), X: x, Not: t.Not}
	case *gBetween:
		return &ast.Between{At: pos(t.Pos), X: x, Lo: c.concat(t.Lo), Hi: c.concat(t.Hi), Not: t.Not}
	case *gIn:
		return &ast.In{At: pos(t.Pos), X: x, List: c.exprs(t.List), Not: t.Not}
	case *gLike:
		return &ast.Like{At: pos(t.Pos), X: x, Pattern: c.concat(t.Pattern), Not: t.Not}
	}
	panic(fmt.Sprintf("parser: unexpected comparison production %T", g.Tail))
}

func (c *converter) concat(g *gConcat) ast.Expr {
	x := c.sum(g.Head)
	for _, t := range g.Tail {
		x = &ast.Binary{At: pos(t.Pos), Op: "||", L: x, R: c.sum(t.Right)}
	}
	return x
}

func (c *converter) sum(g *gSum) ast.Expr {
	x := c.prod(g.Head)
	for _, t := range g.Tail {
		x = &ast.Binary{At: pos(t.Pos), Op: t.Op, L: x, R: c.prod(t.Right)}
	}
	return x
}

func (c *converter) prod(g *gProd) ast.Expr {
	x := c.unary(g.Head)
	for _, t := range g.Tail {
		x = &ast.Binary{At: pos(t.Pos), Op: t.Op, L: x, R: c.unary(t.Right)}
	}
	return x
}

func (c *converter) unary(g *gUnary) ast.Expr {
	x := c.primary(g.X)
	for i := len(g.Negs) - 1; i >= 0; i-- {
		x = &ast.Unary{At: pos(g.Negs[i].Pos), Op: "-", X: x}
	}
	return x
}

func (c *converter) primary(g gPrimary) ast.Expr {
	switch g := g.(type) {
	case *gDuration:
		return c.duration(g)
	case *gNumber:
		return number(g.Pos, g.Text)
	case *gString:
		return &ast.StringLit{At: pos(g.Pos), Value: unquote(g.Text)}
	case *gBool:
		return &ast.BoolLit{At: pos(g.Pos), Value: strings.EqualFold(g.Value, "TRUE")}
	case *gNull:
		return &ast.NullLit{At: pos(g.Pos)}
	case *gParam:
		return &ast.Param{At: pos(g.Pos)} // numbered by Parse once the statement is built
	case *gTypedLit:
		lit := &ast.StringLit{At: pos(g.Value.Pos), Value: unquote(g.Value.Text)}
		return &ast.Cast{At: pos(g.Pos), X: lit, Type: strings.ToUpper(g.Type)}
	case *gCast:
		return &ast.Cast{At: pos(g.Pos), X: c.expr(g.X), Type: strings.ToUpper(g.Type)}
	case *gCase:
		return c.caseExpr(g)
	case *gCall:
		return c.call(g)
	case *gParen:
		return c.expr(g.X)
	case *gIdent:
		id := &ast.Ident{At: pos(g.Pos)}
		for _, p := range g.Parts {
			id.Parts = append(id.Parts, c.word(g.Pos, p))
		}
		return id
	}
	panic(fmt.Sprintf("parser: unexpected primary production %T", g))
}

func (c *converter) caseExpr(g *gCase) ast.Expr {
	e := &ast.Case{At: pos(g.Pos), Operand: c.exprOpt(g.Operand), Else: c.exprOpt(g.Else)}
	for _, w := range g.Whens {
		e.Whens = append(e.Whens, &ast.When{At: pos(w.Pos), Cond: c.expr(w.Cond), Result: c.expr(w.Result)})
	}
	return e
}

func (c *converter) call(g *gCall) ast.Expr {
	e := &ast.Call{
		At:       pos(g.Pos),
		Name:     strings.ToUpper(g.Name),
		Args:     c.exprs(g.Args),
		Star:     g.Star,
		Distinct: g.Distinct,
		Filter:   c.exprOpt(g.Filter),
	}
	if g.Over != nil {
		if !c.inFeatures {
			c.fail(g.Over.Pos, "OVER is only allowed in FEATURES (...) of a PREDICT")
		}
		e.Over = c.duration(g.Over)
	}
	return e
}

func number(p lexer.Position, text string) *ast.NumberLit {
	return &ast.NumberLit{At: pos(p), Text: text, IsInt: !strings.ContainsAny(text, ".eE")}
}

// duration converts "30 DAYS": a whole, non-negative count and a unit,
// normalised to the plural.
func (c *converter) duration(g *gDuration) *ast.Duration {
	d := &ast.Duration{At: pos(g.Pos), Unit: durationUnits[strings.ToUpper(g.Unit)]}
	if strings.ContainsAny(g.N, ".eE") {
		c.fail(g.Pos, "a duration needs a whole number of %s, not %s", strings.ToLower(d.Unit), g.N)
		return d
	}
	n, err := strconv.ParseInt(g.N, 10, 64)
	if err != nil {
		c.fail(g.Pos, "duration %s %s is too long", g.N, d.Unit)
	}
	d.N = n
	return d
}
