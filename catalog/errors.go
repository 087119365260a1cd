package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, to be matched with errors.Is.
var (
	// ErrNotFound is matched by every [*NotFoundError].
	ErrNotFound = errors.New("not found")
	// ErrExists is returned when putting an object whose name is taken and
	// replace is false.
	ErrExists = errors.New("already exists")
	// ErrLocked is returned by [Open] when another process holds DIR/LOCK.
	ErrLocked = errors.New("catalog directory is locked by another process")
	// ErrCorrupt is matched by every [*CorruptError].
	ErrCorrupt = errors.New("corrupt catalog file")
	// ErrClosed is returned by every method of a closed catalog.
	ErrClosed = errors.New("catalog is closed")
)

// NotFoundError reports an unknown name together with close matches.
type NotFoundError struct {
	Kind        string   // "table", "model" or "segment"
	Name        string   // the name as looked up
	Suggestions []string // close names of the same kind, best first
}

// Error renders the error, e.g. `unknown table "evnts" (did you mean "events"?)`.
func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.Kind, e.Name)
	if len(e.Suggestions) == 0 {
		return msg
	}
	quoted := make([]string, len(e.Suggestions))
	for i, s := range e.Suggestions {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return msg + " (did you mean " + strings.Join(quoted, " or ") + "?)"
}

// Unwrap makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// CorruptError reports a catalog file that cannot be decoded.
type CorruptError struct {
	Kind string // "table", "model" or "segment"
	Name string // object name (decoded from the file name if unreadable)
	Path string // the offending file
	Err  error  // what is wrong with it
}

// Error names the object and the file.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s %q: corrupt file %s: %v", e.Kind, e.Name, e.Path, e.Err)
}

// Unwrap makes errors.Is(err, ErrCorrupt) true and exposes the cause.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

func existsError(kind, name string) error {
	return fmt.Errorf("%s %q: %w", kind, name, ErrExists)
}
