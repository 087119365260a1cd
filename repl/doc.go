// Package repl is cai's interactive prompt.
//
// [Run] reads statements at a `cai> ` prompt (`...> ` while a statement
// continues over several lines), with line editing, history kept in
// ~/.cai_history (or $CAI_HISTORY), tab completion of keywords,
// functions, tables, models, segments and columns, and backslash
// commands (\help, \timing, \d, \format, \chart, \q). Ctrl-C while a
// statement runs cancels that statement only; at the prompt it clears
// the line; Ctrl-D quits. Errors that have a position are drawn under
// the offending source line with a caret.
//
// The terminal is only wiring: a [Session] holds the state of a prompt
// and evaluates one input line at a time ([Session.Eval]), so that tests
// drive it without a terminal.
package repl
