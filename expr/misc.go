package expr

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// InList is X [NOT] IN (list).
type InList struct {
	X    Expr
	List []Expr
	Not  bool
}

// DataType implements Expr.
func (e *InList) DataType() arrow.DataType { return BoolType }

// String implements Expr.
func (e *InList) String() string {
	parts := make([]string, len(e.List))
	for i, x := range e.List {
		parts[i] = x.String()
	}
	op := " IN ("
	if e.Not {
		op = " NOT IN ("
	}
	return "(" + e.X.String() + op + strings.Join(parts, ", ") + "))"
}

// Eval implements Expr: SQL semantics, NULL when X is NULL or when no
// element matched and some element was NULL.
func (e *InList) Eval(b *Batch) (*Vector, error) {
	x, err := e.X.Eval(b)
	if err != nil {
		return nil, err
	}
	out := NewVector(BoolType, b.N)
	sawNull := make([]bool, b.N)
	for _, item := range e.List {
		y, err := item.Eval(b)
		if err != nil {
			return nil, err
		}
		if y.Kind() == KindNull {
			for i := range sawNull {
				sawNull[i] = true
			}
			continue
		}
		cmp := compareFunc(x, y)
		for i := 0; i < b.N; i++ {
			if y.IsNull(i) {
				sawNull[i] = true
			} else if !x.IsNull(i) && !out.B[i] && cmp(i, i) == 0 {
				out.B[i] = true
			}
		}
	}
	for i := 0; i < b.N; i++ {
		if x.IsNull(i) || !out.B[i] && sawNull[i] {
			out.SetNull(i)
			continue
		}
		if e.Not {
			out.B[i] = !out.B[i]
		}
	}
	return out, nil
}

// Like is X [NOT] LIKE pattern, with % and _ wildcards (case-sensitive).
type Like struct {
	X       Expr
	Pattern string
	Not     bool
	re      *regexp.Regexp
}

// NewLike compiles a LIKE pattern.
func NewLike(x Expr, pattern string, not bool) (*Like, error) {
	if KindOf(x.DataType()) != KindString && KindOf(x.DataType()) != KindNull {
		return nil, typeErrorf("LIKE needs VARCHAR, got %s", TypeName(x.DataType()))
	}
	var sb strings.Builder
	sb.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			sb.WriteString(".*")
		case '_':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString("$")
	re, err := regexp.Compile(sb.String())
	if err != nil {
		return nil, err
	}
	return &Like{X: x, Pattern: pattern, Not: not, re: re}, nil
}

// DataType implements Expr.
func (e *Like) DataType() arrow.DataType { return BoolType }

// String implements Expr.
func (e *Like) String() string {
	op := " LIKE "
	if e.Not {
		op = " NOT LIKE "
	}
	return "(" + e.X.String() + op + StringConst(e.Pattern).String() + ")"
}

// Eval implements Expr.
func (e *Like) Eval(b *Batch) (*Vector, error) {
	x, err := e.X.Eval(b)
	if err != nil {
		return nil, err
	}
	out := NewVector(BoolType, b.N)
	out.Valid = andValid(b.N, x)
	if x.Kind() == KindNull {
		return out, nil
	}
	for i := 0; i < b.N; i++ {
		if !x.IsNull(i) {
			out.B[i] = e.re.MatchString(x.S[i]) != e.Not
		}
	}
	return out, nil
}

// When is one arm of a Case.
type When struct{ Cond, Then Expr }

// Case is a searched CASE; CASE x WHEN v is rewritten by the planner into
// x = v conditions.
type Case struct {
	Whens []When
	Else  Expr // may be nil (NULL)
	T     arrow.DataType
}

// DataType implements Expr.
func (c *Case) DataType() arrow.DataType { return c.T }

// String implements Expr.
func (c *Case) String() string {
	var sb strings.Builder
	sb.WriteString("CASE")
	for _, w := range c.Whens {
		fmt.Fprintf(&sb, " WHEN %s THEN %s", w.Cond, w.Then)
	}
	if c.Else != nil {
		fmt.Fprintf(&sb, " ELSE %s", c.Else)
	}
	sb.WriteString(" END")
	return sb.String()
}

