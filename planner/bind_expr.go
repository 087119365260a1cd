package planner

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser/ast"
)

// aggregateNames are the aggregate functions.
var aggregateNames = map[string]bool{"COUNT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true}

// IsAggregate reports whether a call is an aggregate.
func IsAggregate(c *ast.Call) bool { return aggregateNames[strings.ToUpper(c.Name)] }

// scope resolves column names against a schema.
type scope struct {
	cols Schema
}

func (s *scope) resolve(id *ast.Ident) (int, error) {
	parts := id.Parts
	match := func(table, name string) []int {
		var hits []int
		for i, c := range s.cols {
			if strings.EqualFold(c.Name, name) && (table == "" || strings.EqualFold(c.Table, table)) {
				hits = append(hits, i)
			}
		}
		return hits
	}
	var hits []int
	if len(parts) == 1 {
		hits = match("", parts[0])
	} else {
		hits = match(parts[0], strings.Join(parts[1:], "."))
		if len(hits) == 0 {
			// An unquoted dotted XDM name: commerce.order.priceTotal.
			hits = match("", strings.Join(parts, "."))
		}
	}
	full := strings.Join(parts, ".")
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		names := make([]string, 0, len(s.cols))
		for _, c := range s.cols {
			names = append(names, c.Name)
		}
		return 0, Errorf(id.At, ErrUnknownColumn, "unknown column %q%s", full, didYouMean(Suggest(parts[len(parts)-1], names)))
	}
	quals := make([]string, len(hits))
	for i, h := range hits {
		quals[i] = s.cols[h].Table + "." + s.cols[h].Name
	}
	return 0, Errorf(id.At, ErrAmbiguous, "column %q is ambiguous: it could be %s", full, strings.Join(quals, " or "))
}

// exprBinder binds ast expressions in a scope. When agg is set, the
// expression is evaluated after aggregation: group keys and aggregate
// calls become columns of the aggregate's output.
type exprBinder struct {
	b     *Binder
	scope *scope
	agg   *aggState
}

