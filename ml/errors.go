package ml

import "errors"

// Sentinel errors returned (wrapped, with counts in the message) by Train,
// the evaluation helpers and UnmarshalModel. Test for them with errors.Is.
var (
	// ErrEmpty reports a training or validation split with no rows.
	ErrEmpty = errors.New("ml: no rows")
	// ErrNoPositives reports a training split without a single positive label.
	ErrNoPositives = errors.New("ml: no positive labels")
	// ErrNoNegatives reports a training split without a single negative label.
	ErrNoNegatives = errors.New("ml: no negative labels")
	// ErrBadInput reports malformed input: a shape mismatch, a label that is
	// not 0 or 1, or an option outside its domain.
	ErrBadInput = errors.New("ml: bad input")
	// ErrBadModel reports model bytes that cannot be decoded: wrong magic,
	// unknown version, truncation or a checksum mismatch.
	ErrBadModel = errors.New("ml: bad model file")
)
