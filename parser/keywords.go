package parser

import (
	"slices"

	"github.com/cai-dev/cai/parser/ast"
)

// keywordOrder is every keyword of the language, reserved or not, in the
// order error messages list them (roughly the order they appear in
// statements).
var keywordOrder = []string{
	// statements
	"SELECT", "CREATE", "COPY", "SHOW", "DESCRIBE", "DROP", "EXPLAIN",
	"PREDICT", "EVALUATE", "BACKTEST", "INSIGHTS", "REPORT", "REFRESH",
	// objects
	"OR", "REPLACE", "TABLE", "MODEL", "SEGMENT", "TABLES", "MODELS", "SEGMENTS",
	"IF", "NOT", "EXISTS",
	// queries
	"DISTINCT", "ALL", "FROM", "AS", "TO", "FORMAT", "WITH",
	"WHERE", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "NULLS", "FIRST", "LAST",
	"LIMIT", "OFFSET", "JOIN", "INNER", "LEFT", "OUTER", "CROSS", "ON",
	"UNNEST", "USING", "OF",
	// prediction
	"CHURN", "CONVERSION", "FOR", "EACH", "KEY", "IDENTITY", "TIMESTAMP", "EVENT", "TYPE",
	"GOAL", "WITHIN", "LOOKBACK", "FEATURES", "EXCLUDE", "DECILE",
	// expressions
	"AND", "IS", "NULL", "BETWEEN", "IN", "LIKE", "TRUE", "FALSE",
	"CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "DATE", "FILTER", "OVER",
	// duration units
	"SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS", "WEEK", "WEEKS",
	// reserved only to give clear errors for SQL that cai does not support
	"RIGHT", "FULL", "NATURAL", "UNION", "INTERSECT", "EXCEPT",
}

// isReserved reports whether word (any case) is a reserved word.
func isReserved(word string) bool { return ast.IsReserved(word) }

// Keywords lists the language keywords, upper-case and sorted, reserved or
// not. A REPL completes them; error messages suggest them.
func Keywords() []string {
	out := slices.Clone(keywordOrder)
	slices.Sort(out)
	return slices.Compact(out)
}

// durationUnits maps each accepted unit spelling to its normalised
// plural.
var durationUnits = map[string]string{
	"SECOND": "SECONDS", "SECONDS": "SECONDS",
	"MINUTE": "MINUTES", "MINUTES": "MINUTES",
	"HOUR": "HOURS", "HOURS": "HOURS",
	"DAY": "DAYS", "DAYS": "DAYS",
	"WEEK": "WEEKS", "WEEKS": "WEEKS",
}
