package ast

import "strings"

// expr prints an expression. Every compound expression is parenthesised,
// so precedence never needs working out and a unary minus is never
// printed next to another minus (which would read as a -- comment).
func (p *printer) expr(e Expr) {
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
	case *Unary:
		p.printf("(%s ", e.Op)
		p.expr(e.X)
		p.WriteString(")")
	case *Binary:
		p.WriteString("(")
		p.expr(e.L)
		p.printf(" %s ", e.Op)
		p.expr(e.R)
		p.WriteString(")")
	default:
		p.compound(e)
	}
}

func (p *printer) compound(e Expr) {
	switch e := e.(type) {
	case *Between:
		p.WriteString("(")
		p.expr(e.X)
		p.WriteString(not(e.Not, " BETWEEN "))
		p.expr(e.Lo)
		p.WriteString(" AND ")
		p.expr(e.Hi)
		p.WriteString(")")
	case *In:
		p.WriteString("(")
		p.expr(e.X)
		p.WriteString(not(e.Not, " IN ("))
		p.exprList(e.List)
		p.WriteString("))")
	case *Like:
		p.WriteString("(")
		p.expr(e.X)
		p.WriteString(not(e.Not, " LIKE "))
		p.expr(e.Pattern)
		p.WriteString(")")
	case *IsNull:
		p.WriteString("(")
		p.expr(e.X)
		p.WriteString(" IS " + not(e.Not, "NULL)"))
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
