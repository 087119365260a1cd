package parser

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cai-dev/cai/parser/ast"
)

func fmtType(v any) string { return fmt.Sprintf("%T", v) }

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct{ file, src, want string }{
		{"", "SELECT 1 +", "1:11: unexpected end of input, expected expression"},
		{"a.cai", "SHOW x", `a.cai:1:6: unexpected "x", expected TABLES, MODELS or SEGMENTS`},
		{"a.cai", "SELECT 1;\n\n  SHOW x;", `a.cai:3:8: unexpected "x", expected TABLES, MODELS or SEGMENTS`},
	} {
		_, err := Parse(tc.file, tc.src)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q, %q) = %v, want %s", tc.file, tc.src, err, tc.want)
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): %v does not wrap ErrSyntax", tc.src, err)
		}
	}
}

func TestEmpty(t *testing.T) {
	for _, src := range []string{"", "  \n\t", ";", ";;\n;", "-- c", "/* c */", "-- a\n/* b */ ; -- c"} {
		stmts, err := Parse("", src)
		if err != nil || len(stmts) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want nothing", src, stmts, err)
		}
	}
}

// TestNestedText checks the Text of statements inside statements.
func TestNestedText(t *testing.T) {
	src := "EXPLAIN  COPY ( SELECT a FROM (PREDICT USING m  AS OF '2024-01-01') s ) TO 'x.csv'"
	stmts, err := Parse("", src)
	if err != nil {
		t.Fatal(err)
	}
	explain := stmts[0].(*ast.Explain)
	cp := explain.Stmt.(*ast.Copy)
	sel := cp.Query.(*ast.Select)
	using := sel.From.(*ast.Subquery).Query
	for _, tc := range []struct {
		s    ast.Stmt
		want string
	}{
		{explain, src},
		{cp, "COPY ( SELECT a FROM (PREDICT USING m  AS OF '2024-01-01') s ) TO 'x.csv'"},
		{sel, "SELECT a FROM (PREDICT USING m  AS OF '2024-01-01') s"},
		{using, "PREDICT USING m  AS OF '2024-01-01'"},
	} {
		if tc.s.Source() != tc.want {
			t.Errorf("%T: Text %q, want %q", tc.s, tc.s.Source(), tc.want)
		}
		if got := src[tc.s.Pos().Offset:]; !strings.HasPrefix(got, tc.want) {
			t.Errorf("%T: positioned at %q", tc.s, got)
		}
	}
}

// TestParamsPerStatement checks that ? numbering restarts with each
// statement and counts through nested ones.
func TestParamsPerStatement(t *testing.T) {
	stmts, err := Parse("", "EXPLAIN SELECT ? FROM (SELECT ? AS x) s WHERE x = ?; SELECT ?")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, s := range stmts {
		ast.Walk(s, func(n ast.Node) bool {
			if p, ok := n.(*ast.Param); ok {
				got = append(got, p.Index)
			}
			return true
		})
	}
	if want := []int{0, 1, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("param indexes %v, want %v", got, want)
	}
}

func TestComplete(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"", false},
		{"SELECT 1", false},
		{"SELECT 1;", true},
		{"SELECT 1\nFROM t\n;", true},
		{";", true},
		{"SELECT ';'", false},
		{"SELECT ';", false},
		{"SELECT 'it''s;'", false},
		{"SELECT 'it''s';", true},
		{`SELECT "a;b"`, false},
		{`SELECT "a;b";`, true},
		{"SELECT 1 -- ;", false},
		{"SELECT 1 -- ;\n;", true},
		{"SELECT 1 /* ; */", false},
		{"SELECT 1 /* ; */;", true},
		{"SELECT 1 /* ;", false},
		{"SELECT 1; SELECT", true},
		{"SELECT 1 /**/;", true},
	} {
		if got := Complete(tc.src); got != tc.want {
			t.Errorf("Complete(%q) = %t, want %t", tc.src, got, tc.want)
		}
	}
}