func (eb *exprBinder) bind(e ast.Expr) (expr.Expr, error) {
	if eb.agg != nil {
		if x, ok, err := eb.agg.lookup(eb, e); ok || err != nil {
			return x, err
		}
	}
	switch e := e.(type) {
	case *ast.Ident:
		if eb.agg != nil {
			name := strings.Join(e.Parts, ".")
			if eb.agg.noGroups {
				return nil, Errorf(e.At, ErrInvalid, "column %q must be used inside an aggregate here, e.g. SUM(%s) or MAX(%s)", name, name, name)
			}
			return nil, Errorf(e.At, ErrInvalid, "column %q must appear in GROUP BY or be used in an aggregate function", name)
		}
		i, err := eb.scope.resolve(e)
		if err != nil {
			return nil, err
		}
		c := eb.scope.cols[i]
		return &expr.Col{Idx: i, Name: c.Name, T: c.T}, nil
	case *ast.NumberLit:
		if e.IsInt {
			v, err := strconv.ParseInt(e.Text, 10, 64)
			if err == nil {
				return expr.IntConst(v), nil
			}
		}
		f, err := strconv.ParseFloat(e.Text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, Errorf(e.At, ErrType, "number %s is out of range", e.Text)
		}
		return expr.FloatConst(f), nil
	case *ast.StringLit:
		return expr.StringConst(e.Value), nil
	case *ast.BoolLit:
		return expr.BoolConst(e.Value), nil
	case *ast.NullLit:
		return expr.NullConst(expr.NullType), nil
	case *ast.Duration:
		u, err := expr.UnitMicros(e.Unit)
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		return expr.DurationConst(e.N * u), nil
	case *ast.Param:
		return eb.b.param(e)
	case *ast.Unary:
		x, err := eb.bind(e.X)
		if err != nil {
			return nil, err
		}
		if e.Op == "NOT" {
			if err := wantBool(e.X, x); err != nil {
				return nil, err
			}
			return &expr.Not{X: x}, nil
		}
		if k := expr.KindOf(x.DataType()); k != expr.KindInt && k != expr.KindFloat && k != expr.KindDuration && k != expr.KindNull {
			return nil, Errorf(e.At, ErrType, "cannot negate %s", expr.TypeName(x.DataType()))
		}
		return &expr.Neg{X: x}, nil
	case *ast.Binary:
		return eb.bindBinary(e)
	case *ast.Between:
		x, err := eb.bind(e.X)
		if err != nil {
			return nil, err
		}
		lo, err := eb.bindAs(e.Lo, x)
		if err != nil {
			return nil, err
		}
		hi, err := eb.bindAs(e.Hi, x)
		if err != nil {
			return nil, err
		}
		ge, err := expr.NewCompare(">=", x, lo)
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		le, err := expr.NewCompare("<=", x, hi)
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		var r expr.Expr = &expr.Logic{And: true, L: ge, R: le}
		if e.Not {
			r = &expr.Not{X: r}
		}
		return r, nil
	case *ast.In:
		x, err := eb.bind(e.X)
		if err != nil {
			return nil, err
		}
		list := make([]expr.Expr, len(e.List))
		for i, item := range e.List {
			if list[i], err = eb.bindAs(item, x); err != nil {
				return nil, err
			}
			if _, err := expr.NewCompare("=", x, list[i]); err != nil {
				return nil, Errorf(item.Pos(), ErrType, "%v", err)
			}
		}
		return &expr.InList{X: x, List: list, Not: e.Not}, nil
	case *ast.Like:
		x, err := eb.bind(e.X)
		if err != nil {
			return nil, err
		}
		p, ok := e.Pattern.(*ast.StringLit)
		if !ok {
			return nil, Errorf(e.Pattern.Pos(), ErrUnsupported, "LIKE needs a string literal pattern")
		}
		l, err := expr.NewLike(x, p.Value, e.Not)
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		return l, nil
	case *ast.IsNull:
		x, err := eb.bind(e.X)
		if err != nil {
			return nil, err
		}
		return &expr.IsNull{X: x, Not: e.Not}, nil
	case *ast.Case:
		return eb.bindCase(e)
	case *ast.Cast:
		x, err := eb.bind(e.X)
		if err != nil {
			return nil, err
		}
		t, err := expr.ParseTypeName(strings.ToUpper(e.Type))
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		if c, ok := x.(*expr.Const); ok && !c.Null {
			return foldCast(e.At, c, t)
		}
		r, err := expr.NewCast(x, t)
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		return positioned(r, e.At)
	case *ast.Call:
		return eb.bindCall(e)
	}
	return nil, Errorf(e.Pos(), ErrUnsupported, "unsupported expression")
}

// bindAs binds e; a string literal next to a timestamp is parsed as a
// timestamp, so ts >= '2024-01-01' works.
func (eb *exprBinder) bindAs(e ast.Expr, other expr.Expr) (expr.Expr, error) {
	x, err := eb.bind(e)
	if err != nil {
		return nil, err
	}
	return coerceLiteral(e.Pos(), x, other)
}

func coerceLiteral(pos ast.Pos, x, other expr.Expr) (expr.Expr, error) {
	c, ok := x.(*expr.Const)
	if !ok || c.Null || expr.KindOf(c.T) != expr.KindString || expr.KindOf(other.DataType()) != expr.KindTimestamp {
		return x, nil
	}
	us, err := expr.ParseTime(c.S)
	if err != nil {
		return nil, Errorf(pos, ErrType, "%v", err)
	}
	return expr.TimeConst(us), nil
}

func foldCast(pos ast.Pos, c *expr.Const, t arrow.DataType) (expr.Expr, error) {
	x, err := expr.NewCast(c, t)
	if err != nil {
		return nil, Errorf(pos, ErrType, "%v", err)
	}
	return fold(pos, x)
}

// constant reports whether e reads no column (all leaves are literals).
func constant(e expr.Expr) bool {
	if _, ok := e.(*expr.Col); ok {
		return false
	}
	for _, k := range expr.Children(e) {
		if !constant(k) {
			return false
		}
	}
	return true
}

