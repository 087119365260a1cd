package ast

import (
	"fmt"
	"strings"
)

// Format renders n as canonical source: keywords upper-case, names quoted
// only when they must be, parentheses only where precedence needs them,
// no closing ';'. Parsing the text of a statement gives back the same tree,
// positions and Text aside.
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.String()
}

type printer struct{ strings.Builder }

func (p *printer) printf(format string, args ...any) { fmt.Fprintf(p, format, args...) }

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case Stmt:
		p.stmt(n)
	case TableExpr:
		p.table(n)
	case Expr:
		p.expr(n)
	default:
		p.printf("<%T>", n)
	}
}

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *Select:
		p.selectStmt(s)
	case *CreateTable:
		p.createTable(s)
	case *Copy:
		p.copyStmt(s)
	case *Show:
		p.printf("SHOW %s", s.What)
	case *Describe:
		p.WriteString("DESCRIBE ")
		if s.Kind != "" {
			p.printf("%s ", s.Kind)
		}
		p.WriteString(QuoteIdent(s.Name))
	case *Drop:
		p.printf("DROP %s ", s.Kind)
		if s.IfExists {
			p.WriteString("IF EXISTS ")
		}
		p.WriteString(QuoteIdent(s.Name))
	case *Explain:
		p.WriteString("EXPLAIN ")
		if s.Format != "" {
			p.printf("(FORMAT %s) ", s.Format)
		}
		p.stmt(s.Stmt)
	default:
		p.predictStmt(s)
	}
}

func (p *printer) predictStmt(s Stmt) {
	switch s := s.(type) {
	case *CreateModel:
		p.WriteString("CREATE ")
		p.orReplace(s.OrReplace)
		p.printf("MODEL %s AS ", QuoteIdent(s.Name))
		p.spec(s.Spec)
	case *Predict:
		p.spec(s.Spec)
	case *PredictUsing:
		p.printf("PREDICT USING %s", QuoteIdent(s.Model))
		p.clause(" AS OF ", s.AsOf)
		p.clause(" WHERE ", s.Where)
	case *Evaluate:
		p.printf("EVALUATE %s", QuoteIdent(s.Model))
		if s.ByDecile {
			p.WriteString(" BY DECILE")
		}
	case *Backtest:
		p.printf("BACKTEST %s AS OF ", QuoteIdent(s.Model))
		p.expr(s.AsOf)
	case *Insights:
		p.printf("INSIGHTS %s", QuoteIdent(s.Model))
	case *Report:
		p.printf("REPORT %s TO %s", QuoteIdent(s.Model), QuoteString(s.Path))
	case *CreateSegment:
		p.WriteString("CREATE ")
		p.orReplace(s.OrReplace)
		p.printf("SEGMENT %s AS ", QuoteIdent(s.Name))
		p.selectStmt(s.Query)
	case *RefreshSegment:
		p.printf("REFRESH SEGMENT %s", QuoteIdent(s.Name))
	default:
		p.printf("<%T>", s)
	}
}

func (p *printer) orReplace(b bool) {
	if b {
		p.WriteString("OR REPLACE ")
	}
}

// clause prints keyword and e, if e is set.
func (p *printer) clause(keyword string, e Expr) {
	if e != nil {
		p.WriteString(keyword)
		p.expr(e)
	}
}

func (p *printer) createTable(s *CreateTable) {
	p.WriteString("CREATE ")
	p.orReplace(s.OrReplace)
	p.WriteString("TABLE ")
	if s.IfNotExists {
		p.WriteString("IF NOT EXISTS ")
	}
	p.WriteString(QuoteIdent(s.Name))
	if s.From != nil {
		p.printf(" FROM %s", QuoteString(s.From.Path))
		p.formatOptions(s.From.Format, s.From.Options)
		return
	}
	p.WriteString(" AS ")
	p.stmt(s.As)
}

func (p *printer) copyStmt(s *Copy) {
	p.WriteString("COPY ")
	if s.Query != nil {
		p.WriteString("(")
		p.stmt(s.Query)
		p.WriteString(")")
	} else {
		p.WriteString(QuoteIdent(s.Table))
	}
	p.printf(" TO %s", QuoteString(s.Path))
	p.formatOptions(s.Format, s.Options)
}

func (p *printer) formatOptions(format string, opts []Option) {
	if format != "" {
		p.printf(" FORMAT %s", QuoteIdent(format))
	}
	p.options(opts)
}

func (p *printer) options(opts []Option) {
	if len(opts) == 0 {
		return
	}
	p.WriteString(" WITH (")
	for i, o := range opts {
		if i > 0 {
			p.WriteString(", ")
		}
		// A bare key may be a reserved word, and is read back lower-cased.
		key := o.Key
		if !isBareWord(key) || key != strings.ToLower(key) {
			key = `"` + strings.ReplaceAll(key, `"`, `""`) + `"`
		}
		p.printf("%s = ", key)
		p.expr(o.Value)
	}
	p.WriteString(")")
}

