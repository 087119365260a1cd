package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar: participle structs, one per production, each with the
// position of its first token. convert.go turns them into ast nodes; no
// other code sees them. Literal keywords match case-insensitively.
// Alternatives are tried in order with backtracking (see UseLookahead in
// build), so where two alternatives share a prefix the longer comes first.

// gRoot is one statement. The statement is optional only so that a
// failed parse ends at the root with participle's deepest error (the
// furthest any alternative got), which is what error reporting wants;
// Parse never passes an empty statement.
type gRoot struct {
	Stmt gStmt `parser:"@@?"`
}

// gStmt is a statement production.
type gStmt interface{ stmtG() }

// gQuery is a statement that yields rows: SELECT or PREDICT.
type gQuery interface{ queryG() }

// ---- Statements ----

type gSelect struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	Distinct bool           `parser:"'SELECT' ( @'DISTINCT' | 'ALL' )?"`
	Items    []*gSelectItem `parser:"@@ ( ',' @@ )*"`
	From     *gFrom         `parser:"( 'FROM' @@ )?"`
	Where    *gExpr         `parser:"( 'WHERE' @@ )?"`
	GroupBy  []*gExpr       `parser:"( 'GROUP' 'BY' @@ ( ',' @@ )* )?"`
	Having   *gExpr         `parser:"( 'HAVING' @@ )?"`
	OrderBy  []*gOrderItem  `parser:"( 'ORDER' 'BY' @@ ( ',' @@ )* )?"`
	Limit    *gExpr         `parser:"( 'LIMIT' @@ )?"`
	Offset   *gExpr         `parser:"( 'OFFSET' @@ )?"`
}

type gCreate struct {
	Pos       lexer.Position
	Tokens    []lexer.Token
	OrReplace bool        `parser:"'CREATE' ( @'OR' 'REPLACE' )?"`
	Body      gCreateBody `parser:"@@"`
}

// gCreateBody is what follows CREATE [OR REPLACE].
type gCreateBody interface{ createG() }

type gCreateTable struct {
	Pos         lexer.Position
	IfNotExists bool         `parser:"'TABLE' ( @'IF' 'NOT' 'EXISTS' )?"`
	Name        *gName       `parser:"@@"`
	From        *gFileSource `parser:"(   'FROM' @@"`
	As          gQuery       `parser:"  | 'AS' @@ )"`
}

type gCreateModel struct {
	Pos  lexer.Position
	Name *gName `parser:"'MODEL' @@ 'AS'"`
	Spec *gSpec `parser:"@@"`
}

type gCreateSegment struct {
	Pos   lexer.Position
	Name  *gName   `parser:"'SEGMENT' @@ 'AS'"`
	Query *gSelect `parser:"@@"`
}

type gFileSource struct {
	Pos     lexer.Position
	Path    string `parser:"@String"`
	Format  string `parser:"( 'FORMAT' @( Ident | QIdent | String ) )?"`
	Options *gWith `parser:"@@?"`
}

type gCopy struct {
	Pos     lexer.Position
	Tokens  []lexer.Token
	Query   gQuery `parser:"'COPY' (   '(' @@ ')'"`
	Table   *gName `parser:"         | @@ )"`
	Path    string `parser:"'TO' @String"`
	Format  string `parser:"( 'FORMAT' @( Ident | QIdent | String ) )?"`
	Options *gWith `parser:"@@?"`
}

type gShow struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	What   string `parser:"'SHOW' @( 'TABLES' | 'MODELS' | 'SEGMENTS' )"`
}

type gDescribe struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Kind   string `parser:"'DESCRIBE' (   @( 'TABLE' | 'MODEL' | 'SEGMENT' )"`
	Named  *gName `parser:"              @@"`
	Name   *gName `parser:"            | @@ )"`
}

type gDrop struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	Kind     string `parser:"'DROP' @( 'TABLE' | 'MODEL' | 'SEGMENT' )"`
	IfExists bool   `parser:"( @'IF' 'EXISTS' )?"`
	Name     *gName `parser:"@@"`
}

type gExplain struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Stmt   gStmt `parser:"'EXPLAIN' @@"`
}

type gPredictUsing struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Model  *gName `parser:"'PREDICT' 'USING' @@"`
	AsOf   *gExpr `parser:"( 'AS' 'OF' @@ )?"`
	Where  *gExpr `parser:"( 'WHERE' @@ )?"`
}

type gPredict struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Spec   *gSpec `parser:"@@"`
}

type gEvaluate struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	Model    *gName `parser:"'EVALUATE' @@"`
	ByDecile bool   `parser:"( @'BY' 'DECILE' )?"`
}

type gBacktest struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Model  *gName `parser:"'BACKTEST' @@"`
	AsOf   *gExpr `parser:"'AS' 'OF' @@"`
}

type gInsights struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Model  *gName `parser:"'INSIGHTS' @@"`
}

type gReport struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Model  *gName `parser:"'REPORT' @@"`
	Path   string `parser:"'TO' @String"`
}

type gRefresh struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gName `parser:"'REFRESH' 'SEGMENT' @@"`
}

// ---- Prediction ----

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

// ---- FROM ----

type gSelectItem struct {
	Pos   lexer.Position
	Star  *gStar `parser:"  @@"`
	Expr  *gExpr `parser:"| @@"`
	Alias *gName `parser:"  ( 'AS'? @@ )?"`
}

type gStar struct {
	Pos   lexer.Position
	Table *gName `parser:"( @@ '.' )?"`
	Star  bool   `parser:"@'*'"`
}

