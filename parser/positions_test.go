package parser

import (
	"strings"
	"testing"

	"github.com/cai-dev/cai/parser/ast"
)

// TestPositions checks, for every node of every statement in the test
// scripts, that its position lies within its statement and that line and
// column agree with the byte offset.
func TestPositions(t *testing.T) {
	for _, path := range testScripts(t) {
		cases, _ := readCases(t, path)
		for _, tc := range cases {
			if tc.directive == "error" {
				continue
			}
			stmts, err := Parse(tc.args["file"], tc.input)
			if err != nil {
				continue // TestScripts reports it
			}
			for _, s := range stmts {
				start, end := s.Pos().Offset, s.Pos().Offset+len(s.Source())
				ast.Walk(s, func(n ast.Node) bool {
					p := n.Pos()
					if p.Offset < start || p.Offset >= end {
						t.Errorf("%s: %T at offset %d, outside its statement [%d, %d)", tc.pos, n, p.Offset, start, end)
					}
					if line, col := lineCol(tc.input, p.Offset); line != p.Line || col != p.Col || p.File != tc.args["file"] {
						t.Errorf("%s: %T at %s, but offset %d is %d:%d", tc.pos, n, p, p.Offset, line, col)
					}
					return true
				})
			}
		}
	}
}

// TestNodePositions pins where each kind of node is positioned.
func TestNodePositions(t *testing.T) {
	src := "SELECT -a + b.c, x NOT IN (1), y IS NULL, z BETWEEN 1 AND 2, NOT w LIKE 'p',\n" +
		"  CASE WHEN ? THEN 1 END, CAST(v AS INT), TIMESTAMP '2024-01-01', COUNT(*), 30 DAYS\n" +
		"FROM t AS u LEFT JOIN v ON TRUE, UNNEST(l) AS e"
	stmts, err := Parse("q.cai", src)
	if err != nil {
		t.Fatal(err)
	}
	// what the source holds at each node's position
	var got []string
	ast.Walk(stmts[0], func(n ast.Node) bool {
		toks, err := lexAll("", src[n.Pos().Offset:])
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, typeName(n)+"="+toks[0].Value)
		return true
	})
	want := []string{
		"Select=SELECT",
		"Binary=+", "Unary=-", "Ident=a", "Ident=b",
		"In=NOT", "Ident=x", "NumberLit=1",
		"IsNull=IS", "Ident=y",
		"Between=BETWEEN", "Ident=z", "NumberLit=1", "NumberLit=2",
		"Unary=NOT", "Like=LIKE", "Ident=w", "StringLit='p'",
		"Case=CASE", "Param=?", "NumberLit=1",
		"Cast=CAST", "Ident=v",
		"Cast=TIMESTAMP", "StringLit='2024-01-01'",
		"Call=COUNT", "Duration=30",
		"Join=,", "Join=LEFT", "TableName=t", "TableName=v", "BoolLit=TRUE",
		"Unnest=UNNEST", "Ident=l",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("positions:\ngot  %v\nwant %v", got, want)
	}
	if p := stmts[0].Pos(); p.String() != "q.cai:1:1" {
		t.Errorf("statement at %s", p)
	}
}

func typeName(n ast.Node) string { return strings.TrimPrefix(fmtType(n), "*ast.") }
