package parser

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cai-dev/cai/parser/ast"
)

// converter turns grammar structs into ast nodes. It records the first
// semantic error (a duplicate clause, a misplaced OVER, ...) and keeps
// going; the caller checks err once at the end.
type converter struct {
	src        string
	err        *Error
	inFeatures bool // converting FEATURES (...): OVER is allowed
}

func (c *converter) fail(p lexer.Position, format string, args ...any) {
	if c.err == nil {
		c.err = &Error{Pos: pos(p), Msg: fmt.Sprintf(format, args...)}
	}
}

// pos converts a participle position.
func pos(p lexer.Position) ast.Pos {
	return ast.Pos{File: p.Filename, Line: p.Line, Col: p.Column, Offset: p.Offset}
}

// base is the StmtBase of a statement made of toks.
func (c *converter) base(p lexer.Position, toks []lexer.Token) ast.StmtBase {
	b := ast.StmtBase{At: pos(p)}
	if len(toks) > 0 {
		b.Text = c.src[toks[0].Pos.Offset:tokenEnd(toks[len(toks)-1])]
	}
	return b
}

// name returns a bare name as written, or a quoted one unquoted.
func (c *converter) name(g *gName) string {
	if g == nil {
		return ""
	}
	return c.word(g.Pos, g.Name)
}

// word unquotes a "quoted identifier"; a bare word is returned as written.
func (c *converter) word(p lexer.Position, s string) string {
	if !strings.HasPrefix(s, `"`) {
		return s
	}
	if s == `""` {
		c.fail(p, "empty quoted identifier")
	}
	return unquote(s)
}

func (c *converter) stmt(g gStmt) ast.Stmt {
	switch g := g.(type) {
	case *gSelect:
		return c.selectStmt(g)
	case *gCreate:
		return c.create(g)
	case *gCopy:
		return c.copyStmt(g)
	case *gShow:
		return &ast.Show{StmtBase: c.base(g.Pos, g.Tokens), What: strings.ToUpper(g.What)}
	case *gDescribe:
		if g.Named != nil {
			return &ast.Describe{StmtBase: c.base(g.Pos, g.Tokens), Kind: strings.ToUpper(g.Kind), Name: c.name(g.Named)}
		}
		return &ast.Describe{StmtBase: c.base(g.Pos, g.Tokens), Name: c.name(g.Name)}
	case *gDrop:
		return &ast.Drop{StmtBase: c.base(g.Pos, g.Tokens), Kind: strings.ToUpper(g.Kind), Name: c.name(g.Name), IfExists: g.IfExists}
	case *gExplain:
		return &ast.Explain{StmtBase: c.base(g.Pos, g.Tokens), Format: c.explainFormat(g.Format), Stmt: c.stmt(g.Stmt)}
	case *gPredictUsing:
		return &ast.PredictUsing{StmtBase: c.base(g.Pos, g.Tokens), Model: c.name(g.Model), AsOf: c.exprOpt(g.AsOf), Where: c.exprOpt(g.Where)}
	case *gPredict:
		return &ast.Predict{StmtBase: c.base(g.Pos, g.Tokens), Spec: c.spec(g.Spec)}
	case *gEvaluate:
		return &ast.Evaluate{StmtBase: c.base(g.Pos, g.Tokens), Model: c.name(g.Model), ByDecile: g.ByDecile}
	case *gBacktest:
		return &ast.Backtest{StmtBase: c.base(g.Pos, g.Tokens), Model: c.name(g.Model), AsOf: c.expr(g.AsOf)}
	case *gInsights:
		return &ast.Insights{StmtBase: c.base(g.Pos, g.Tokens), Model: c.name(g.Model)}
	case *gReport:
		return &ast.Report{StmtBase: c.base(g.Pos, g.Tokens), Model: c.name(g.Model), Path: unquote(g.Path)}
	case *gRefresh:
		return &ast.RefreshSegment{StmtBase: c.base(g.Pos, g.Tokens), Name: c.name(g.Name)}
	}
	panic(fmt.Sprintf("parser: unexpected statement production %T", g))
}