type gFrom struct {
	Pos   lexer.Position
	Left  gTable  `parser:"@@"`
	Joins []gJoin `parser:"@@*"`
}

// gJoin is one more table in FROM: after a comma or CROSS JOIN, or after
// [INNER] JOIN / LEFT [OUTER] JOIN with its ON condition.
type gJoin interface{ joinG() }

type gCrossJoin struct {
	Pos   lexer.Position
	Comma bool   `parser:"( @',' | 'CROSS' 'JOIN' )"`
	Table gTable `parser:"@@"`
}

type gOnJoin struct {
	Pos   lexer.Position
	Left  bool   `parser:"( @'LEFT' 'OUTER'? | 'INNER' )? 'JOIN'"`
	Table gTable `parser:"@@"`
	On    *gExpr `parser:"'ON' @@"`
}

// gTable is a table expression in FROM.
type gTable interface{ tableG() }

type gPredictTable struct {
	Pos   lexer.Position
	Model *gName `parser:"'PREDICT' '(' @@"`
	AsOf  *gExpr `parser:"( ',' 'AS' 'OF' @@ )? ')'"`
	Alias *gName `parser:"( 'AS'? @@ )?"`
}

type gUnnest struct {
	Pos   lexer.Position
	Expr  *gExpr `parser:"'UNNEST' '(' @@ ')'"`
	Alias *gName `parser:"( 'AS'? @@ )?"`
}

type gSubquery struct {
	Pos   lexer.Position
	Query gQuery `parser:"'(' @@ ')'"`
	Alias *gName `parser:"( 'AS'? @@ )?"`
}

type gFileTable struct {
	Pos   lexer.Position
	Path  string `parser:"@String"`
	Alias *gName `parser:"( 'AS'? @@ )?"`
}

type gTableName struct {
	Pos   lexer.Position
	Name  *gName `parser:"@@"`
	Alias *gName `parser:"( 'AS'? @@ )?"`
}

type gOrderItem struct {
	Pos   lexer.Position
	Expr  *gExpr `parser:"@@"`
	Desc  bool   `parser:"( @'DESC' | 'ASC' )?"`
	Nulls string `parser:"( 'NULLS' @( 'FIRST' | 'LAST' ) )?"`
}

// gName is a bare (non-reserved) or "quoted" name.
type gName struct {
	Pos  lexer.Position
	Name string `parser:"@( Ident | QIdent )"`
}

// ---- Expressions, lowest precedence first ----

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

func (*gSelect) stmtG()       {}
func (*gCreate) stmtG()       {}
func (*gCopy) stmtG()         {}
func (*gShow) stmtG()         {}
func (*gDescribe) stmtG()     {}
func (*gDrop) stmtG()         {}
func (*gExplain) stmtG()      {}
func (*gPredictUsing) stmtG() {}
func (*gPredict) stmtG()      {}
func (*gEvaluate) stmtG()     {}
func (*gBacktest) stmtG()     {}
func (*gInsights) stmtG()     {}
func (*gReport) stmtG()       {}
func (*gRefresh) stmtG()      {}

func (*gSelect) queryG()       {}
func (*gPredictUsing) queryG() {}
func (*gPredict) queryG()      {}

func (*gCreateTable) createG()   {}
func (*gCreateModel) createG()   {}
func (*gCreateSegment) createG() {}

func (*gLookback) clauseG()   {}
func (*gSpecWhere) clauseG()  {}
func (*gSpecHaving) clauseG() {}
func (*gFeatures) clauseG()   {}
func (*gExclude) clauseG()    {}
func (*gAsOf) clauseG()       {}
func (*gWith) clauseG()       {}

func (*gCrossJoin) joinG() {}
func (*gOnJoin) joinG()    {}

func (*gPredictTable) tableG() {}
func (*gUnnest) tableG()       {}
func (*gSubquery) tableG()     {}
func (*gFileTable) tableG()    {}
func (*gTableName) tableG()    {}

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

// grammar is the statement parser, built once.
var grammar = participle.MustBuild[gRoot](
	participle.Lexer(caiLexer{symbols}),
	participle.Elide("Comment", "Whitespace"),
	participle.CaseInsensitive("Ident", "Keyword"),
	participle.UseLookahead(participle.MaxLookahead),
	participle.Union[gStmt](
		&gSelect{}, &gCreate{}, &gCopy{}, &gShow{}, &gDescribe{}, &gDrop{},
		&gExplain{}, &gPredictUsing{}, &gPredict{}, &gEvaluate{}, &gBacktest{},
		&gInsights{}, &gReport{}, &gRefresh{},
	),
	participle.Union[gQuery](&gSelect{}, &gPredictUsing{}, &gPredict{}),
	participle.Union[gCreateBody](&gCreateTable{}, &gCreateModel{}, &gCreateSegment{}),
	participle.Union[gSpecClause](
		&gLookback{}, &gSpecWhere{}, &gSpecHaving{}, &gFeatures{}, &gExclude{},
		&gAsOf{}, &gWith{},
	),
	participle.Union[gJoin](&gCrossJoin{}, &gOnJoin{}),
	participle.Union[gTable](
		&gPredictTable{}, &gUnnest{}, &gSubquery{}, &gFileTable{}, &gTableName{},
	),
	participle.Union[gCmpTail](&gCmpOp{}, &gIsNull{}, &gBetween{}, &gIn{}, &gLike{}),
	participle.Union[gPrimary](
		&gDuration{}, &gNumber{}, &gString{}, &gBool{}, &gNull{}, &gParam{},
		&gTypedLit{}, &gCast{}, &gCase{}, &gCall{}, &gParen{}, &gIdent{},
	),
)
