package expr

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Arith is L op R for op in + - * / %. Integer / integer is integer
// division, as in SQL; division by zero gives NULL. Timestamp ± duration
// is a timestamp; timestamp - timestamp is a duration.
type Arith struct {
	Op   string
	L, R Expr
	T    arrow.DataType
}

// NewArith type-checks and builds an arithmetic expression.
func NewArith(op string, l, r Expr) (Expr, error) {
	lk, rk := KindOf(l.DataType()), KindOf(r.DataType())
	if lk == KindNull || rk == KindNull {
		t := l.DataType()
		if lk == KindNull {
			t = r.DataType()
		}
		return &Arith{Op: op, L: l, R: r, T: t}, nil
	}
	num := func(k Kind) bool { return k == KindInt || k == KindFloat }
	var t arrow.DataType
	switch {
	case num(lk) && num(rk):
		t = IntType
		if lk == KindFloat || rk == KindFloat {
			t = FloatType
		}
	case lk == KindTimestamp && rk == KindDuration && (op == "+" || op == "-"):
		t = TimestampType
	case lk == KindDuration && rk == KindTimestamp && op == "+":
		l, r = r, l
		t = TimestampType
	case lk == KindTimestamp && rk == KindTimestamp && op == "-":
		t = DurationType
	case lk == KindDuration && rk == KindDuration && (op == "+" || op == "-"):
		t = DurationType
	case lk == KindDuration && num(rk) && (op == "*" || op == "/"):
		t = DurationType
	default:
		return nil, typeErrorf("cannot apply %s to %s and %s", op, TypeName(l.DataType()), TypeName(r.DataType()))
	}
	return &Arith{Op: op, L: l, R: r, T: t}, nil
}

// DataType implements Expr.
func (a *Arith) DataType() arrow.DataType { return a.T }

// String implements Expr.
func (a *Arith) String() string { return "(" + a.L.String() + " " + a.Op + " " + a.R.String() + ")" }

// Eval implements Expr.
func (a *Arith) Eval(b *Batch) (*Vector, error) {
	l, err := a.L.Eval(b)
	if err != nil {
		return nil, err
	}
	r, err := a.R.Eval(b)
	if err != nil {
		return nil, err
	}
	n := b.N
	out := NewVector(a.T, n)
	out.Valid = andValid(n, l, r)
	if l.Kind() == KindNull || r.Kind() == KindNull {
		return out, nil
	}
	switch KindOf(a.T) {
	case KindFloat:
		for i := 0; i < n; i++ {
			x, y := l.Float(i), r.Float(i)
			var z float64
			switch a.Op {
			case "+":
				z = x + y
			case "-":
				z = x - y
			case "*":
				z = x * y
			case "/":
				if y == 0 {
					out.SetNull(i)
					continue
				}
				z = x / y
			case "%":
				if y == 0 {
					out.SetNull(i)
					continue
				}
				z = math.Mod(x, y)
			}
			out.F[i] = z
		}
	case KindDuration:
		if r.Kind() == KindFloat || (r.Kind() == KindInt && (a.Op == "*" || a.Op == "/")) {
			for i := 0; i < n; i++ {
				y := r.Float(i)
				if a.Op == "*" {
					out.I[i] = int64(float64(l.I[i]) * y)
				} else if y == 0 {
					out.SetNull(i)
				} else {
					out.I[i] = int64(float64(l.I[i]) / y)
				}
			}
			return out, nil
		}
		fallthrough
	default:
		li, ri := l.I, r.I
		for i := 0; i < n; i++ {
			x, y := li[i], ri[i]
			if out.IsNull(i) {
				continue
			}
			switch a.Op {
			case "+":
				z := x + y
				if (x > 0 && y > 0 && z < 0) || (x < 0 && y < 0 && z >= 0) {
					return nil, overflow(x, a.Op, y)
				}
				out.I[i] = z
			case "-":
				z := x - y
				if (x >= 0 && y < 0 && z < 0) || (x < 0 && y > 0 && z >= 0) {
					return nil, overflow(x, a.Op, y)
				}
				out.I[i] = z
			case "*":
				z := x * y
				if x != 0 && (z/x != y || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64)) {
					return nil, overflow(x, a.Op, y)
				}
				out.I[i] = z
			case "/":
				if y == 0 {
					out.SetNull(i)
					continue
				}
				out.I[i] = x / y
			case "%":
				if y == 0 {
					out.SetNull(i)
					continue
				}
				out.I[i] = x % y
			}
		}
	}
	return out, nil
}

