package parser

import "github.com/alecthomas/participle/v2/lexer"

// Grammar of SELECT items, FROM (tables and joins), ORDER BY and names.

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

func (*gCrossJoin) joinG() {}
func (*gOnJoin) joinG()    {}

func (*gPredictTable) tableG() {}
func (*gUnnest) tableG()       {}
func (*gSubquery) tableG()     {}
func (*gFileTable) tableG()    {}
func (*gTableName) tableG()    {}
