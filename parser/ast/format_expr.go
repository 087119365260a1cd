package ast

import "strings"

// Precedence levels, loosest first, as the grammar nests them.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp // = <> < <= > >=, IS [NOT] NULL, [NOT] BETWEEN, IN, LIKE
	precConcat
	precAdd
	precMul
	precNeg
	precPrimary
)

var binaryPrec = map[string]int{
	"OR": precOr, "AND": precAnd,
	"=": precCmp, "<>": precCmp, "<": precCmp, "<=": precCmp, ">": precCmp, ">=": precCmp,
	"||": precConcat, "+": precAdd, "-": precAdd, "*": precMul, "/": precMul, "%": precMul,
}

// prec is the precedence level of e's outermost operator.
func prec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		if p, ok := binaryPrec[e.Op]; ok {
			return p
		}
		return precOr // unknown operator: parenthesise everywhere
	case *Unary:
		if e.Op == "NOT" {
			return precNot
		}
		return precNeg
	case *Between, *In, *Like, *IsNull:
		return precCmp
	}
	return precPrimary
}

// expr prints a complete expression.
func (p *printer) expr(e Expr) { p.exprAt(e, 0) }

// exprAt prints e where the grammar expects an operand of precedence at
// least min, in parentheses if e binds more loosely. Parentheses are
// only added where needed, so printing never nests deeper than the
// source did.
func (p *printer) exprAt(e Expr, min int) {
	if prec(e) < min {
		p.WriteString("(")
		defer p.WriteString(")")
	}
	switch e := e.(type) {
	case *Binary:
		lp := prec(e)
		rp := lp + 1 // binary operators associate to the left
		if lp == precCmp {
			lp, rp = precConcat, precConcat // comparisons do not chain
		}
		p.exprAt(e.L, lp)
		p.printf(" %s ", e.Op)
		p.exprAt(e.R, rp)
	case *Unary:
		if e.Op == "NOT" {
			p.WriteString("NOT ")
			p.exprAt(e.X, precNot)
		} else {
			p.WriteString(e.Op)
			if startsWithMinus(e.X) {
				p.WriteString(" ") // "- -1": "--1" would read as a comment
			}
			p.exprAt(e.X, precNeg)
		}
	default:
		p.operand(e)
	}
}

// startsWithMinus reports whether e prints with a leading '-'.
func startsWithMinus(e Expr) bool {
	switch e := e.(type) {
	case *Unary:
		return e.Op == "-"
	case *NumberLit:
		return strings.HasPrefix(e.Text, "-")
	}
	return false
}

// operand prints the expressions that are not unary or binary operators.
func (p *printer) operand(e Expr) {
	switch e := e.(type) {
	case *Ident:
		for i, part := range e.Parts {
			if i > 0 {
				p.WriteString(".")
			}
			p.WriteString(QuoteIdent(part))
		}
	case *NumberLit:
		p.WriteString(e.Text)
	case *StringLit:
		p.WriteString(QuoteString(e.Value))
	case *BoolLit:
		if e.Value {
			p.WriteString("TRUE")
		} else {
			p.WriteString("FALSE")
		}
	case *NullLit:
		p.WriteString("NULL")
	case *Param:
		p.WriteString("?")
	case *Duration:
		p.printf("%d %s", e.N, e.Unit)
	default:
		p.compound(e)
	}
}

func (p *printer) compound(e Expr) {
	switch e := e.(type) {
	case *Between:
		p.exprAt(e.X, precConcat)
		p.WriteString(not(e.Not, " BETWEEN "))
		p.exprAt(e.Lo, precConcat)
		p.WriteString(" AND ")
		p.exprAt(e.Hi, precConcat)
	case *In:
		p.exprAt(e.X, precConcat)
		p.WriteString(not(e.Not, " IN ("))
		p.exprList(e.List)
		p.WriteString(")")
	case *Like:
		p.exprAt(e.X, precConcat)
		p.WriteString(not(e.Not, " LIKE "))
		p.exprAt(e.Pattern, precConcat)
	case *IsNull:
		p.exprAt(e.X, precConcat)
		p.WriteString(" IS " + not(e.Not, "NULL"))
	case *Case:
		p.caseExpr(e)
	case *Cast:
		p.WriteString("CAST(")
		p.expr(e.X)
		p.printf(" AS %s)", e.Type)
	case *Call:
		p.call(e)
	default:
		p.printf("<%T>", e)
	}
}

// not prefixes s with NOT when negated: " IN (" becomes " NOT IN (".
func not(negated bool, s string) string {
	if !negated {
		return s
	}
	trimmed := strings.TrimLeft(s, " ")
	return s[:len(s)-len(trimmed)] + "NOT " + trimmed
}

func (p *printer) caseExpr(e *Case) {
	p.WriteString("CASE")
	if e.Operand != nil {
		p.WriteString(" ")
		p.expr(e.Operand)
	}
	for _, w := range e.Whens {
		p.WriteString(" WHEN ")
		p.expr(w.Cond)
		p.WriteString(" THEN ")
		p.expr(w.Result)
	}
	p.clause(" ELSE ", e.Else)
	p.WriteString(" END")
}

func (p *printer) call(e *Call) {
	p.printf("%s(", e.Name)
	switch {
	case e.Star:
		p.WriteString("*")
	case e.Distinct:
		p.WriteString("DISTINCT ")
		fallthrough
	default:
		p.exprList(e.Args)
	}
	p.WriteString(")")
	if e.Filter != nil {
		p.WriteString(" FILTER (WHERE ")
		p.expr(e.Filter)
		p.WriteString(")")
	}
	p.duration(" OVER ", e.Over)
}

func (p *printer) exprList(list []Expr) {
	for i, e := range list {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(e)
	}
}
