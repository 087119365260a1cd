package ast

import (
	"fmt"
	"strings"
	"testing"
)

func TestQuoteIdent(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a", "a"},
		{"customer_id", "customer_id"},
		{"_x1", "_x1"},
		{"prénom", "prénom"},
		{"date", "date"},
		{"from", `"from"`},
		{"Select", `"Select"`},
		{"commerce.order.priceTotal", `"commerce.order.priceTotal"`},
		{"a b", `"a b"`},
		{`a"b`, `"a""b"`},
		{"1a", `"1a"`},
		{"", `""`},
	} {
		if got := QuoteIdent(tc.in); got != tc.want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := QuoteString("it's"); got != "'it''s'" {
		t.Errorf("QuoteString = %s", got)
	}
}

// TestFormatHandBuilt covers trees the parser does not produce as such:
// names that need quoting in context and nested minus signs.
func TestFormatHandBuilt(t *testing.T) {
	one := &NumberLit{Text: "1", IsInt: true}
	for _, tc := range []struct {
		n    Node
		want string
	}{
		{&Unary{Op: "-", X: &Unary{Op: "-", X: one}}, "- -1"},
		{&Predict{Spec: &PredictSpec{Kind: "CHURN", Profiles: "each", Events: "e", Goal: &BoolLit{Value: true}, Within: &Duration{N: 1, Unit: "DAYS"}}},
			`PREDICT CHURN FOR "each" FROM e GOAL TRUE WITHIN 1 DAYS`},
		{&Select{Items: []*SelectItem{{Expr: &Ident{Parts: []string{"t", "from"}}, Alias: "select"}}},
			`SELECT t."from" AS "select"`},
		{&Copy{Table: "t", Path: "o.csv", Options: []Option{{Key: "has space", Value: &StringLit{Value: "x"}}, {Key: "limit", Value: one}}},
			`COPY t TO 'o.csv' WITH ("has space" = 'x', limit = 1)`},
		{&Call{Name: "COUNT", Distinct: true, Args: []Expr{&Ident{Parts: []string{"a"}}}, Filter: &BoolLit{}}, "COUNT(DISTINCT a) FILTER (WHERE FALSE)"},
		{&In{X: one, Not: true, List: []Expr{one}}, "1 NOT IN (1)"},
		{&IsNull{X: one, Not: true}, "1 IS NOT NULL"},
		{&Binary{Op: "=", L: &Unary{Op: "NOT", X: one}, R: one}, "(NOT 1) = 1"},
		{&Unary{Op: "-", X: &Unary{Op: "NOT", X: one}}, "-(NOT 1)"},
		{&Binary{Op: "-", L: one, R: &Binary{Op: "-", L: one, R: one}}, "1 - (1 - 1)"},
		{&Binary{Op: "??", L: one, R: one}, "1 ?? 1"},
		{&Unary{Op: "-", X: &NumberLit{Text: "-1"}}, "- -1"},
		{&Binary{Op: "-", L: one, R: &Unary{Op: "-", X: one}}, "1 - -1"},
	} {
		if got := Format(tc.n); got != tc.want {
			t.Errorf("Format(%T) = %s\nwant %s", tc.n, got, tc.want)
		}
	}
}

func TestWalk(t *testing.T) {
	s := &Select{
		Items: []*SelectItem{{Expr: &Binary{Op: "+", L: &Ident{Parts: []string{"a"}}, R: &Param{}}}},
		From:  &Join{Kind: "CROSS", Left: &TableName{Name: "t"}, Right: &Unnest{Expr: &Ident{Parts: []string{"l"}}}},
		Where: &Call{Name: "F", Args: []Expr{&NullLit{}}, Over: &Duration{N: 1, Unit: "DAYS"}},
	}
	var got []string
	Walk(s, func(n Node) bool {
		got = append(got, fmt.Sprintf("%T", n)[len("*ast."):])
		_, isJoin := n.(*Join)
		return !isJoin // prune below joins
	})
	want := "Select Binary Ident Param Join Call NullLit Duration"
	if strings.Join(got, " ") != want {
		t.Errorf("Walk visited %v, want %s", got, want)
	}
}

func TestDump(t *testing.T) {
	s := &Select{
		StmtBase: StmtBase{At: Pos{Line: 2, Col: 3}, Text: "SELECT a AS \"b c\""},
		Items:    []*SelectItem{{Expr: &Ident{Parts: []string{"a"}}, Alias: "b c"}},
	}
	want := "Select @2:3\n  Text: \"SELECT a AS \\\"b c\\\"\"\n  Items:\n    - SelectItem\n      Expr: Ident a\n      Alias: \"b c\"\n"
	if got := Dump(s); got != want {
		t.Errorf("Dump =\n%s\nwant\n%s", got, want)
	}
	if got := Dump(&Binary{Op: "=", L: &Ident{Parts: []string{"x.y"}}, R: &StringLit{Value: "v"}}); got != "Binary =\n  L: Ident \"x.y\"\n  R: StringLit 'v'\n" {
		t.Errorf("Dump(Binary) =\n%s", got)
	}
}
