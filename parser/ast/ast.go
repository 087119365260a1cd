// Package ast declares the syntax tree of the cai language.
//
// Every node knows where it came from (Pos). Statements, expressions and
// table expressions are interfaces sealed by unexported marker methods, in
// the manner of go/ast. The parser produces these nodes; the planner binds
// them against a catalog. Nothing here knows about participle or Arrow.
package ast

import "fmt"

// Pos is a position in the source: file name (may be empty), 1-based line
// and column, and 0-based byte offset.
type Pos struct {
	File   string
	Line   int
	Col    int
	Offset int
}

// String renders "file:line:col", or "line:col" without a file name.
func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Node is any syntax tree node.
type Node interface {
	Pos() Pos
}

// Stmt is a statement.
type Stmt interface {
	Node
	// Source is the statement's own text, without the closing semicolon.
	Source() string
	stmtNode()
}

// Expr is a scalar expression.
type Expr interface {
	Node
	exprNode()
}

// TableExpr is something that yields rows in a FROM clause.
type TableExpr interface {
	Node
	tableNode()
}

// StmtBase holds what every statement carries: its position and text.
type StmtBase struct {
	At   Pos
	Text string
}

// Pos returns the position of the statement's first token.
func (s *StmtBase) Pos() Pos { return s.At }

// Source returns the statement's text.
func (s *StmtBase) Source() string { return s.Text }
func (*StmtBase) stmtNode()        {}

// Option is one key = value pair in WITH (...).
type Option struct {
	At    Pos
	Key   string
	Value Expr // a literal: string, number, boolean, or duration
}

// Duration is a length of time such as 30 DAYS. Unit is one of
// "SECONDS", "MINUTES", "HOURS", "DAYS", "WEEKS" (singular forms are
// accepted by the parser and normalised to plural).
type Duration struct {
	At   Pos
	N    int64
	Unit string
}

// Pos returns the position of the number.
func (d *Duration) Pos() Pos { return d.At }
func (*Duration) exprNode()  {}

// ---- Table statements ----

// CreateTable is CREATE [OR REPLACE] TABLE name FROM 'path' [FORMAT f]
// [WITH (...)], or CREATE [OR REPLACE] TABLE name AS <query>, where the
// query is a *Select, *Predict or *PredictUsing.
type CreateTable struct {
	StmtBase
	Name        string
	OrReplace   bool
	IfNotExists bool
	From        *FileSource // set for FROM 'path'
	As          Stmt        // set for AS <query>
}

// FileSource is a path (possibly a glob) with an optional explicit format
// and options.
type FileSource struct {
	At      Pos
	Path    string
	Format  string // "" = from the extension; else upper-cased: CSV, JSON, PARQUET, ARROW
	Options []Option
}

// Copy is COPY (query) TO 'path' or COPY name TO 'path', with optional
// FORMAT and WITH options.
type Copy struct {
	StmtBase
	Query   Stmt   // *Select, *Predict or *PredictUsing; nil when Table is set
	Table   string // table or segment name
	Path    string
	Format  string
	Options []Option
}

// Show is SHOW TABLES | MODELS | SEGMENTS.
type Show struct {
	StmtBase
	What string // "TABLES", "MODELS", "SEGMENTS"
}

// Describe is DESCRIBE [TABLE|MODEL|SEGMENT] name.
type Describe struct {
	StmtBase
	Kind string // "", "TABLE", "MODEL", "SEGMENT"
	Name string
}

// Drop is DROP TABLE|MODEL|SEGMENT [IF EXISTS] name.
type Drop struct {
	StmtBase
	Kind     string // "TABLE", "MODEL", "SEGMENT"
	Name     string
	IfExists bool
}

// Explain is EXPLAIN [(FORMAT TEXT|SQL)] <statement>.
type Explain struct {
	StmtBase
	Format string // "" (as TEXT), ExplainText or ExplainSQL
	Stmt   Stmt
}

// The formats of EXPLAIN (FORMAT x).
const (
	ExplainText = "TEXT" // the plan as a tree
	ExplainSQL  = "SQL"  // a PREDICT's feature plan as one SQL query
)

// ---- Queries ----

// Select is a SELECT query. It is also a statement on its own.
type Select struct {
	StmtBase
	Distinct bool
	Items    []*SelectItem
	From     TableExpr // nil for SELECT without FROM
	Where    Expr
	GroupBy  []Expr
	Having   Expr
	OrderBy  []*OrderItem
	Limit    Expr
	Offset   Expr
}

