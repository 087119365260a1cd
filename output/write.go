package output

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cai-dev/cai/engine"
)

// ErrTerminal is returned when binary output (Parquet) would go to a
// terminal.
var ErrTerminal = errors.New("refusing to write binary output to a terminal")

// Write writes one result to w in format. A result without rows writes
// its message on one line (nothing for Parquet, which has no room for
// one). Write does not release r.
func Write(w io.Writer, format Format, r *engine.Result) error {
	switch format {
	case Table:
		return WriteTable(w, r, TableOptions{})
	case CSV:
		return writeCSV(w, r)
	case JSON:
		return writeJSON(w, r)
	case Parquet:
		if IsTerminal(w) {
			return ErrTerminal
		}
		if !r.HasRows() {
			return nil
		}
		return writeParquet(w, r)
	}
	return fmt.Errorf("unknown output format %v", format)
}

// writeMessage writes the message of a result without rows.
func writeMessage(w io.Writer, r *engine.Result) error {
	if r.Message == "" {
		return nil
	}
	_, err := fmt.Fprintln(w, escapeControls(r.Message))
	return err
}

// IsTerminal reports whether w is a character device such as a terminal.
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
