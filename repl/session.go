package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cai-dev/cai"
	"github.com/cai-dev/cai/engine"
	"github.com/cai-dev/cai/output"
	"github.com/cai-dev/cai/parser"
)

// The prompts.
const (
	Prompt         = "cai> "
	ContinuePrompt = "...> "
)

// Options configure a Session and Run.
type Options struct {
	// Format is the initial output format (\format changes it); Parquet
	// is not available at a prompt.
	Format output.Format
	// ChartWidth is the width of bar charts; 0 means 72.
	ChartWidth int
	// HistoryFile is where Run keeps the line history; "" means
	// $CAI_HISTORY, or ~/.cai_history when that is unset; "-" keeps no
	// history.
	HistoryFile string
	// Progress, when set, is cleared before anything is printed, so that
	// a progress line drawn on the same terminal does not garble output.
	Progress *output.Progress
	// Stdout and Stderr receive results and errors in Run; nil means
	// os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
}

// Session is the state of one prompt: the lines of a statement still
// being typed, the output format and the toggles. It is not safe for
// concurrent use.
type Session struct {
	db       *cai.DB
	format   output.Format
	timing   bool
	chart    bool
	width    int
	progress *output.Progress
	pending  string // lines of an unfinished statement
	now      func() time.Time

	// columns caches column names per table for completion; it is
	// dropped after every statement, which may have changed tables.
	columns map[string][]string
}

// NewSession starts a session on db.
func NewSession(db *cai.DB, opts Options) *Session {
	s := &Session{db: db, format: opts.Format, width: opts.ChartWidth, progress: opts.Progress, now: time.Now}
	if s.format == output.Parquet {
		s.format = output.Table
	}
	if s.width <= 0 {
		s.width = 72
	}
	return s
}

// Prompt returns the prompt to show: Prompt, or ContinuePrompt while a
// statement is unfinished.
func (s *Session) Prompt() string {
	if s.pending != "" {
		return ContinuePrompt
	}
	return Prompt
}

// Reset forgets the unfinished statement (Ctrl-C at the prompt).
func (s *Session) Reset() { s.pending = "" }

// Eval takes one input line. A line starting with a backslash is a
// command; other lines accumulate until they complete one or more
// statements (a ';' outside strings and comments), which then run in
// order, their results written to w. Text after the last ';' waits for
// the next line.
//
// A failing statement returns an *Error (print it with WriteError); the
// statements after it do not run. \q returns ErrQuit.
func (s *Session) Eval(ctx context.Context, w io.Writer, line string) error {
	if cmd := strings.TrimSpace(line); strings.HasPrefix(cmd, `\`) {
		return s.command(ctx, w, cmd)
	}
	if s.pending == "" && blank(line) {
		return nil
	}
	if s.pending != "" {
		s.pending += "\n"
	}
	s.pending += line
	if !parser.Complete(s.pending) {
		return nil
	}
	src, rest := splitComplete(s.pending)
	s.pending = rest
	if blank(rest) {
		s.pending = ""
	}
	return s.run(ctx, w, src)
}

// run executes src and prints each result as it comes.
func (s *Session) run(ctx context.Context, w io.Writer, src string) error {
	defer func() { s.columns = nil }()
	start := s.now()
	err := s.db.Engine().Run(ctx, "", src, nil, func(r *engine.Result) error {
		defer r.Release()
		s.progress.Clear()
		elapsed := s.now().Sub(start)
		if err := s.print(w, r); err != nil {
			return err
		}
		if s.timing {
			fmt.Fprintf(w, "Time: %.1f ms\n", float64(elapsed.Microseconds())/1000)
		}
		start = s.now()
		return nil
	})
	s.progress.Clear()
	if err != nil {
		return &Error{Src: src, Err: err}
	}
	return nil
}

// print writes a result in the session's format, and as a bar chart too
// when charts are on and the result has a natural one: a chart hint
// (EVALUATE ... BY DECILE), DESCRIBE, or one label and one number per row
// (a score distribution such as SELECT bucket, COUNT(*) ... GROUP BY 1).
func (s *Session) print(w io.Writer, r *engine.Result) error {
	if err := output.Write(w, s.format, r); err != nil {
		return err
	}
	if !s.chart || !r.HasRows() {
		return nil
	}
	var chart bytes.Buffer
	if err := output.Chart(&chart, r, s.width); err != nil {
		if errors.Is(err, output.ErrNothingToChart) {
			return nil
		}
		return err
	}
	fmt.Fprintln(w)
	_, err := w.Write(chart.Bytes())
	return err
}
