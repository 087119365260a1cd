package expr

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// FuncDef describes a scalar function in the registry.
type FuncDef struct {
	Name    string
	MinArgs int
	MaxArgs int // -1 = variadic
	Doc     string
	// Type checks the argument types and returns the result type.
	Type func(args []arrow.DataType) (arrow.DataType, error)
	// Eval computes the function over n rows.
	Eval func(args []*Vector, n int) (*Vector, error)
}

var registry = map[string]*FuncDef{}

func register(f *FuncDef) { registry[f.Name] = f }

// LookupFunc finds a scalar function by (upper-case) name.
func LookupFunc(name string) (*FuncDef, bool) {
	f, ok := registry[strings.ToUpper(name)]
	return f, ok
}

// FuncNames lists the registered scalar functions, sorted.
func FuncNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Func is a call of a registered scalar function.
type Func struct {
	Def  *FuncDef
	Args []Expr
	T    arrow.DataType
}

// NewFunc type-checks a call.
func NewFunc(def *FuncDef, args []Expr) (Expr, error) {
	if len(args) < def.MinArgs || def.MaxArgs >= 0 && len(args) > def.MaxArgs {
		want := fmt.Sprint(def.MinArgs)
		if def.MaxArgs < 0 {
			want += " or more"
		} else if def.MaxArgs != def.MinArgs {
			want = fmt.Sprintf("%d to %d", def.MinArgs, def.MaxArgs)
		}
		return nil, typeErrorf("%s takes %s arguments, got %d", def.Name, want, len(args))
	}
	types := make([]arrow.DataType, len(args))
	for i, a := range args {
		types[i] = a.DataType()
	}
	t, err := def.Type(types)
	if err != nil {
		return nil, typeErrorf("%s: %v", def.Name, err)
	}
	return &Func{Def: def, Args: args, T: t}, nil
}

// DataType implements Expr.
func (f *Func) DataType() arrow.DataType { return f.T }

// String implements Expr.
func (f *Func) String() string {
	parts := make([]string, len(f.Args))
	for i, a := range f.Args {
		parts[i] = a.String()
	}
	return strings.ToLower(f.Def.Name) + "(" + strings.Join(parts, ", ") + ")"
}

// Eval implements Expr.
func (f *Func) Eval(b *Batch) (*Vector, error) {
	args := make([]*Vector, len(f.Args))
	for i, a := range f.Args {
		v, err := a.Eval(b)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	out, err := f.Def.Eval(args, b.N)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.ToLower(f.Def.Name), err)
	}
	if KindOf(out.DT) != KindOf(f.T) {
		return castVector(out, f.T)
	}
	return out, nil
}

func isNum(t arrow.DataType) bool {
	k := KindOf(t)
	return k == KindInt || k == KindFloat || k == KindNull
}

func numericArgs(types []arrow.DataType) error {
	for _, t := range types {
		if !isNum(t) {
			return fmt.Errorf("expects numbers, got %s", TypeName(t))
		}
	}
	return nil
}

func floatFunc(name, doc string, fn func(float64) float64) {
	register(&FuncDef{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return FloatType, numericArgs(t) },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(FloatType, n)
			out.Valid = andValid(n, a[0])
			for i := 0; i < n; i++ {
				if !out.IsNull(i) {
					r := fn(a[0].Float(i))
					if math.IsNaN(r) {
						out.SetNull(i)
						continue
					}
					out.F[i] = r
				}
			}
			return out, nil
		}})
}

