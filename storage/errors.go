package storage

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// Sentinel errors. Errors returned by this package wrap one of these where it
// applies, so callers can test for them with errors.Is.
var (
	// ErrMalformed reports input that does not follow its format: bad CSV
	// quoting, a wrong field count, invalid JSON, a corrupt Parquet or Arrow
	// file, or a value that does not fit its column's type.
	ErrMalformed = errors.New("malformed input")
	// ErrUnsupportedFormat reports a file format or extension this package
	// cannot read or write.
	ErrUnsupportedFormat = errors.New("unsupported format")
	// ErrNoFiles reports a glob pattern that matched no files.
	ErrNoFiles = errors.New("no files match")
	// ErrEmptyFile reports an input file with no content at all (not even a
	// CSV header).
	ErrEmptyFile = errors.New("empty file")
)

// Error describes a failure tied to a place in an input or output file.
// It renders as "path:line: column "c": msg", leaving out the parts that are
// unknown; without a Msg, the text of Err stands in for it. Err, when set,
// is the underlying cause or one of the sentinel errors above; it is
// reachable through errors.Is and errors.As.
type Error struct {
	Path   string // file the error is about; empty if none
	Line   int    // 1-based line for CSV and JSON; 0 if not applicable
	Column string // column name; empty if not applicable
	Msg    string // human-readable description
	Err    error  // cause or sentinel; may be nil
}

// Error implements the error interface.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Column != "" {
		b.WriteString("column ")
		b.WriteString(strconv.Quote(e.Column))
		b.WriteString(": ")
	}
	switch {
	case e.Msg != "":
		b.WriteString(e.Msg)
	case e.Err != nil:
		b.WriteString(describe(e.Err))
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// describe renders err without repeating the path an *fs.PathError holds.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err != nil {
		return pe.Err.Error()
	}
	return err.Error()
}

// malformed returns an *Error for path and line wrapping ErrMalformed.
func malformed(path string, line int, msg string) *Error {
	return &Error{Path: path, Line: line, Msg: msg, Err: ErrMalformed}
}

// withPath fills in the path of err when it is an *Error without one, and
// wraps any other error in an *Error for path.
func withPath(path string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Path == "" {
			e.Path = path
		}
		return err
	}
	return &Error{Path: path, Err: err}
}
