package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"

	"github.com/peterh/liner"

	"github.com/cai-dev/cai"
)

// Run reads and runs statements at a prompt on the terminal until \q or
// Ctrl-D. Results go to opts.Stdout and errors to opts.Stderr.
func Run(db *cai.DB, opts Options) error {
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	s := NewSession(db, opts)
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(s.Complete)
	history := historyFile(opts.HistoryFile)
	loadHistory(ln, history)
	defer saveHistory(ln, history, stderr)

	intr := newInterrupter()
	defer intr.stop()

	fmt.Fprintln(stdout, `cai: enter statements ending in ';', \help for help, \q to quit.`)
	for {
		line, err := ln.Prompt(s.Prompt())
		switch {
		case errors.Is(err, liner.ErrPromptAborted):
			s.Reset()
			continue
		case errors.Is(err, io.EOF):
			fmt.Fprintln(stdout)
			return nil
		case err != nil:
			return err
		}
		if strings.TrimSpace(line) != "" {
			ln.AppendHistory(line)
		}
		err = intr.eval(s, stdout, line)
		if errors.Is(err, ErrQuit) {
			return nil
		}
		if err != nil {
			WriteError(stderr, err)
		}
	}
}

// interrupter turns Ctrl-C (SIGINT) into the cancellation of the
// running statement, and ignores it otherwise. Liner reads Ctrl-C itself
// at a prompt on a capable terminal, and turns the terminal's signals
// back on between prompts, when a statement runs; on a terminal too
// narrow or simple for line editing, Ctrl-C at the prompt arrives here
// too, and is ignored rather than ending the program.
type interrupter struct {
	sig    chan os.Signal
	done   chan struct{}
	mu     sync.Mutex
	cancel context.CancelFunc // of the running statement; nil at the prompt
}

func newInterrupter() *interrupter {
	in := &interrupter{sig: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(in.sig, os.Interrupt)
	go func() {
		for {
			select {
			case <-in.sig:
				in.mu.Lock()
				if in.cancel != nil {
					in.cancel()
				}
				in.mu.Unlock()
			case <-in.done:
				return
			}
		}
	}()
	return in
}

// eval evaluates a line, cancelled by Ctrl-C.
func (in *interrupter) eval(s *Session, w io.Writer, line string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in.mu.Lock()
	in.cancel = cancel
	in.mu.Unlock()
	defer func() {
		in.mu.Lock()
		in.cancel = nil
		in.mu.Unlock()
	}()
	return s.Eval(ctx, w, line)
}

func (in *interrupter) stop() {
	signal.Stop(in.sig)
	close(in.done)
}

// historyFile resolves where history is kept: name, else $CAI_HISTORY,
// else ~/.cai_history; "" when there is none ("-" or no home).
func historyFile(name string) string {
	if name == "" {
		name = os.Getenv("CAI_HISTORY")
	}
	if name == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		name = filepath.Join(home, ".cai_history")
	}
	if name == "-" {
		return ""
	}
	return name
}

func loadHistory(ln *liner.State, path string) {
	if path == "" {
		return
	}
	if f, err := os.Open(path); err == nil {
		ln.ReadHistory(f)
		f.Close()
	}
}

func saveHistory(ln *liner.State, path string, stderr io.Writer) {
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		_, err = ln.WriteHistory(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "cai: cannot save history: %v\n", err)
	}
}
