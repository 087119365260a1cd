package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/cai-dev/cai"
	"github.com/cai-dev/cai/engine"
	"github.com/cai-dev/cai/output"
	"github.com/cai-dev/cai/repl"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build information is used.
var version = ""

// Exit statuses.
const (
	exitOK       = 0
	exitError    = 1 // a statement failed
	exitUsage    = 2
	exitInternal = 3
	exitCanceled = 130 // 128 + SIGINT
)

func main() {
	tuneMemory()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command: it parses args, runs what they ask for and
// returns the exit status. It never panics.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "cai: internal error: %v\n%s", r, debug.Stack())
			status = exitInternal
		}
	}()
	cfg, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "cai: %v\n%s", err, usage)
		return exitUsage
	}
	switch {
	case cfg.help:
		fmt.Fprint(stdout, usage)
		return exitOK
	case cfg.version:
		fmt.Fprintln(stdout, "cai", versionString())
		return exitOK
	}
	format, err := chooseFormat(cfg, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "cai: %v\n", err)
		return exitUsage
	}
	var progress *output.Progress
	opts := cai.Options{Dir: cfg.db}
	if cfg.asOf != 0 {
		opts.AsOf = time.UnixMicro(cfg.asOf).UTC()
	}
	if output.IsTerminal(stderr) {
		progress = output.NewProgress(stderr, terminalWidth())
		opts.Progress = progress.Update
	}
	db, err := cai.Open(opts)
	if err != nil {
		fmt.Fprintf(stderr, "cai: %v\n", err)
		return exitError
	}
	defer func() {
		if err := db.Close(); err != nil {
			fmt.Fprintf(stderr, "cai: %v\n", err)
			if status == exitOK {
				status = exitError
			}
		}
	}()
	if cfg.prompt && output.IsTerminal(stdin) && output.IsTerminal(stdout) {
		if format == output.Parquet {
			fmt.Fprintln(stderr, "cai: --format parquet is not available at the prompt")
			return exitUsage
		}
		err := repl.Run(db, repl.Options{Format: format, Progress: progress, Stdout: stdout, Stderr: stderr})
		if err != nil {
			fmt.Fprintf(stderr, "cai: %v\n", err)
			return exitError
		}
		return exitOK
	}
	file, src, err := source(cfg, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "cai: %v\n", err)
		return exitUsage
	}
	p := &printer{format: format, stdout: stdout, messages: stderr, progress: progress}
	if output.IsTerminal(stdout) {
		p.messages = stdout
	}
	return runStatements(db, file, src, p, stderr)
}

// chooseFormat returns the --format, or the default: a table on a
// terminal, CSV otherwise.
func chooseFormat(cfg *config, stdout io.Writer) (output.Format, error) {
	if cfg.format == "" {
		if output.IsTerminal(stdout) {
			return output.Table, nil
		}
		return output.CSV, nil
	}
	f, err := output.ParseFormat(cfg.format)
	if err == nil && f == output.Parquet && output.IsTerminal(stdout) {
		err = errors.New("--format parquet writes binary data: redirect standard output to a file")
	}
	return f, err
}

// source returns the statements to run and the file name their
// positions name, with variables substituted.
func source(cfg *config, stdin io.Reader) (file, src string, err error) {
	switch {
	case cfg.hasC:
		src = cfg.command
	case cfg.script != "":
		file = cfg.script
		b, err := os.ReadFile(cfg.script)
		if err != nil {
			return "", "", err
		}
		src = string(b)
	default:
		file = "stdin"
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", "", err
		}
		src = string(b)
	}
	src, err = substitute(file, src, cfg.vars)
	return file, src, err
}

// runStatements runs src, printing results as they come, and returns
// the exit status. Ctrl-C cancels the running statement; a second one
// ends the program.
func runStatements(db *cai.DB, file, src string, p *printer, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := db.Engine().Run(ctx, file, src, nil, p.print)
	p.progress.Clear()
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil || errors.Is(err, engine.ErrCanceled) || errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "canceled")
		return exitCanceled
	}
	fmt.Fprintln(stderr, err)
	return exitError
}

// printer prints each statement's result.
type printer struct {
	format   output.Format
	stdout   io.Writer
	messages io.Writer // where messages of statements without rows go
	progress *output.Progress
	tables   int // results with rows printed so far
}

// errParquetOne stops a run whose second statement returns rows under
// --format parquet, which holds one result.
var errParquetOne = errors.New("--format parquet writes one result, but a second statement returns rows")

func (p *printer) print(r *engine.Result) error {
	defer r.Release()
	p.progress.Clear()
	if !r.HasRows() {
		if r.Message != "" {
			fmt.Fprintln(p.messages, r.Message)
		}
		return nil
	}
	switch {
	case p.tables > 0 && p.format == output.Parquet:
		return errParquetOne
	case p.tables > 0 && p.format == output.Table:
		fmt.Fprintln(p.stdout)
	}
	p.tables++
	return output.Write(p.stdout, p.format, r)
}

// versionString is the version set at build time, the module's version,
// or "devel".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// terminalWidth is $COLUMNS, or 80.
func terminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}
