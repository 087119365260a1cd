// Package planner binds parsed statements against a catalog and builds
// logical plans: trees of immutable nodes whose expressions are resolved
// to column indexes and typed (package expr).
//
// The planner knows nothing of the parser's grammar structs (it reads
// package ast) and nothing of execution (package exec turns plans into
// operators). Errors carry the position of the node that caused them.
package planner