func init() {
	floatFunc("LN", "natural logarithm; NULL for x <= 0", math.Log)
	floatFunc("LOG10", "base-10 logarithm", math.Log10)
	floatFunc("EXP", "e to the power x", math.Exp)
	floatFunc("SQRT", "square root", math.Sqrt)
	floatFunc("FLOOR", "largest integer <= x", math.Floor)
	floatFunc("CEIL", "smallest integer >= x", math.Ceil)
	register(&FuncDef{Name: "ABS", MinArgs: 1, MaxArgs: 1, Doc: "absolute value",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return t[0], numericArgs(t) },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(a[0].DT, n)
			out.Valid = andValid(n, a[0])
			for i := 0; i < n; i++ {
				if a[0].Kind() == KindFloat {
					out.F[i] = math.Abs(a[0].F[i])
				} else if a[0].Kind() == KindInt {
					out.I[i] = a[0].I[i]
					if out.I[i] < 0 {
						out.I[i] = -out.I[i]
					}
				}
			}
			return out, nil
		}})
	register(&FuncDef{Name: "ROUND", MinArgs: 1, MaxArgs: 2, Doc: "round(x [, digits])",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return FloatType, numericArgs(t) },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(FloatType, n)
			out.Valid = andValid(n, a...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				p := 1.0
				if len(a) > 1 {
					p = math.Pow(10, a[1].Float(i))
				}
				out.F[i] = math.Round(a[0].Float(i)*p) / p
			}
			return out, nil
		}})
	register(&FuncDef{Name: "POWER", MinArgs: 2, MaxArgs: 2, Doc: "x to the power y",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return FloatType, numericArgs(t) },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(FloatType, n)
			out.Valid = andValid(n, a...)
			for i := 0; i < n; i++ {
				out.F[i] = math.Pow(a[0].Float(i), a[1].Float(i))
			}
			return out, nil
		}})
	register(&FuncDef{Name: "COALESCE", MinArgs: 1, MaxArgs: -1, Doc: "first non-NULL argument",
		Type: func(t []arrow.DataType) (arrow.DataType, error) {
			r := t[0]
			for _, x := range t[1:] {
				var err error
				if r, err = CommonType(r, x); err != nil {
					return nil, err
				}
			}
			return r, nil
		},
		Eval: func(a []*Vector, n int) (*Vector, error) {
			t := a[0].DT
			for _, v := range a[1:] {
				t, _ = CommonType(t, v.DT)
			}
			out := NewVector(t, n)
			for i := 0; i < n; i++ {
				out.SetNull(i)
			}
			for _, v := range a {
				v, err := coerce(v, t)
				if err != nil {
					return nil, err
				}
				for i := 0; i < n; i++ {
					if !out.Valid[i] && !v.IsNull(i) {
						out.Valid[i] = true
						copyRow(out, v, i)
					}
				}
			}
			return out, nil
		}})
	register(&FuncDef{Name: "NULLIF", MinArgs: 2, MaxArgs: 2, Doc: "NULL when a = b, else a",
		Type: func(t []arrow.DataType) (arrow.DataType, error) {
			_, err := NewCompare("=", &Col{T: t[0]}, &Col{T: t[1]})
			return t[0], err
		},
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := *a[0]
			out.Valid = andValid(n, a[0])
			if out.Valid == nil {
				out.Valid = make([]bool, n)
				for i := range out.Valid {
					out.Valid[i] = true
				}
			}
			cmp := compareFunc(a[0], a[1])
			for i := 0; i < n; i++ {
				if !a[0].IsNull(i) && !a[1].IsNull(i) && cmp(i, i) == 0 {
					out.Valid[i] = false
				}
			}
			return &out, nil
		}})
	for _, name := range []string{"GREATEST", "LEAST"} {
		greatest := name == "GREATEST"
		register(&FuncDef{Name: name, MinArgs: 1, MaxArgs: -1, Doc: "largest/smallest non-NULL argument",
			Type: registry["COALESCE"].Type,
			Eval: func(a []*Vector, n int) (*Vector, error) {
				t := a[0].DT
				for _, v := range a[1:] {
					t, _ = CommonType(t, v.DT)
				}
				out := NewVector(t, n)
				for i := 0; i < n; i++ {
					out.SetNull(i)
				}
				for _, v := range a {
					v, err := coerce(v, t)
					if err != nil {
						return nil, err
					}
					cmp := compareFunc(v, out)
					for i := 0; i < n; i++ {
						if v.IsNull(i) {
							continue
						}
						if !out.Valid[i] || (cmp(i, i) > 0) == greatest && cmp(i, i) != 0 {
							out.Valid[i] = true
							copyRow(out, v, i)
						}
					}
				}
				return out, nil
			}})
	}
	stringFunc := func(name, doc string, fn func(string) string) {
		register(&FuncDef{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Type: func(t []arrow.DataType) (arrow.DataType, error) { return StringType, nil },
			Eval: func(a []*Vector, n int) (*Vector, error) {
				x, err := castVector(a[0], StringType)
				if err != nil {
					return nil, err
				}
				out := NewVector(StringType, n)
				out.Valid = andValid(n, x)
				for i := 0; i < n; i++ {
					if !x.IsNull(i) {
						out.S[i] = fn(x.S[i])
					}
				}
				return out, nil
			}})
	}
	stringFunc("LOWER", "lower-case", strings.ToLower)
	stringFunc("UPPER", "upper-case", strings.ToUpper)
	stringFunc("TRIM", "strip surrounding white space", strings.TrimSpace)
	register(&FuncDef{Name: "LENGTH", MinArgs: 1, MaxArgs: 1, Doc: "number of characters",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return IntType, nil },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			x, err := castVector(a[0], StringType)
			if err != nil {
				return nil, err
			}
			out := NewVector(IntType, n)
			out.Valid = andValid(n, x)
			for i := 0; i < n; i++ {
				out.I[i] = int64(len([]rune(x.S[i])))
			}
			return out, nil
		}})
	register(&FuncDef{Name: "CONCAT", MinArgs: 1, MaxArgs: -1, Doc: "concatenation; NULL arguments count as ''",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return StringType, nil },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(StringType, n)
			for _, v := range a {
				for i := 0; i < n; i++ {
					if !v.IsNull(i) {
						out.S[i] += formatValue(v, i)
					}
				}
			}
			return out, nil
		}})
	register(&FuncDef{Name: "DATE_TRUNC", MinArgs: 2, MaxArgs: 2, Doc: "date_trunc('day'|'week'|'month'|..., ts)",
		Type: func(t []arrow.DataType) (arrow.DataType, error) {
			if KindOf(t[0]) != KindString || KindOf(t[1]) != KindTimestamp && KindOf(t[1]) != KindNull {
				return nil, fmt.Errorf("expects (VARCHAR, TIMESTAMP), got (%s, %s)", TypeName(t[0]), TypeName(t[1]))
			}
			return TimestampType, nil
		},
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(TimestampType, n)
			out.Valid = andValid(n, a...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				us, err := TruncTime(a[0].S[i], a[1].I[i])
				if err != nil {
					return nil, err
				}
				out.I[i] = us
			}
			return out, nil
		}})
	register(&FuncDef{Name: "DATE_DIFF", MinArgs: 3, MaxArgs: 3, Doc: "date_diff('day'|'hour'|..., start, end): whole units from start to end",
		Type: func(t []arrow.DataType) (arrow.DataType, error) {
			if KindOf(t[0]) != KindString || KindOf(t[1]) != KindTimestamp || KindOf(t[2]) != KindTimestamp {
				return nil, fmt.Errorf("expects (VARCHAR, TIMESTAMP, TIMESTAMP)")
			}
			return IntType, nil
		},
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(IntType, n)
			out.Valid = andValid(n, a...)
			for i := 0; i < n; i++ {
				if out.IsNull(i) {
					continue
				}
				u, err := UnitMicros(a[0].S[i])
				if err != nil {
					return nil, err
				}
				out.I[i] = (a[2].I[i] - a[1].I[i]) / u
			}
			return out, nil
		}})
	register(&FuncDef{Name: "DAYS", MinArgs: 1, MaxArgs: 1, Doc: "days(interval): an interval as a number of days (DOUBLE)",
		Type: func(t []arrow.DataType) (arrow.DataType, error) {
			if KindOf(t[0]) != KindDuration && KindOf(t[0]) != KindNull {
				return nil, fmt.Errorf("expects INTERVAL, got %s", TypeName(t[0]))
			}
			return FloatType, nil
		},
		Eval: func(a []*Vector, n int) (*Vector, error) {
			out := NewVector(FloatType, n)
			out.Valid = andValid(n, a...)
			for i := 0; i < n && a[0].I != nil; i++ {
				out.F[i] = float64(a[0].I[i]) / float64(MicrosPerDay)
			}
			return out, nil
		}})
	registerFactorFuncs()
}