// explainFormat checks the FORMAT of EXPLAIN (FORMAT x): TEXT or SQL,
// upper-cased; "" when there is none.
func (c *converter) explainFormat(g *gName) string {
	if g == nil {
		return ""
	}
	f := strings.ToUpper(c.name(g))
	if f != ast.ExplainText && f != ast.ExplainSQL {
		c.fail(g.Pos, "unknown EXPLAIN format %s (use TEXT or SQL)", c.name(g))
	}
	return f
}

// query converts the statement inside CREATE TABLE AS, COPY (...) and a
// FROM subquery.
func (c *converter) query(g gQuery) ast.Stmt { return c.stmt(g.(gStmt)) }

func (c *converter) create(g *gCreate) ast.Stmt {
	base := c.base(g.Pos, g.Tokens)
	switch b := g.Body.(type) {
	case *gCreateTable:
		t := &ast.CreateTable{StmtBase: base, Name: c.name(b.Name), OrReplace: g.OrReplace, IfNotExists: b.IfNotExists}
		if b.From != nil {
			t.From = &ast.FileSource{At: pos(b.From.Pos), Path: unquote(b.From.Path), Format: format(b.From.Format), Options: c.options(b.From.Options)}
		} else {
			t.As = c.query(b.As)
		}
		return t
	case *gCreateModel:
		return &ast.CreateModel{StmtBase: base, Name: c.name(b.Name), OrReplace: g.OrReplace, Spec: c.spec(b.Spec)}
	case *gCreateSegment:
		return &ast.CreateSegment{StmtBase: base, Name: c.name(b.Name), OrReplace: g.OrReplace, Query: c.selectStmt(b.Query)}
	}
	panic(fmt.Sprintf("parser: unexpected CREATE production %T", g.Body))
}

func (c *converter) copyStmt(g *gCopy) ast.Stmt {
	s := &ast.Copy{StmtBase: c.base(g.Pos, g.Tokens), Path: unquote(g.Path), Format: format(g.Format), Options: c.options(g.Options)}
	if g.Query != nil {
		s.Query = c.query(g.Query)
	} else {
		s.Table = c.name(g.Table)
	}
	return s
}

// format normalises FORMAT json / "json" / 'json' to JSON.
func format(s string) string {
	if strings.HasPrefix(s, `"`) || strings.HasPrefix(s, `'`) {
		s = unquote(s)
	}
	return strings.ToUpper(s)
}

// options converts WITH (...). Bare keys are lower-cased, as keywords are
// case-insensitive; quoted keys are kept as written.
func (c *converter) options(g *gWith) []ast.Option {
	if g == nil {
		return nil
	}
	out := make([]ast.Option, 0, len(g.Options))
	for _, o := range g.Options {
		key := strings.ToLower(o.Key)
		if strings.HasPrefix(o.Key, `"`) {
			key = c.word(o.Pos, o.Key)
		}
		out = append(out, ast.Option{At: pos(o.Pos), Key: key, Value: c.optionValue(o.Value)})
	}
	return out
}

func (c *converter) optionValue(g *gOptionVal) ast.Expr {
	at := pos(g.Pos)
	switch {
	case g.Dur != nil:
		return c.duration(g.Dur)
	case g.Num != "":
		n := number(g.Pos, g.Num)
		if g.Neg {
			n.Text = "-" + n.Text
		}
		return n
	case g.Str != "":
		return &ast.StringLit{At: at, Value: unquote(g.Str)}
	case g.Bool != "":
		return &ast.BoolLit{At: at, Value: strings.EqualFold(g.Bool, "TRUE")}
	}
	return &ast.StringLit{At: at, Value: c.word(g.Pos, g.Word)}
}
