package ml

import "fmt"

// Kind tells the preprocessor how a column's values are distributed, which
// decides its transform before standardisation.
type Kind int

const (
	// KindNumeric is a plain numeric column, standardised as is.
	KindNumeric Kind = iota
	// KindCount is a heavy-tailed non-negative count (events in a window).
	KindCount
	// KindAmount is a heavy-tailed money or value column.
	KindAmount
	// KindDays is a heavy-tailed non-negative gap in days.
	KindDays
	// KindBinary is a 0/1 column, including one-hot encoded categories.
	KindBinary
)

// String returns the kind's lower-case name.
func (k Kind) String() string {
	switch k {
	case KindNumeric:
		return "numeric"
	case KindCount:
		return "count"
	case KindAmount:
		return "amount"
	case KindDays:
		return "days"
	case KindBinary:
		return "binary"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// heavyTailed reports whether the kind is log-transformed before
// standardisation.
func (k Kind) heavyTailed() bool { return k == KindCount || k == KindAmount || k == KindDays }

// Column describes one input column of the feature matrix.
type Column struct {
	// Name identifies the column (for example "purchase_count_30d").
	Name string
	// Kind selects the preprocessing transform.
	Kind Kind
	// Group is the human factor the column rolls up to: all one-hot columns
	// of "country" share Group "country". Empty means the column's Name.
	Group string
}

// checkColumns validates the column specs.
func checkColumns(cols []Column) error {
	if len(cols) == 0 {
		return fmt.Errorf("%w: no input columns", ErrBadInput)
	}
	for i, c := range cols {
		if c.Kind < KindNumeric || c.Kind > KindBinary {
			return fmt.Errorf("%w: column %d (%q) has unknown kind %d", ErrBadInput, i, c.Name, int(c.Kind))
		}
	}
	return nil
}