// factorList gives access to a factors column: per row, the range of
// struct entries and the code/text/impact children.
type factorList struct {
	list   *array.List
	code   *array.String
	text   *array.String
	impact *array.Float64
}

func asFactors(v *Vector) (*factorList, error) {
	l, ok := v.Arr.(*array.List)
	if !ok {
		return nil, fmt.Errorf("expects a factors list, got %s", TypeName(v.DT))
	}
	st, ok := l.ListValues().(*array.Struct)
	if !ok {
		return nil, fmt.Errorf("expects a factors list, got %s", TypeName(v.DT))
	}
	f := &factorList{list: l}
	for i, fld := range st.DataType().(*arrow.StructType).Fields() {
		switch fld.Name {
		case "code":
			f.code, _ = st.Field(i).(*array.String)
		case "text":
			f.text, _ = st.Field(i).(*array.String)
		case "impact":
			f.impact, _ = st.Field(i).(*array.Float64)
		}
	}
	if f.code == nil || f.impact == nil || f.text == nil {
		return nil, fmt.Errorf("expects a factors list with code, text and impact")
	}
	return f, nil
}

func factorArgType(t []arrow.DataType) error {
	if KindOf(t[0]) != KindList {
		return fmt.Errorf("first argument must be a factors column, got %s", TypeName(t[0]))
	}
	return nil
}