// fold evaluates a constant scalar expression once, at bind time, so a
// plan shows (and runs) now() - 30 DAYS as one timestamp, and errors such
// as an overflow in literals are reported where they are written.
func fold(pos ast.Pos, x expr.Expr) (expr.Expr, error) {
	t := x.DataType()
	switch expr.KindOf(t) {
	case expr.KindList, expr.KindStruct, expr.KindOther:
		return x, nil
	}
	v, err := x.Eval(&expr.Batch{N: 1})
	if err != nil {
		return nil, Errorf(pos, ErrType, "%v", err)
	}
	if v.IsNull(0) {
		return expr.NullConst(t), nil
	}
	out := &expr.Const{T: t}
	switch expr.KindOf(t) {
	case expr.KindInt, expr.KindTimestamp, expr.KindDuration:
		out.I = v.I[0]
	case expr.KindFloat:
		out.F = v.F[0]
	case expr.KindString:
		out.S = v.S[0]
	case expr.KindBool:
		out.B = v.B[0]
	}
	return out, nil
}

func wantBool(e ast.Expr, x expr.Expr) error {
	if k := expr.KindOf(x.DataType()); k != expr.KindBool && k != expr.KindNull {
		return Errorf(e.Pos(), ErrType, "expected a boolean condition, got %s", expr.TypeName(x.DataType()))
	}
	return nil
}

func (eb *exprBinder) bindBinary(e *ast.Binary) (expr.Expr, error) {
	l, err := eb.bind(e.L)
	if err != nil {
		return nil, err
	}
	r, err := eb.bind(e.R)
	if err != nil {
		return nil, err
	}
	op := e.Op
	if op == "!=" {
		op = "<>"
	}
	switch op {
	case "AND", "OR":
		if err := wantBool(e.L, l); err != nil {
			return nil, err
		}
		if err := wantBool(e.R, r); err != nil {
			return nil, err
		}
		return &expr.Logic{And: op == "AND", L: l, R: r}, nil
	case "||":
		def, _ := expr.LookupFunc("CONCAT")
		return expr.NewFunc(def, []expr.Expr{l, r})
	case "=", "<>", "<", "<=", ">", ">=":
		if l, err = coerceLiteral(e.L.Pos(), l, r); err != nil {
			return nil, err
		}
		if r, err = coerceLiteral(e.R.Pos(), r, l); err != nil {
			return nil, err
		}
		x, err := expr.NewCompare(op, l, r)
		if err != nil {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		return x, nil
	}
	if l, err = coerceLiteral(e.L.Pos(), l, r); err != nil {
		return nil, err
	}
	if r, err = coerceLiteral(e.R.Pos(), r, l); err != nil {
		return nil, err
	}
	x, err := expr.NewArith(op, l, r)
	if err != nil {
		return nil, Errorf(e.At, ErrType, "%v", err)
	}
	return positioned(x, e.At)
}

func (eb *exprBinder) bindCase(e *ast.Case) (expr.Expr, error) {
	var operand expr.Expr
	var err error
	if e.Operand != nil {
		if operand, err = eb.bind(e.Operand); err != nil {
			return nil, err
		}
	}
	c := &expr.Case{T: expr.NullType}
	for _, w := range e.Whens {
		cond, err := eb.bind(w.Cond)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = coerceLiteral(w.Cond.Pos(), cond, operand); err != nil {
				return nil, err
			}
			if cond, err = expr.NewCompare("=", operand, cond); err != nil {
				return nil, Errorf(w.At, ErrType, "%v", err)
			}
		} else if err := wantBool(w.Cond, cond); err != nil {
			return nil, err
		}
		then, err := eb.bind(w.Result)
		if err != nil {
			return nil, err
		}
		if c.T, err = expr.CommonType(c.T, then.DataType()); err != nil {
			return nil, Errorf(w.Result.Pos(), ErrType, "CASE branches: %v", err)
		}
		c.Whens = append(c.Whens, expr.When{Cond: cond, Then: then})
	}
	if e.Else != nil {
		els, err := eb.bind(e.Else)
		if err != nil {
			return nil, err
		}
		if c.T, err = expr.CommonType(c.T, els.DataType()); err != nil {
			return nil, Errorf(e.Else.Pos(), ErrType, "CASE branches: %v", err)
		}
		c.Else = els
	}
	return c, nil
}