// TestKeywords checks that Keywords lists every keyword the grammar uses,
// so that suggestions and completion know them all.
func TestKeywords(t *testing.T) {
	kws := Keywords()
	if !slices.IsSorted(kws) || len(slices.Compact(slices.Clone(kws))) != len(kws) {
		t.Errorf("Keywords() not sorted and unique: %v", kws)
	}
	literal := regexp.MustCompile(`'([A-Z]+)'`)
	var missing []string
	for _, typ := range grammarTypes() {
		for i := 0; i < typ.NumField(); i++ {
			for _, m := range literal.FindAllStringSubmatch(typ.Field(i).Tag.Get("parser"), -1) {
				if _, found := slices.BinarySearch(kws, m[1]); !found {
					missing = append(missing, m[1])
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("keywords used in the grammar but not in Keywords(): %v", missing)
	}
	for _, w := range kws {
		if w != strings.ToUpper(w) {
			t.Errorf("keyword %q is not upper-case", w)
		}
	}
	for _, w := range []string{"SELECT", "FROM", "AND", "WITHIN"} {
		if !ast.IsReserved(w) || !ast.IsReserved(strings.ToLower(w)) {
			t.Errorf("%s should be reserved", w)
		}
	}
	for _, w := range []string{"DATE", "TIMESTAMP", "VALUE", "TYPE", "COUNT", "MODEL", "SCORE", "KEY", "DAYS"} {
		if ast.IsReserved(w) {
			t.Errorf("%s should not be reserved", w)
		}
	}
}

// grammarTypes lists the grammar's struct types.
func grammarTypes() []reflect.Type {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() != reflect.TypeOf(gRoot{}).PkgPath() {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	for _, v := range []any{
		gRoot{}, gSelect{}, gCreate{}, gCopy{}, gShow{}, gDescribe{}, gDrop{}, gExplain{},
		gPredictUsing{}, gPredict{}, gEvaluate{}, gBacktest{}, gInsights{}, gReport{}, gRefresh{},
		gCreateTable{}, gCreateModel{}, gCreateSegment{},
		gLookback{}, gSpecWhere{}, gSpecHaving{}, gFeatures{}, gExclude{}, gAsOf{}, gWith{},
		gCrossJoin{}, gOnJoin{}, gPredictTable{}, gUnnest{}, gSubquery{}, gFileTable{}, gTableName{},
		gCmpOp{}, gIsNull{}, gBetween{}, gIn{}, gLike{},
		gDuration{}, gNumber{}, gString{}, gBool{}, gNull{}, gParam{}, gTypedLit{}, gCast{},
		gCase{}, gCall{}, gParen{}, gIdent{},
	} {
		walk(reflect.TypeOf(v))
	}
	out := make([]reflect.Type, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	return out
}

// TestSuggest pins the typo rules: near means within 2 edits and at most
// half the word.
func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"FORM", "FROM", 1}, {"WHER", "WHERE", 1}, {"GRUOP", "GROUP", 1}, {"SELCT", "SELECT", 1},
		{"TABEL", "TABLE", 1}, {"A", "AS", 1}, {"", "AS", 2}, {"DECIL", "DECILE", 1}, {"ABC", "XYZ", 3},
	} {
		if d := distance(tc.a, tc.b); d != tc.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
	if got := closeKeywords("A"); len(got) != 0 {
		t.Errorf("closeKeywords(A) = %v, want none", got)
	}
	if got := closeKeywords("form"); len(got) == 0 || got[0] != "FROM" {
		t.Errorf("closeKeywords(form) = %v, want FROM first", got)
	}
}

// TestLexerDefinition checks the lexer definition participle holds, used
// when the grammar is driven through participle's own entry points.
func TestLexerDefinition(t *testing.T) {
	root, err := grammar.ParseString("x.cai", "select a -- c\nFROM t")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := root.Stmt.(*gSelect); !ok {
		t.Fatalf("parsed %T", root.Stmt)
	}
	if _, err := grammar.ParseString("", "SELECT FROM"); err == nil {
		t.Fatal("no error for SELECT FROM")
	}
}

// TestConcurrent parses from several goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	done := make(chan error)
	for i := 0; i < 4; i++ {
		go func() {
			_, err := Parse("", "SELECT a FROM t WHERE b = 1; SELECT * FORM t")
			done <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-done; err == nil || !strings.Contains(err.Error(), "did you mean FROM?") {
			t.Errorf("concurrent Parse: %v", err)
		}
	}
}
