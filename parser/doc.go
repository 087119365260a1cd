// Package parser reads cai source text into the syntax tree of package
// ast.
//
// Parse takes a script of ';'-separated statements and returns one
// ast.Stmt per statement, every node positioned (file, line, column, byte
// offset) and every statement carrying its own source text. The language
// (docs/language.md) is SQL queries plus statements to load and export
// tables, to define, train, evaluate and score propensity models
// (PREDICT), and to save segments.
//
// # Pipeline
//
// The text is lexed once (lexer.go) and cut into statements at each ';'.
// Each statement's tokens go through a participle grammar (grammar.go),
// whose structs convert.go turns into ast nodes. The grammar structs never
// leave this package.
//
// # Names and keywords
//
// Keywords are case-insensitive. Only the words for which it matters are
// reserved (SELECT, FROM, WHERE, AND, JOIN, ...; see ast.IsReserved): any
// other keyword is also a name where that is unambiguous, so a column
// may be called date, timestamp, value, type, count, model, score or key.
// A reserved word, or a name with dots or spaces, is written
// "double-quoted": "commerce.order.priceTotal" is one name. Bare names
// keep the case they were written in; function names, types, formats and
// duration units are upper-cased, and bare WITH option keys lower-cased.
//
// # Positions
//
// A node's position is that of its first token, except that binary
// operators (a + b, a = b, a AND b), IS NULL, BETWEEN, IN and LIKE are
// positioned at their operator (at NOT for NOT IN and the like), which is
// where a caret under a type error belongs. ? placeholders are numbered
// 0, 1, 2, ... in order of appearance within each top-level statement.
//
// # Errors
//
// Every error is an *Error with the position of the offending token; it
// wraps ErrSyntax. A syntax error says what was found, what would have
// fitted there, and, for a misspelt keyword, what was probably meant:
//
//	script.cai:1:16: unexpected "FORM", expected FROM or AS (did you mean FROM?)
//
// What fits is found by probing the grammar with each candidate token
// (expect.go), so the list follows the grammar rather than a hand-kept
// table.
package parser
