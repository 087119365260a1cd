package ast

import (
	"strings"
	"unicode"
)

// reserved are the words that cannot be bare identifiers; see IsReserved.
var reserved = map[string]bool{
	"ALL": true, "AND": true, "AS": true, "BETWEEN": true, "CASE": true,
	"CAST": true, "CROSS": true, "DISTINCT": true, "ELSE": true, "END": true,
	"EXCEPT": true, "FALSE": true, "FROM": true, "FULL": true, "GROUP": true,
	"HAVING": true, "IN": true, "INNER": true, "INTERSECT": true, "IS": true,
	"JOIN": true, "LEFT": true, "LIKE": true, "LIMIT": true, "NATURAL": true,
	"NOT": true, "NULL": true, "OFFSET": true, "ON": true, "OR": true,
	"ORDER": true, "RIGHT": true, "SELECT": true, "THEN": true, "TRUE": true,
	"UNION": true, "WHEN": true, "WHERE": true, "WITH": true, "WITHIN": true,
}

// IsReserved reports whether word (in any case) is a reserved word of the
// language, one that must be "double-quoted" to be used as a name. Other
// keywords (DATE, TIMESTAMP, KEY, MODEL, DAYS, ...) are also valid bare
// identifiers wherever that is unambiguous.
func IsReserved(word string) bool { return reserved[strings.ToUpper(word)] }

// QuoteIdent renders a name as the language reads it back: bare when it
// is a plain word that is not reserved, else "double-quoted" with inner
// quotes doubled.
func QuoteIdent(name string) string {
	if isBareWord(name) && !IsReserved(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// isBareWord reports whether s lexes as one identifier token: a letter or
// underscore, then letters, digits and underscores.
func isBareWord(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsNumber(r)) {
			continue
		}
		return false
	}
	return true
}