// factorCodeArgs checks (factors, 'code').
func factorCodeArgs(t []arrow.DataType) error {
	if err := factorArgType(t); err != nil {
		return err
	}
	if k := KindOf(t[1]); k != KindString && k != KindNull {
		return fmt.Errorf("second argument must be a factor code (VARCHAR), got %s", TypeName(t[1]))
	}
	return nil
}

// factorIndexArgs checks (factors, n).
func factorIndexArgs(t []arrow.DataType) error {
	if err := factorArgType(t); err != nil {
		return err
	}
	if k := KindOf(t[1]); k != KindInt && k != KindNull {
		return fmt.Errorf("second argument must be a position (BIGINT, 1 = strongest), got %s", TypeName(t[1]))
	}
	return nil
}

func registerFactorFuncs() {
	lookup := func(f *factorList, row int, code string) int {
		if f.list.IsNull(row) {
			return -1
		}
		start, end := f.list.ValueOffsets(row)
		for j := int(start); j < int(end); j++ {
			if f.code.Value(j) == code {
				return j
			}
		}
		return -1
	}
	register(&FuncDef{Name: "HAS_FACTOR", MinArgs: 2, MaxArgs: 2, Doc: "has_factor(factors, 'code'): whether the factor is among the profile's factors",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return BoolType, factorCodeArgs(t) },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			f, err := asFactors(a[0])
			if err != nil {
				return nil, err
			}
			out := NewVector(BoolType, n)
			for i := 0; i < n; i++ {
				out.B[i] = !a[1].IsNull(i) && lookup(f, i, a[1].S[i]) >= 0
			}
			return out, nil
		}})
	register(&FuncDef{Name: "FACTOR_IMPACT", MinArgs: 2, MaxArgs: 2, Doc: "factor_impact(factors, 'code'): the factor's signed impact, NULL if absent",
		Type: func(t []arrow.DataType) (arrow.DataType, error) { return FloatType, factorCodeArgs(t) },
		Eval: func(a []*Vector, n int) (*Vector, error) {
			f, err := asFactors(a[0])
			if err != nil {
				return nil, err
			}
			out := NewVector(FloatType, n)
			for i := 0; i < n; i++ {
				j := -1
				if !a[1].IsNull(i) {
					j = lookup(f, i, a[1].S[i])
				}
				if j < 0 {
					out.SetNull(i)
					continue
				}
				out.F[i] = f.impact.Value(j)
			}
			return out, nil
		}})
	nth := func(name, doc string, pick func(f *factorList, j int) string) {
		register(&FuncDef{Name: name, MinArgs: 2, MaxArgs: 2, Doc: doc,
			Type: func(t []arrow.DataType) (arrow.DataType, error) { return StringType, factorIndexArgs(t) },
			Eval: func(a []*Vector, n int) (*Vector, error) {
				f, err := asFactors(a[0])
				if err != nil {
					return nil, err
				}
				out := NewVector(StringType, n)
				for i := 0; i < n; i++ {
					if f.list.IsNull(i) || a[1].IsNull(i) {
						out.SetNull(i)
						continue
					}
					start, end := f.list.ValueOffsets(i)
					k := int(a[1].Float(i))
					if k < 1 || int(start)+k-1 >= int(end) {
						out.SetNull(i)
						continue
					}
					out.S[i] = pick(f, int(start)+k-1)
				}
				return out, nil
			}})
	}
	nth("FACTOR", "factor(factors, n): the code of the n-th strongest factor (1-based)", func(f *factorList, j int) string { return f.code.Value(j) })
	nth("FACTOR_TEXT", "factor_text(factors, n): the text of the n-th strongest factor (1-based)", func(f *factorList, j int) string { return f.text.Value(j) })
}
