package expr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Expr is a bound, typed scalar expression.
type Expr interface {
	// DataType is the Arrow type of the result.
	DataType() arrow.DataType
	// String renders the expression as SQL-like text (used in plans and
	// as a default column name).
	String() string
	// Eval computes the expression for every row of b.
	Eval(b *Batch) (*Vector, error)
}

// Batch wraps a record batch during evaluation and caches the vectors of
// the columns read, so a column used twice is converted once.
type Batch struct {
	Rec  arrow.RecordBatch
	N    int
	cols []*Vector
}

// NewBatch wraps rec. It does not retain rec.
func NewBatch(rec arrow.RecordBatch) *Batch {
	return &Batch{Rec: rec, N: int(rec.NumRows()), cols: make([]*Vector, rec.NumCols())}
}

// Col returns column i as a vector.
func (b *Batch) Col(i int) (*Vector, error) {
	if b.cols[i] == nil {
		v, err := FromArrow(b.Rec.Column(i))
		if err != nil {
			return nil, err
		}
		b.cols[i] = v
	}
	return b.cols[i], nil
}

// Col is a reference to column Idx of the input.
type Col struct {
	Idx  int
	Name string
	T    arrow.DataType
}

// DataType implements Expr.
func (c *Col) DataType() arrow.DataType { return c.T }

// String implements Expr.
func (c *Col) String() string { return QuoteIdent(c.Name) }

// Eval implements Expr.
func (c *Col) Eval(b *Batch) (*Vector, error) { return b.Col(c.Idx) }

// QuoteIdent quotes a name when it is not a plain identifier.
func QuoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Const is a literal value. Null consts have type NullType unless typed.
type Const struct {
	T    arrow.DataType
	Null bool
	I    int64
	F    float64
	S    string
	B    bool
}

// NullConst returns a NULL literal of type dt.
func NullConst(dt arrow.DataType) *Const { return &Const{T: dt, Null: true} }

// IntConst returns an integer literal.
func IntConst(i int64) *Const { return &Const{T: IntType, I: i} }

// FloatConst returns a float literal.
func FloatConst(f float64) *Const { return &Const{T: FloatType, F: f} }

// StringConst returns a string literal.
func StringConst(s string) *Const { return &Const{T: StringType, S: s} }

// BoolConst returns a boolean literal.
func BoolConst(b bool) *Const { return &Const{T: BoolType, B: b} }

// TimeConst returns a timestamp literal (microseconds since the epoch).
func TimeConst(us int64) *Const { return &Const{T: TimestampType, I: us} }

// DurationConst returns a duration literal in microseconds.
func DurationConst(us int64) *Const { return &Const{T: DurationType, I: us} }

// DataType implements Expr.
func (c *Const) DataType() arrow.DataType { return c.T }

// String implements Expr.
func (c *Const) String() string {
	if c.Null {
		return "NULL"
	}
	switch KindOf(c.T) {
	case KindInt:
		return strconv.FormatInt(c.I, 10)
	case KindFloat:
		return strconv.FormatFloat(c.F, 'g', -1, 64)
	case KindString:
		return "'" + strings.ReplaceAll(c.S, "'", "''") + "'"
	case KindBool:
		if c.B {
			return "TRUE"
		}
		return "FALSE"
	case KindTimestamp:
		return "TIMESTAMP '" + FormatTime(c.I) + "'"
	case KindDuration:
		return "INTERVAL '" + FormatDuration(c.I) + "'"
	}
	return "NULL"
}

// Eval implements Expr: the value repeated for every row.
func (c *Const) Eval(b *Batch) (*Vector, error) {
	v := NewVector(c.T, b.N)
	if c.Null {
		v.Valid = make([]bool, b.N)
		return v, nil
	}
	switch KindOf(c.T) {
	case KindInt, KindTimestamp, KindDuration:
		for i := range v.I {
			v.I[i] = c.I
		}
	case KindFloat:
		for i := range v.F {
			v.F[i] = c.F
		}
	case KindString:
		for i := range v.S {
			v.S[i] = c.S
		}
	case KindBool:
		for i := range v.B {
			v.B[i] = c.B
		}
	}
	return v, nil
}

// TypeError reports an operation applied to types it does not accept.
type TypeError struct{ Msg string }

func (e *TypeError) Error() string { return e.Msg }

func typeErrorf(format string, args ...any) error {
	return &TypeError{Msg: fmt.Sprintf(format, args...)}
}

// andValid combines validity masks (nil = all valid).
func andValid(n int, vs ...*Vector) []bool {
	var out []bool
	for _, v := range vs {
		if v.Kind() == KindNull {
			return make([]bool, n)
		}
		if v.Valid == nil {
			continue
		}
		if out == nil {
			out = make([]bool, n)
			copy(out, v.Valid[:n])
			continue
		}
		for i := range out {
			out[i] = out[i] && v.Valid[i]
		}
	}
	return out
}

// EvalError is a runtime error of the expression at Line:Col of the
// statement (a failed CAST, an overflow, ...).
type EvalError struct {
	Line, Col int
	Err       error
}

func (e *EvalError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *EvalError) Unwrap() error { return e.Err }

// Positioned marks where an expression that can fail at run time came
// from, so its errors carry a position. It is transparent otherwise.
type Positioned struct {
	X         Expr
	Line, Col int
}

// DataType implements Expr.
func (p *Positioned) DataType() arrow.DataType { return p.X.DataType() }

// String implements Expr.
func (p *Positioned) String() string { return p.X.String() }

// Eval implements Expr.
func (p *Positioned) Eval(b *Batch) (*Vector, error) {
	v, err := p.X.Eval(b)
	if err != nil {
		if _, ok := err.(*EvalError); !ok {
			err = &EvalError{Line: p.Line, Col: p.Col, Err: err}
		}
	}
	return v, err
}