// SelectItem is one output of a SELECT: an expression with an optional
// alias, or a star (*, or t.*).
type SelectItem struct {
	At        Pos
	Star      bool
	StarTable string // for t.*
	Expr      Expr
	Alias     string
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	At         Pos
	Expr       Expr
	Desc       bool
	NullsFirst *bool // nil = default (NULLS LAST for ASC, FIRST for DESC)
}

// TableName is a catalog table (or segment) in FROM.
type TableName struct {
	At    Pos
	Name  string
	Alias string
}

// FileTable is a file read directly in FROM: FROM 'data/*.parquet'.
type FileTable struct {
	At    Pos
	Path  string
	Alias string
}

// Subquery is (SELECT ...) AS alias in FROM.
type Subquery struct {
	At    Pos
	Query Stmt // *Select, *Predict or *PredictUsing
	Alias string
}

// PredictTable is PREDICT(model [, AS OF expr]) in FROM: the scores of a
// saved model.
type PredictTable struct {
	At    Pos
	Model string
	AsOf  Expr
	Alias string
}

// Unnest is UNNEST(expr) [AS alias] in FROM, one row per list element;
// usually the right side of a comma or CROSS JOIN.
type Unnest struct {
	At    Pos
	Expr  Expr
	Alias string
}

// Join joins two table expressions. Kind is "INNER", "LEFT" or "CROSS"
// (a comma in FROM is a CROSS join). On is nil for CROSS.
type Join struct {
	At    Pos
	Kind  string
	Left  TableExpr
	Right TableExpr
	On    Expr
}

func (t *TableName) Pos() Pos    { return t.At }
func (t *FileTable) Pos() Pos    { return t.At }
func (t *Subquery) Pos() Pos     { return t.At }
func (t *PredictTable) Pos() Pos { return t.At }
func (t *Unnest) Pos() Pos       { return t.At }
func (t *Join) Pos() Pos         { return t.At }
func (*TableName) tableNode()    {}
func (*FileTable) tableNode()    {}
func (*Subquery) tableNode()     {}
func (*PredictTable) tableNode() {}
func (*Unnest) tableNode()       {}
func (*Join) tableNode()         {}

// ---- Expressions ----

// Ident is a column reference, possibly qualified: Parts is ["t", "col"]
// for t.col. A double-quoted name is one part even if it holds dots:
// "commerce.order.priceTotal" is Parts{"commerce.order.priceTotal"}.
type Ident struct {
	At    Pos
	Parts []string
}

// NumberLit is a numeric literal as written; IsInt when it has no '.' or
// exponent.
type NumberLit struct {
	At    Pos
	Text  string
	IsInt bool
}

// StringLit is a 'single-quoted' string with quotes removed and ”
// unescaped.
type StringLit struct {
	At    Pos
	Value string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	At    Pos
	Value bool
}

// NullLit is NULL.
type NullLit struct{ At Pos }

// Param is a ? placeholder; Index counts from 0 in order of appearance in
// the statement.
type Param struct {
	At    Pos
	Index int
}

// Unary is -x or NOT x. Op is "-" or "NOT".
type Unary struct {
	At Pos
	Op string
	X  Expr
}

// Binary is a binary operation. Op is one of + - * / % || = <> < <= > >=
// AND OR ("!=" is normalised to "<>").
type Binary struct {
	At Pos
	Op string
	L  Expr
	R  Expr
}

// Between is x [NOT] BETWEEN lo AND hi.
type Between struct {
	At     Pos
	X      Expr
	Lo, Hi Expr
	Not    bool
}

// In is x [NOT] IN (list).
type In struct {
	At   Pos
	X    Expr
	List []Expr
	Not  bool
}

// Like is x [NOT] LIKE pattern.
type Like struct {
	At      Pos
	X       Expr
	Pattern Expr
	Not     bool
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	At  Pos
	X   Expr
	Not bool
}

// When is one WHEN cond THEN result arm of a CASE.
type When struct {
	At     Pos
	Cond   Expr
	Result Expr
}

// Case is CASE [operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	At      Pos
	Operand Expr // nil for a searched CASE
	Whens   []*When
	Else    Expr
}