// ErrOverflow is an integer result outside BIGINT's range.
var ErrOverflow = errors.New("integer overflow")

func overflow(x int64, op string, y int64) error {
	return fmt.Errorf("%w: the result of %d %s %d is out of the BIGINT range (CAST an operand AS DOUBLE)", ErrOverflow, x, op, y)
}

// Compare is L op R for op in = <> < <= > >=; the result is boolean and
// NULL when either side is NULL.
type Compare struct {
	Op   string
	L, R Expr
}

// NewCompare type-checks a comparison. Numbers compare with numbers,
// strings with strings, timestamps with timestamps (and with string
// literals, which are parsed as timestamps by the planner).
func NewCompare(op string, l, r Expr) (Expr, error) {
	lk, rk := KindOf(l.DataType()), KindOf(r.DataType())
	ok := lk == KindNull || rk == KindNull || lk == rk ||
		(lk == KindInt || lk == KindFloat) && (rk == KindInt || rk == KindFloat)
	if !ok || lk == KindList || lk == KindStruct {
		return nil, typeErrorf("cannot compare %s with %s", TypeName(l.DataType()), TypeName(r.DataType()))
	}
	return &Compare{Op: op, L: l, R: r}, nil
}

// DataType implements Expr.
func (c *Compare) DataType() arrow.DataType { return BoolType }

// String implements Expr.
func (c *Compare) String() string { return "(" + c.L.String() + " " + c.Op + " " + c.R.String() + ")" }

// Eval implements Expr.
func (c *Compare) Eval(b *Batch) (*Vector, error) {
	l, err := c.L.Eval(b)
	if err != nil {
		return nil, err
	}
	r, err := c.R.Eval(b)
	if err != nil {
		return nil, err
	}
	n := b.N
	out := NewVector(BoolType, n)
	out.Valid = andValid(n, l, r)
	if l.Kind() == KindNull || r.Kind() == KindNull {
		return out, nil
	}
	cmp := compareFunc(l, r)
	var test func(int) bool
	switch c.Op {
	case "=":
		test = func(c int) bool { return c == 0 }
	case "<>":
		test = func(c int) bool { return c != 0 }
	case "<":
		test = func(c int) bool { return c < 0 }
	case "<=":
		test = func(c int) bool { return c <= 0 }
	case ">":
		test = func(c int) bool { return c > 0 }
	default:
		test = func(c int) bool { return c >= 0 }
	}
	// Fast paths for the common shapes.
	if l.Kind() == KindInt && r.Kind() == KindInt || l.Kind() == KindTimestamp && r.Kind() == KindTimestamp {
		li, ri := l.I, r.I
		for i := 0; i < n; i++ {
			out.B[i] = test(cmpOrdered(li[i], ri[i]))
		}
		return out, nil
	}
	if l.Kind() == KindString && r.Kind() == KindString {
		ls, rs := l.S, r.S
		for i := 0; i < n; i++ {
			out.B[i] = test(strings.Compare(ls[i], rs[i]))
		}
		return out, nil
	}
	for i := 0; i < n; i++ {
		out.B[i] = test(cmp(i, i))
	}
	return out, nil
}

