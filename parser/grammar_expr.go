package parser

import "github.com/alecthomas/participle/v2/lexer"

// Expressions, lowest precedence first.

type gExpr struct {
	Pos  lexer.Position
	Head *gAnd    `parser:"@@"`
	Tail []*gOrOp `parser:"@@*"`
}

type gOrOp struct {
	Pos   lexer.Position
	Right *gAnd `parser:"'OR' @@"`
}

type gAnd struct {
	Pos  lexer.Position
	Head *gNot     `parser:"@@"`
	Tail []*gAndOp `parser:"@@*"`
}

type gAndOp struct {
	Pos   lexer.Position
	Right *gNot `parser:"'AND' @@"`
}

type gNot struct {
	Pos  lexer.Position
	Nots []*gNotOp `parser:"@@*"`
	X    *gCmp     `parser:"@@"`
}

type gNotOp struct {
	Pos lexer.Position
	Not bool `parser:"@'NOT'"`
}

type gCmp struct {
	Pos  lexer.Position
	X    *gConcat `parser:"@@"`
	Tail gCmpTail `parser:"@@?"`
}

// gCmpTail is what may follow the left operand of a comparison.
type gCmpTail interface{ cmpG() }

type gCmpOp struct {
	Pos   lexer.Position
	Op    string   `parser:"@( '=' | '<>' | '!=' | '<=' | '>=' | '<' | '>' )"`
	Right *gConcat `parser:"@@"`
}

type gIsNull struct {
	Pos lexer.Position
	Not bool `parser:"'IS' @'NOT'? 'NULL'"`
}

type gBetween struct {
	Pos lexer.Position
	Not bool     `parser:"@'NOT'? 'BETWEEN'"`
	Lo  *gConcat `parser:"@@ 'AND'"`
	Hi  *gConcat `parser:"@@"`
}

type gIn struct {
	Pos  lexer.Position
	Not  bool     `parser:"@'NOT'? 'IN'"`
	List []*gExpr `parser:"'(' @@ ( ',' @@ )* ')'"`
}

type gLike struct {
	Pos     lexer.Position
	Not     bool     `parser:"@'NOT'? 'LIKE'"`
	Pattern *gConcat `parser:"@@"`
}

type gConcat struct {
	Pos  lexer.Position
	Head *gSum        `parser:"@@"`
	Tail []*gConcatOp `parser:"@@*"`
}

type gConcatOp struct {
	Pos   lexer.Position
	Right *gSum `parser:"'||' @@"`
}

type gSum struct {
	Pos  lexer.Position
	Head *gProd    `parser:"@@"`
	Tail []*gSumOp `parser:"@@*"`
}

type gSumOp struct {
	Pos   lexer.Position
	Op    string `parser:"@( '+' | '-' )"`
	Right *gProd `parser:"@@"`
}

type gProd struct {
	Pos  lexer.Position
	Head *gUnary    `parser:"@@"`
	Tail []*gProdOp `parser:"@@*"`
}

type gProdOp struct {
	Pos   lexer.Position
	Op    string  `parser:"@( '*' | '/' | '%' )"`
	Right *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos  lexer.Position
	Negs []*gNeg  `parser:"@@*"`
	X    gPrimary `parser:"@@"`
}

type gNeg struct {
	Pos lexer.Position
	Op  string `parser:"@'-'"`
}

// gPrimary is an operand: literal, call, parenthesised expression, name.
type gPrimary interface{ primaryG() }

type gDuration struct {
	Pos  lexer.Position
	N    string `parser:"@Number"`
	Unit string `parser:"@( 'SECONDS' | 'SECOND' | 'MINUTES' | 'MINUTE' | 'HOURS' | 'HOUR' | 'DAYS' | 'DAY' | 'WEEKS' | 'WEEK' )"`
}

type gNumber struct {
	Pos  lexer.Position
	Text string `parser:"@Number"`
}

type gString struct {
	Pos  lexer.Position
	Text string `parser:"@String"`
}

type gBool struct {
	Pos   lexer.Position
	Value string `parser:"@( 'TRUE' | 'FALSE' )"`
}

type gNull struct {
	Pos  lexer.Position
	Null bool `parser:"@'NULL'"`
}

type gParam struct {
	Pos   lexer.Position
	Param bool `parser:"@'?'"`
}

type gTypedLit struct {
	Pos   lexer.Position
	Type  string   `parser:"@( 'TIMESTAMP' | 'DATE' )"`
	Value *gString `parser:"@@"`
}

type gCast struct {
	Pos  lexer.Position
	X    *gExpr `parser:"'CAST' '(' @@ 'AS'"`
	Type string `parser:"@Ident ')'"`
}

type gCase struct {
	Pos     lexer.Position
	Operand *gExpr   `parser:"'CASE' @@?"`
	Whens   []*gWhen `parser:"@@+"`
	Else    *gExpr   `parser:"( 'ELSE' @@ )? 'END'"`
}

type gWhen struct {
	Pos    lexer.Position
	Cond   *gExpr `parser:"'WHEN' @@"`
	Result *gExpr `parser:"'THEN' @@"`
}

type gCall struct {
	Pos      lexer.Position
	Name     string     `parser:"@Ident '('"`
	Star     bool       `parser:"(   @'*'"`
	Distinct bool       `parser:"  | @'DISTINCT'?"`
	Args     []*gExpr   `parser:"    @@ ( ',' @@ )* )? ')'"`
	Filter   *gExpr     `parser:"( 'FILTER' '(' 'WHERE' @@ ')' )?"`
	Over     *gDuration `parser:"( 'OVER' @@ )?"`
}

type gParen struct {
	Pos lexer.Position
	X   *gExpr `parser:"'(' @@ ')'"`
}

type gIdent struct {
	Pos   lexer.Position
	Parts []string `parser:"@( Ident | QIdent ) ( '.' @( Ident | QIdent ) )*"`
}

func (*gCmpOp) cmpG()   {}
func (*gIsNull) cmpG()  {}
func (*gBetween) cmpG() {}
func (*gIn) cmpG()      {}
func (*gLike) cmpG()    {}

func (*gDuration) primaryG() {}
func (*gNumber) primaryG()   {}
func (*gString) primaryG()   {}
func (*gBool) primaryG()     {}
func (*gNull) primaryG()     {}
func (*gParam) primaryG()    {}
func (*gTypedLit) primaryG() {}
func (*gCast) primaryG()     {}
func (*gCase) primaryG()     {}
func (*gCall) primaryG()     {}
func (*gParen) primaryG()    {}
func (*gIdent) primaryG()    {}
