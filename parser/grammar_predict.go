package parser

import "github.com/alecthomas/participle/v2/lexer"

// Grammar of the PREDICT body and of WITH (...) options.

// gSpec is the body of CREATE MODEL ... AS PREDICT and one-shot PREDICT.
type gSpec struct {
	Pos       lexer.Position
	Kind      string        `parser:"'PREDICT' @( 'CHURN' | 'CONVERSION' )"`
	ForEach   *gName        `parser:"'FOR' (   'EACH' @@"`
	Profiles  *gName        `parser:"        | @@"`
	Key       *gName        `parser:"          ( 'KEY' @@ )? )"`
	Events    *gName        `parser:"'FROM' @@"`
	Identity  *gName        `parser:"( 'IDENTITY' @@ )?"`
	Timestamp *gName        `parser:"( 'TIMESTAMP' @@ )?"`
	EventType *gName        `parser:"( 'EVENT' 'TYPE' @@ )?"`
	Goal      *gExpr        `parser:"'GOAL' @@"`
	Within    *gDuration    `parser:"'WITHIN' @@"`
	Clauses   []gSpecClause `parser:"@@*"`
}

// gSpecClause is one of the optional clauses after WITHIN, in any order.
type gSpecClause interface{ clauseG() }

type gLookback struct {
	Pos lexer.Position
	Dur *gDuration `parser:"'LOOKBACK' @@"`
}

type gSpecWhere struct {
	Pos  lexer.Position
	Cond *gExpr `parser:"'WHERE' @@"`
}

type gSpecHaving struct {
	Pos  lexer.Position
	Cond *gExpr `parser:"'HAVING' @@"`
}

type gFeatures struct {
	Pos   lexer.Position
	Items []*gFeature `parser:"'FEATURES' '(' @@ ( ',' @@ )* ')'"`
}

type gFeature struct {
	Pos   lexer.Position
	Expr  *gExpr `parser:"@@"`
	Alias *gName `parser:"( 'AS'? @@ )?"`
}

type gExclude struct {
	Pos  lexer.Position
	Cols []*gName `parser:"'EXCLUDE' '(' @@ ( ',' @@ )* ')'"`
}

type gAsOf struct {
	Pos  lexer.Position
	When *gExpr `parser:"'AS' 'OF' @@"`
}

// gWith is WITH (key = value, ...), in CREATE TABLE, COPY and PREDICT.
type gWith struct {
	Pos     lexer.Position
	Options []*gOption `parser:"'WITH' '(' @@ ( ',' @@ )* ')'"`
}

type gOption struct {
	Pos   lexer.Position
	Key   string      `parser:"@( Ident | Keyword | QIdent ) '='"`
	Value *gOptionVal `parser:"@@"`
}

type gOptionVal struct {
	Pos  lexer.Position
	Dur  *gDuration `parser:"  @@"`
	Neg  bool       `parser:"| ( @'-'?"`
	Num  string     `parser:"    @Number )"`
	Str  string     `parser:"| @String"`
	Bool string     `parser:"| @( 'TRUE' | 'FALSE' )"`
	Word string     `parser:"| @( Ident | QIdent )"`
}

func (*gLookback) clauseG()   {}
func (*gSpecWhere) clauseG()  {}
func (*gSpecHaving) clauseG() {}
func (*gFeatures) clauseG()   {}
func (*gExclude) clauseG()    {}
func (*gAsOf) clauseG()       {}
func (*gWith) clauseG()       {}
