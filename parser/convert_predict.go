package parser

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cai-dev/cai/parser/ast"
)

func (c *converter) spec(g *gSpec) *ast.PredictSpec {
	s := &ast.PredictSpec{
		At:         pos(g.Pos),
		Kind:       strings.ToUpper(g.Kind),
		Profiles:   c.name(g.Profiles),
		ProfileKey: c.name(g.Key),
		ForEach:    c.name(g.ForEach),
		Events:     c.name(g.Events),
		Identity:   c.name(g.Identity),
		Timestamp:  c.name(g.Timestamp),
		EventType:  c.name(g.EventType),
		Goal:       c.expr(g.Goal),
		Within:     c.duration(g.Within),
	}
	seen := map[string]lexer.Position{}
	for _, cl := range g.Clauses {
		name, at := clauseName(cl)
		if first, dup := seen[name]; dup {
			c.fail(at, "duplicate %s clause (the first is at %d:%d)", name, first.Line, first.Column)
			continue
		}
		seen[name] = at
		c.clause(s, cl)
	}
	return s
}

// clauseName names an optional PREDICT clause for duplicate checks.
func clauseName(cl gSpecClause) (string, lexer.Position) {
	switch cl := cl.(type) {
	case *gLookback:
		return "LOOKBACK", cl.Pos
	case *gSpecWhere:
		return "WHERE", cl.Pos
	case *gSpecHaving:
		return "HAVING", cl.Pos
	case *gFeatures:
		return "FEATURES", cl.Pos
	case *gExclude:
		return "EXCLUDE", cl.Pos
	case *gAsOf:
		return "AS OF", cl.Pos
	case *gWith:
		return "WITH", cl.Pos
	}
	panic(fmt.Sprintf("parser: unexpected PREDICT clause %T", cl))
}

func (c *converter) clause(s *ast.PredictSpec, cl gSpecClause) {
	switch cl := cl.(type) {
	case *gLookback:
		s.Lookback = c.duration(cl.Dur)
	case *gSpecWhere:
		s.Where = c.expr(cl.Cond)
	case *gSpecHaving:
		s.Having = c.expr(cl.Cond)
	case *gFeatures:
		s.Features = c.features(cl)
	case *gExclude:
		for _, n := range cl.Cols {
			s.Exclude = append(s.Exclude, c.name(n))
		}
	case *gAsOf:
		s.AsOf = c.expr(cl.When)
	case *gWith:
		s.With = c.options(cl)
	}
}

// features converts FEATURES (...), the one place where OVER n DAYS is
// allowed. Every feature must be named.
func (c *converter) features(g *gFeatures) []*ast.SelectItem {
	c.inFeatures = true
	defer func() { c.inFeatures = false }()
	var out []*ast.SelectItem
	for _, f := range g.Items {
		if f.Alias == nil {
			c.fail(f.Pos, "a feature needs a name: add AS name")
		}
		out = append(out, &ast.SelectItem{At: pos(f.Pos), Expr: c.expr(f.Expr), Alias: c.name(f.Alias)})
	}
	return out
}
