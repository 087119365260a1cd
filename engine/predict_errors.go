package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cai-dev/cai/expr"
)

// Data sufficiency error kinds, for errors.Is.
var (
	ErrNoPopulation      = errors.New("no eligible profiles")
	ErrNotEnoughData     = errors.New("not enough examples")
	ErrNotEnoughHistory  = errors.New("not enough history")
	ErrGoalNeverOccurs   = errors.New("goal never occurs")
	ErrGoalAlwaysOccurs  = errors.New("goal always occurs")
	ErrAmbiguousRole     = errors.New("ambiguous column role")
	ErrOutcomeIncomplete = errors.New("outcome window not complete")
)

// SnapshotCount is the label balance at one training cutoff.
type SnapshotCount struct {
	Cutoff    int64 `json:"cutoff"`
	Eligible  int   `json:"eligible"`
	Positives int   `json:"positives"`
	Negatives int   `json:"negatives"`
}

func (c SnapshotCount) String() string {
	return fmt.Sprintf("%s: %d eligible, %d positive, %d negative", expr.FormatTime(c.Cutoff), c.Eligible, c.Positives, c.Negatives)
}

// DataError explains why a model cannot be trained on the data, with the
// counts per snapshot and a concrete remedy.
type DataError struct {
	Kind   error
	Counts []SnapshotCount
	Detail string
	Remedy string
}

func (e *DataError) Error() string {
	var sb strings.Builder
	sb.WriteString(e.Kind.Error())
	if e.Detail != "" {
		sb.WriteString(": " + e.Detail)
	}
	for _, c := range e.Counts {
		sb.WriteString("\n  snapshot " + c.String())
	}
	if e.Remedy != "" {
		sb.WriteString("\n  remedy: " + e.Remedy)
	}
	return sb.String()
}

// Unwrap returns the kind.
func (e *DataError) Unwrap() error { return e.Kind }
