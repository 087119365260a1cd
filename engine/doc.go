// Package engine runs cai statements: it parses, binds (package planner),
// executes (package exec) and, for PREDICT and friends, builds features
// and trains models (packages features and ml), reading and writing
// tables, models and segments through a catalog.
//
// The public embedding API at the module root is a thin layer over this
// package; the REPL and the command line use it too.
package engine