func cmpOrdered[T int64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareFunc returns a three-way comparison of l[i] with r[j] for
// vectors of compatible kinds (NULLs are not handled here).
func compareFunc(l, r *Vector) func(i, j int) int {
	lk, rk := l.Kind(), r.Kind()
	switch {
	case lk == KindFloat || rk == KindFloat:
		return func(i, j int) int { return cmpFloat(l.Float(i), r.Float(j)) }
	case lk == KindString:
		return func(i, j int) int { return strings.Compare(l.S[i], r.S[j]) }
	case lk == KindBool:
		return func(i, j int) int { return cmpBool(l.B[i], r.B[j]) }
	case lk == KindInt || lk == KindTimestamp || lk == KindDuration:
		return func(i, j int) int { return cmpOrdered(l.I[i], r.I[j]) }
	}
	return func(i, j int) int { return 0 }
}

// CompareFloat orders NaN after every number (as ORDER BY and MAX do).
func CompareFloat(a, b float64) int { return cmpFloat(a, b) }

// cmpFloat orders NaN after every number.
func cmpFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmpOrdered(a, b)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// Logic is L AND R or L OR R with SQL's three-valued logic.
type Logic struct {
	And  bool
	L, R Expr
}

// DataType implements Expr.
func (l *Logic) DataType() arrow.DataType { return BoolType }

// String implements Expr.
func (l *Logic) String() string {
	op := " OR "
	if l.And {
		op = " AND "
	}
	return "(" + l.L.String() + op + l.R.String() + ")"
}

// Eval implements Expr.
func (l *Logic) Eval(b *Batch) (*Vector, error) {
	x, err := l.L.Eval(b)
	if err != nil {
		return nil, err
	}
	y, err := l.R.Eval(b)
	if err != nil {
		return nil, err
	}
	n := b.N
	out := NewVector(BoolType, n)
	for i := 0; i < n; i++ {
		xn, yn := x.IsNull(i), y.IsNull(i)
		xv, yv := !xn && x.B[i], !yn && y.B[i]
		if l.And {
			switch {
			case !xn && !xv || !yn && !yv:
				out.B[i] = false
			case xn || yn:
				out.SetNull(i)
			default:
				out.B[i] = true
			}
		} else {
			switch {
			case xv || yv:
				out.B[i] = true
			case xn || yn:
				out.SetNull(i)
			default:
				out.B[i] = false
			}
		}
	}
	return out, nil
}

// Not is NOT X.
type Not struct{ X Expr }

// DataType implements Expr.
func (n *Not) DataType() arrow.DataType { return BoolType }

// String implements Expr.
func (n *Not) String() string { return "(NOT " + n.X.String() + ")" }

// Eval implements Expr.
func (n *Not) Eval(b *Batch) (*Vector, error) {
	x, err := n.X.Eval(b)
	if err != nil {
		return nil, err
	}
	out := NewVector(BoolType, b.N)
	out.Valid = andValid(b.N, x)
	if x.Kind() == KindNull {
		return out, nil
	}
	for i := range out.B {
		out.B[i] = !x.B[i]
	}
	return out, nil
}

// Neg is -X.
type Neg struct{ X Expr }

// DataType implements Expr.
func (n *Neg) DataType() arrow.DataType { return n.X.DataType() }

// String implements Expr.
func (n *Neg) String() string { return "(-" + n.X.String() + ")" }

// Eval implements Expr.
func (n *Neg) Eval(b *Batch) (*Vector, error) {
	x, err := n.X.Eval(b)
	if err != nil {
		return nil, err
	}
	out := NewVector(x.DT, b.N)
	out.Valid = andValid(b.N, x)
	switch x.Kind() {
	case KindFloat:
		for i := range out.F {
			out.F[i] = -x.F[i]
		}
	case KindInt, KindDuration:
		for i := range out.I {
			out.I[i] = -x.I[i]
		}
	}
	return out, nil
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// DataType implements Expr.
func (e *IsNull) DataType() arrow.DataType { return BoolType }

// String implements Expr.
func (e *IsNull) String() string {
	if e.Not {
		return "(" + e.X.String() + " IS NOT NULL)"
	}
	return "(" + e.X.String() + " IS NULL)"
}

// Eval implements Expr.
func (e *IsNull) Eval(b *Batch) (*Vector, error) {
	x, err := e.X.Eval(b)
	if err != nil {
		return nil, err
	}
	out := NewVector(BoolType, b.N)
	for i := range out.B {
		null := x.IsNull(i)
		if x.Arr != nil {
			null = x.Arr.IsNull(i)
		}
		out.B[i] = null != e.Not
	}
	return out, nil
}