// Eval implements Expr.
func (c *Case) Eval(b *Batch) (*Vector, error) {
	out := NewVector(c.T, b.N)
	done := make([]bool, b.N)
	for i := range done {
		out.SetNull(i)
	}
	assign := func(src *Vector, rows func(i int) bool) error {
		src, err := coerce(src, c.T)
		if err != nil {
			return err
		}
		for i := 0; i < b.N; i++ {
			if done[i] || !rows(i) {
				continue
			}
			done[i] = true
			if src.IsNull(i) {
				continue
			}
			out.Valid[i] = true
			copyRow(out, src, i)
		}
		return nil
	}
	for _, w := range c.Whens {
		cond, err := w.Cond.Eval(b)
		if err != nil {
			return nil, err
		}
		then, err := w.Then.Eval(b)
		if err != nil {
			return nil, err
		}
		if err := assign(then, func(i int) bool { return !cond.IsNull(i) && cond.B[i] }); err != nil {
			return nil, err
		}
	}
	if c.Else != nil {
		els, err := c.Else.Eval(b)
		if err != nil {
			return nil, err
		}
		if err := assign(els, func(int) bool { return true }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func copyRow(dst, src *Vector, i int) {
	switch dst.Kind() {
	case KindInt, KindTimestamp, KindDuration:
		dst.I[i] = src.I[i]
	case KindFloat:
		dst.F[i] = src.F[i]
	case KindString:
		dst.S[i] = src.S[i]
	case KindBool:
		dst.B[i] = src.B[i]
	}
}

// CommonType is the type two branches (CASE, COALESCE, UNION-like) unify
// to: NULL yields to anything, INT widens to DOUBLE.
func CommonType(a, b arrow.DataType) (arrow.DataType, error) {
	ak, bk := KindOf(a), KindOf(b)
	switch {
	case ak == KindNull:
		return b, nil
	case bk == KindNull || ak == bk:
		return a, nil
	case (ak == KindInt || ak == KindFloat) && (bk == KindInt || bk == KindFloat):
		return FloatType, nil
	}
	return nil, typeErrorf("cannot mix %s and %s", TypeName(a), TypeName(b))
}

// coerce converts v to type t when it is INT going to DOUBLE or NULL.
func coerce(v *Vector, t arrow.DataType) (*Vector, error) {
	if KindOf(v.DT) == KindOf(t) {
		return v, nil
	}
	return castVector(v, t)
}

// Cast converts X to type T.
type Cast struct {
	X Expr
	T arrow.DataType
}

// NewCast checks that a cast is possible.
func NewCast(x Expr, t arrow.DataType) (Expr, error) {
	from, to := KindOf(x.DataType()), KindOf(t)
	if from == KindList || from == KindStruct || to == KindList || to == KindStruct {
		if from != to {
			return nil, typeErrorf("cannot cast %s to %s", TypeName(x.DataType()), TypeName(t))
		}
	}
	return &Cast{X: x, T: t}, nil
}

// DataType implements Expr.
func (c *Cast) DataType() arrow.DataType { return c.T }

// String implements Expr.
func (c *Cast) String() string { return "CAST(" + c.X.String() + " AS " + TypeName(c.T) + ")" }

// Eval implements Expr.
func (c *Cast) Eval(b *Batch) (*Vector, error) {
	x, err := c.X.Eval(b)
	if err != nil {
		return nil, err
	}
	return castVector(x, c.T)
}

// CastError is a value that cannot be converted.
type CastError struct {
	Value string
	To    string
	Why   string
}

func (e *CastError) Error() string {
	return fmt.Sprintf("cannot cast %q to %s%s", e.Value, e.To, e.Why)
}

func castVector(x *Vector, t arrow.DataType) (*Vector, error) {
	from, to := x.Kind(), KindOf(t)
	if from == to {
		return x, nil
	}
	n := x.Len
	out := NewVector(t, n)
	out.Valid = andValid(n, x)
	if from == KindNull {
		out.Valid = make([]bool, n)
		return out, nil
	}
	for i := 0; i < n; i++ {
		if x.IsNull(i) {
			continue
		}
		if err := castRow(x, out, i, from, to); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func castRow(x, out *Vector, i int, from, to Kind) error {
	bad := func(why string) error {
		return &CastError{Value: fmt.Sprint(x.Value(i)), To: TypeName(out.DT), Why: why}
	}
	switch to {
	case KindString:
		out.S[i] = formatValue(x, i)
	case KindFloat:
		switch from {
		case KindString:
			f, err := strconv.ParseFloat(strings.TrimSpace(x.S[i]), 64)
			if err != nil {
				return bad("")
			}
			out.F[i] = f
		default:
			out.F[i] = x.Float(i)
		}
	case KindInt:
		switch from {
		case KindString:
			s := strings.TrimSpace(x.S[i])
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || math.IsNaN(f) || math.Abs(f) > 9.2e18 {
					return bad("")
				}
				v = int64(math.Round(f))
			}
			out.I[i] = v
		case KindFloat:
			f := x.F[i]
			if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 9.2e18 {
				return bad(" (out of range)")
			}
			out.I[i] = int64(math.Round(f))
		default:
			out.I[i] = int64(x.Float(i))
		}
	case KindBool:
		switch from {
		case KindString:
			switch strings.ToLower(strings.TrimSpace(x.S[i])) {
			case "true", "t", "yes", "y", "1":
				out.B[i] = true
			case "false", "f", "no", "n", "0":
				out.B[i] = false
			default:
				return bad("")
			}
		default:
			out.B[i] = x.Float(i) != 0
		}
	case KindTimestamp:
		switch from {
		case KindString:
			us, err := ParseTime(x.S[i])
			if err != nil {
				return bad("")
			}
			out.I[i] = us
		case KindInt:
			out.I[i] = x.I[i] * MicrosPerSecond
		default:
			return bad("")
		}
	case KindDuration:
		switch from {
		case KindInt:
			out.I[i] = x.I[i] * MicrosPerDay
		default:
			return bad(" (write durations as 30 DAYS)")
		}
	default:
		return bad("")
	}
	return nil
}

func formatValue(x *Vector, i int) string {
	switch x.Kind() {
	case KindInt:
		return strconv.FormatInt(x.I[i], 10)
	case KindFloat:
		return strconv.FormatFloat(x.F[i], 'g', -1, 64)
	case KindBool:
		return strconv.FormatBool(x.B[i])
	case KindTimestamp:
		return FormatTime(x.I[i])
	case KindDuration:
		return FormatDuration(x.I[i])
	case KindString:
		return x.S[i]
	}
	return fmt.Sprint(x.Value(i))
}
