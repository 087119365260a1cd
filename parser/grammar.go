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
	As          gQuery       `parser:"  | 'AS' ( '(' @@ ')' | @@ ) )"`
}

type gCreateModel struct {
	Pos  lexer.Position
	Name *gName `parser:"'MODEL' @@ 'AS'"`
	Spec *gSpec `parser:"@@"`
}

type gCreateSegment struct {
	Pos   lexer.Position
	Name  *gName   `parser:"'SEGMENT' @@ 'AS'"`
	Query *gSelect `parser:"( '(' @@ ')' | @@ )"`
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
	Format *gName `parser:"'EXPLAIN' ( '(' 'FORMAT' @@ ')' )?"`
	Stmt   gStmt  `parser:"@@"`
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