func (eb *exprBinder) bindCall(e *ast.Call) (expr.Expr, error) {
	name := strings.ToUpper(e.Name)
	if aggregateNames[name] {
		return nil, Errorf(e.At, ErrInvalid, "aggregate %s is not allowed here", name)
	}
	if e.Filter != nil || e.Distinct || e.Star {
		return nil, Errorf(e.At, ErrInvalid, "%s is not an aggregate: FILTER, DISTINCT and * are not allowed", name)
	}
	if e.Over != nil {
		return nil, Errorf(e.At, ErrInvalid, "OVER n DAYS is only allowed in FEATURES (...) of a PREDICT")
	}
	if name == "NOW" || name == "CURRENT_TIMESTAMP" {
		if len(e.Args) > 0 {
			return nil, Errorf(e.At, ErrType, "now() takes no arguments")
		}
		return expr.TimeConst(eb.b.now()), nil
	}
	def, ok := expr.LookupFunc(name)
	if !ok {
		names := append(expr.FuncNames(), "COUNT", "SUM", "AVG", "MIN", "MAX", "NOW")
		return nil, Errorf(e.At, ErrUnknownFunc, "unknown function %s%s", strings.ToLower(e.Name), didYouMean(lower(Suggest(name, names))))
	}
	args := make([]expr.Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := eb.bind(a)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	if (name == "DATE_TRUNC" || name == "DATE_DIFF") && len(args) > 0 {
		if c, ok := args[0].(*expr.Const); ok && !c.Null && expr.KindOf(c.T) == expr.KindString {
			var err error
			if name == "DATE_TRUNC" {
				_, err = expr.TruncTime(c.S, 0)
			} else {
				_, err = expr.UnitMicros(c.S)
			}
			if err != nil {
				return nil, Errorf(e.Args[0].Pos(), ErrInvalid, "%v", err)
			}
		}
		for i := 1; i < len(args); i++ {
			if args[i], _ = coerceLiteral(e.Args[i].Pos(), args[i], expr.TimeConst(0)); args[i] == nil {
				args[i] = expr.NullConst(expr.TimestampType)
			}
		}
	}
	x, err := expr.NewFunc(def, args)
	if err != nil {
		var te *expr.TypeError
		if errors.As(err, &te) {
			return nil, Errorf(e.At, ErrType, "%v", err)
		}
		return nil, Errorf(e.At, ErrInvalid, "%v", err)
	}
	return positioned(x, e.At)
}

// positioned records where an expression that may fail at run time came
// from; constant expressions are folded instead, so the plan stays clean.
func positioned(x expr.Expr, at ast.Pos) (expr.Expr, error) {
	if constant(x) {
		return fold(at, x)
	}
	return &expr.Positioned{X: x, Line: at.Line, Col: at.Col}, nil
}

func lower(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.ToLower(x)
	}
	return out
}

// param binds a ? placeholder to the Go value supplied for it.
func (b *Binder) param(p *ast.Param) (expr.Expr, error) {
	if p.Index >= len(b.Params) {
		return nil, Errorf(p.At, ErrInvalid, "no value for parameter %d (got %d)", p.Index+1, len(b.Params))
	}
	switch v := b.Params[p.Index].(type) {
	case nil:
		return expr.NullConst(expr.NullType), nil
	case int:
		return expr.IntConst(int64(v)), nil
	case int32:
		return expr.IntConst(int64(v)), nil
	case int64:
		return expr.IntConst(v), nil
	case float64:
		return expr.FloatConst(v), nil
	case float32:
		return expr.FloatConst(float64(v)), nil
	case string:
		return expr.StringConst(v), nil
	case bool:
		return expr.BoolConst(v), nil
	case time.Time:
		return expr.TimeConst(v.UnixMicro()), nil
	case time.Duration:
		return expr.DurationConst(v.Microseconds()), nil
	}
	return nil, Errorf(p.At, ErrType, "parameter %d has unsupported Go type %T", p.Index+1, b.Params[p.Index])
}

func (b *Binder) now() int64 {
	if b.Now != 0 {
		return b.Now
	}
	return time.Now().UnixMicro()
}