// Cast is CAST(x AS type); also produced for typed literals such as
// TIMESTAMP '2024-01-01'. Type is upper-cased: BIGINT, INTEGER, DOUBLE,
// VARCHAR, BOOLEAN, TIMESTAMP, DATE, ...
type Cast struct {
	At   Pos
	X    Expr
	Type string
}

// Call is a function or aggregate call: name(args), COUNT(*),
// COUNT(DISTINCT x), with optional FILTER (WHERE cond) and, inside
// FEATURES (...) of a PREDICT, OVER n DAYS. Name is upper-cased.
type Call struct {
	At       Pos
	Name     string
	Args     []Expr
	Star     bool
	Distinct bool
	Filter   Expr
	Over     *Duration
}

func (e *Ident) Pos() Pos     { return e.At }
func (e *NumberLit) Pos() Pos { return e.At }
func (e *StringLit) Pos() Pos { return e.At }
func (e *BoolLit) Pos() Pos   { return e.At }
func (e *NullLit) Pos() Pos   { return e.At }
func (e *Param) Pos() Pos     { return e.At }
func (e *Unary) Pos() Pos     { return e.At }
func (e *Binary) Pos() Pos    { return e.At }
func (e *Between) Pos() Pos   { return e.At }
func (e *In) Pos() Pos        { return e.At }
func (e *Like) Pos() Pos      { return e.At }
func (e *IsNull) Pos() Pos    { return e.At }
func (e *Case) Pos() Pos      { return e.At }
func (e *Cast) Pos() Pos      { return e.At }
func (e *Call) Pos() Pos      { return e.At }
func (*Ident) exprNode()      {}
func (*NumberLit) exprNode()  {}
func (*StringLit) exprNode()  {}
func (*BoolLit) exprNode()    {}
func (*NullLit) exprNode()    {}
func (*Param) exprNode()      {}
func (*Unary) exprNode()      {}
func (*Binary) exprNode()     {}
func (*Between) exprNode()    {}
func (*In) exprNode()         {}
func (*Like) exprNode()       {}
func (*IsNull) exprNode()     {}
func (*Case) exprNode()       {}
func (*Cast) exprNode()       {}
func (*Call) exprNode()       {}

// ---- Prediction ----

// PredictSpec is the body shared by CREATE MODEL ... AS PREDICT and the
// one-shot PREDICT.
type PredictSpec struct {
	At         Pos
	Kind       string // "CHURN" or "CONVERSION"
	Profiles   string // FOR profiles (a table); "" with FOR EACH
	ProfileKey string // KEY col of the profile table, optional
	ForEach    string // FOR EACH col (events only)
	Events     string // FROM events
	Identity   string // IDENTITY col, optional
	Timestamp  string // TIMESTAMP col, optional
	EventType  string // EVENT TYPE col, optional (extension)
	Goal       Expr
	Within     *Duration
	Lookback   *Duration // nil = default
	Where      Expr
	Having     Expr
	Features   []*SelectItem // each with Alias; Call.Over set for windows
	Exclude    []string
	AsOf       Expr
	With       []Option
}

// CreateModel is CREATE [OR REPLACE] MODEL name AS PREDICT ....
type CreateModel struct {
	StmtBase
	Name      string
	OrReplace bool
	Spec      *PredictSpec
}

// Predict is the one-shot PREDICT ...: train, then return scores.
type Predict struct {
	StmtBase
	Spec *PredictSpec
}

// PredictUsing is PREDICT USING model [AS OF expr] [WHERE cond].
type PredictUsing struct {
	StmtBase
	Model string
	AsOf  Expr
	Where Expr
}

// Evaluate is EVALUATE model [BY DECILE].
type Evaluate struct {
	StmtBase
	Model    string
	ByDecile bool
}

// Backtest is BACKTEST model AS OF expr.
type Backtest struct {
	StmtBase
	Model string
	AsOf  Expr
}

// Insights is INSIGHTS model.
type Insights struct {
	StmtBase
	Model string
}

// Report is REPORT model TO 'path'.
type Report struct {
	StmtBase
	Model string
	Path  string
}

// ---- Segments ----

// CreateSegment is CREATE [OR REPLACE] SEGMENT name AS SELECT ....
type CreateSegment struct {
	StmtBase
	Name      string
	OrReplace bool
	Query     *Select
}

// RefreshSegment is REFRESH SEGMENT name.
type RefreshSegment struct {
	StmtBase
	Name string
}
