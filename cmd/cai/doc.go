// Command cai is the cai command line: an interactive prompt, a script
// runner and a one-shot statement runner for cai, the SQL-first customer
// propensity engine.
//
// Usage:
//
//	cai [--db DIR] [--format F]                     # the prompt (REPL)
//	cai [--db DIR] [--format F] -c "statements"     # run statements
//	cai [--db DIR] [--format F] run script.cai [-v name=value ...]
//	cai version
//
// Flags may come before or after the command and its file:
//
//	--db DIR       keep tables, models and segments in DIR (default: in memory)
//	--format F     table, csv, json or parquet; default table when standard
//	               output is a terminal, csv otherwise. parquet writes one
//	               Parquet file to standard output, which must not be a
//	               terminal, and allows one statement that returns rows.
//	-c TEXT        run the statements in TEXT
//	-v name=value  set a script variable (may repeat)
//
// Each statement that returns rows prints them to standard output, in
// order. The messages of other statements ("created table t (10 rows,
// 3 columns)") go to standard output on a terminal and to standard error
// otherwise, so that redirected output holds only rows.
//
// # Variables
//
// Before a script (cai run) or -c text is parsed, every ${name} in it,
// where name is a letter or underscore followed by letters, digits and
// underscores, is replaced by the value given with -v name=value. The
// value is inserted as is, anywhere (inside strings and comments too), so
// quote it in the script where a string is meant:
//
//	-- report.cai
//	CREATE TABLE events FROM '${dir}/events.parquet';
//	SELECT COUNT(*) FROM events WHERE ts >= '${since}';
//
//	cai run report.cai -v dir=data -v since=2024-01-01
//
// A ${name} without a value is an error; write $${name} for a literal
// ${name}. Error positions refer to the text after replacement, which
// keeps line numbers unless a value spans lines.
//
// Without -c or a command, and with a terminal on both standard input and
// output, cai starts the prompt (see package repl); otherwise it reads
// statements from standard input and runs them like a script.
//
// # Exit status
//
// 0 when every statement succeeds; 1 when a statement fails (the message,
// "script.cai:3:8: unknown column ...", goes to standard error and later
// statements do not run); 2 for a usage error (unknown flag or command,
// bad format, missing script or variable); 3 for an internal error; 130
// when interrupted with Ctrl-C, which cancels the running statement.
//
// On a terminal, long steps (loading, feature building, training) draw a
// progress line on standard error; otherwise cai is quiet.
package main
