package output

import (
	"fmt"
	"strings"
)

// Format is an output format.
type Format int

// The formats.
const (
	// Table is an aligned box-drawing table with a row-count footer,
	// meant for terminals.
	Table Format = iota
	// CSV is RFC 4180 CSV with a header row; NULL is an empty field,
	// timestamps are RFC 3339 and lists and structs are JSON.
	CSV
	// JSON is JSON lines: one object per row, keys in column order.
	JSON
	// Parquet is a Parquet file; it is binary and never written to a
	// terminal.
	Parquet
)

var formatNames = [...]string{Table: "table", CSV: "csv", JSON: "json", Parquet: "parquet"}

// String returns the format's name as ParseFormat accepts it.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat maps a name ("table", "csv", "json", "parquet", any case)
// to its Format.
func ParseFormat(name string) (Format, error) {
	for f, n := range formatNames {
		if strings.EqualFold(name, n) {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q (use table, csv, json or parquet)", name)
}
