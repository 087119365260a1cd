package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/output"
)

const usage = `usage:
  cai [--db DIR] [--format table|csv|json|parquet]          start the prompt
  cai [--db DIR] [--format F] -c "statements"               run statements
  cai [--db DIR] [--format F] run script.cai [-v name=value ...]
  cai version
options: --as-of TIME  the session's AS OF: now() returns TIME ('2024-06-30',
                       '2024-06-30T12:00:00Z'; default: the wall clock)
`

// config is a parsed command line.
type config struct {
	db      string
	asOf    int64  // --as-of in microseconds; 0 = the wall clock
	format  string // "" = by terminal
	command string // -c text
	hasC    bool   // -c given
	script  string // cai run script
	vars    map[string]string
	version bool
	help    bool
	prompt  bool // no command: the prompt, or statements from stdin
}

// usageError is a bad command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// varsFlag collects -v name=value.
type varsFlag map[string]string

func (v varsFlag) String() string { return "" }

func (v varsFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || !validName(name) {
		return fmt.Errorf("want name=value, got %q", s)
	}
	v[name] = value
	return nil
}

// parseArgs parses the command line; flags may appear anywhere.
func parseArgs(args []string) (*config, error) {
	cfg := &config{vars: map[string]string{}}
	fs := flag.NewFlagSet("cai", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.db, "db", "", "")
	fs.StringVar(&cfg.format, "format", "", "")
	fs.Func("as-of", "", func(s string) error {
		us, err := expr.ParseTime(s)
		if err != nil {
			return err
		}
		if us == 0 {
			return fmt.Errorf("the epoch itself cannot be a session's AS OF")
		}
		cfg.asOf = us
		return nil
	})
	fs.Func("c", "", func(s string) error { cfg.command, cfg.hasC = s, true; return nil })
	fs.Var(varsFlag(cfg.vars), "v", "")
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				cfg.help = true
				return cfg, nil
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional, args = append(positional, args[0]), args[1:]
	}
	if cfg.format != "" {
		if _, err := output.ParseFormat(cfg.format); err != nil {
			return nil, usagef("--format: %v", err)
		}
	}
	return cfg, cfg.setMode(positional)
}

// setMode interprets the positional arguments.
func (cfg *config) setMode(pos []string) error {
	if cfg.hasC && len(pos) > 0 {
		return usagef("-c takes no command or file (got %q)", pos[0])
	}
	switch {
	case cfg.hasC:
	case len(pos) == 0:
		cfg.prompt = true
	case pos[0] == "version" && len(pos) == 1:
		cfg.version = true
	case pos[0] == "help" && len(pos) == 1:
		cfg.help = true
	case pos[0] == "run" && len(pos) == 2:
		cfg.script = pos[1]
	case pos[0] == "run":
		return usagef("cai run takes one script file")
	default:
		return usagef("unknown command %q", pos[0])
	}
	if len(cfg.vars) > 0 && (cfg.version || cfg.help) {
		return usagef("-v applies to scripts and -c")
	}
	return nil
}