func (p *printer) selectStmt(s *Select) {
	p.WriteString("SELECT ")
	if s.Distinct {
		p.WriteString("DISTINCT ")
	}
	p.selectItems(s.Items)
	if s.From != nil {
		p.WriteString(" FROM ")
		p.table(s.From)
	}
	p.clause(" WHERE ", s.Where)
	if len(s.GroupBy) > 0 {
		p.WriteString(" GROUP BY ")
		p.exprList(s.GroupBy)
	}
	p.clause(" HAVING ", s.Having)
	if len(s.OrderBy) > 0 {
		p.WriteString(" ORDER BY ")
		p.orderItems(s.OrderBy)
	}
	p.clause(" LIMIT ", s.Limit)
	p.clause(" OFFSET ", s.Offset)
}

func (p *printer) selectItems(items []*SelectItem) {
	for i, it := range items {
		if i > 0 {
			p.WriteString(", ")
		}
		switch {
		case it.Star && it.StarTable != "":
			p.printf("%s.*", QuoteIdent(it.StarTable))
		case it.Star:
			p.WriteString("*")
		default:
			p.expr(it.Expr)
		}
		p.alias(it.Alias)
	}
}

func (p *printer) alias(a string) {
	if a != "" {
		p.printf(" AS %s", QuoteIdent(a))
	}
}

func (p *printer) orderItems(items []*OrderItem) {
	for i, o := range items {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(o.Expr)
		if o.Desc {
			p.WriteString(" DESC")
		}
		if o.NullsFirst != nil {
			if *o.NullsFirst {
				p.WriteString(" NULLS FIRST")
			} else {
				p.WriteString(" NULLS LAST")
			}
		}
	}
}

func (p *printer) table(t TableExpr) {
	switch t := t.(type) {
	case *TableName:
		p.WriteString(QuoteIdent(t.Name))
		p.alias(t.Alias)
	case *FileTable:
		p.WriteString(QuoteString(t.Path))
		p.alias(t.Alias)
	case *Subquery:
		p.WriteString("(")
		p.stmt(t.Query)
		p.WriteString(")")
		p.alias(t.Alias)
	case *PredictTable:
		p.printf("PREDICT(%s", QuoteIdent(t.Model))
		p.clause(", AS OF ", t.AsOf)
		p.WriteString(")")
		p.alias(t.Alias)
	case *Unnest:
		p.WriteString("UNNEST(")
		p.expr(t.Expr)
		p.WriteString(")")
		p.alias(t.Alias)
	case *Join:
		p.table(t.Left)
		switch t.Kind {
		case "LEFT":
			p.WriteString(" LEFT JOIN ")
		case "CROSS":
			p.WriteString(" CROSS JOIN ")
		default:
			p.WriteString(" JOIN ")
		}
		p.table(t.Right)
		p.clause(" ON ", t.On)
	default:
		p.printf("<%T>", t)
	}
}

func (p *printer) spec(s *PredictSpec) {
	p.printf("PREDICT %s FOR ", s.Kind)
	if s.ForEach != "" {
		p.printf("EACH %s", QuoteIdent(s.ForEach))
	} else {
		name := QuoteIdent(s.Profiles)
		if strings.EqualFold(name, "EACH") {
			name = `"` + name + `"`
		}
		p.WriteString(name)
		p.name(" KEY ", s.ProfileKey)
	}
	p.printf(" FROM %s", QuoteIdent(s.Events))
	p.name(" IDENTITY ", s.Identity)
	p.name(" TIMESTAMP ", s.Timestamp)
	p.name(" EVENT TYPE ", s.EventType)
	p.clause(" GOAL ", s.Goal)
	p.duration(" WITHIN ", s.Within)
	p.duration(" LOOKBACK ", s.Lookback)
	p.clause(" WHERE ", s.Where)
	p.clause(" HAVING ", s.Having)
	if len(s.Features) > 0 {
		p.WriteString(" FEATURES (")
		p.selectItems(s.Features)
		p.WriteString(")")
	}
	if len(s.Exclude) > 0 {
		p.WriteString(" EXCLUDE (")
		for i, c := range s.Exclude {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString(QuoteIdent(c))
		}
		p.WriteString(")")
	}
	p.clause(" AS OF ", s.AsOf)
	p.options(s.With)
}

// name prints keyword and a name, if the name is set.
func (p *printer) name(keyword, name string) {
	if name != "" {
		p.WriteString(keyword)
		p.WriteString(QuoteIdent(name))
	}
}

func (p *printer) duration(keyword string, d *Duration) {
	if d != nil {
		p.WriteString(keyword)
		p.expr(d)
	}
}

// QuoteString renders s as a 'single-quoted' string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
