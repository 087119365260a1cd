package storage

import (
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
)

// Defaults for ReadOptions fields left zero.
const (
	DefaultBatchSize  = 64 * 1024
	DefaultSampleRows = 10_000
)

// ReadOptions controls Open. The zero value reads any supported format with
// inferred types.
type ReadOptions struct {
	// Format of the files; FormatAuto decides per file from its extension,
	// then from its first bytes.
	Format Format
	// Types overrides the type of columns by name (dotted names for
	// flattened JSON and Parquet fields). Types are normalised with
	// NormalizeType, so arrow.PrimitiveTypes.Int32 means BIGINT. Text
	// converts to the override type by parsing, numbers to TIMESTAMP as
	// epoch seconds (or milliseconds above 1e11), anything to VARCHAR. An
	// override for a column that no file has is an error.
	Types map[string]arrow.DataType
	// TimestampColumns are read as TIMESTAMP, also accepting epoch seconds
	// and milliseconds; shorthand for Types[name] = TimestampType.
	TimestampColumns []string

	// Delimiter separates CSV fields. Zero means tab for .tsv files and
	// otherwise a guess from the first line among ',', '\t', ';' and '|'
	// (',' when the line has commas).
	Delimiter rune
	// NoHeader says the first CSV line is data; columns are then named
	// column_1, column_2, ...
	NoHeader bool
	// NullValues are the CSV texts read as NULL, replacing the default
	// "NULL", "null", "NA" and "N/A". An empty field is always NULL.
	NullValues []string

	// BatchSize is the number of rows per batch for CSV, JSON and Parquet
	// (Arrow IPC batches are returned as stored). Default DefaultBatchSize.
	BatchSize int
	// SampleRows is how many CSV or JSON rows of each file are read to infer
	// column types. Default DefaultSampleRows; a negative value reads the
	// whole file first.
	SampleRows int
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.SampleRows == 0 {
		o.SampleRows = DefaultSampleRows
	}
	if o.NullValues == nil {
		o.NullValues = []string{"NULL", "null", "NA", "N/A"}
	}
	return o
}

// sampleDone reports whether n sampled rows are enough.
func (o *ReadOptions) sampleDone(n int) bool {
	return o.SampleRows >= 0 && n >= o.SampleRows
}

// overrides holds the resolved type overrides of ReadOptions.
type overrides struct {
	types map[string]arrow.DataType
}

func newOverrides(opts *ReadOptions) (*overrides, error) {
	ov := &overrides{types: map[string]arrow.DataType{}}
	for name, dt := range opts.Types {
		if dt == nil {
			return nil, &Error{Column: name, Msg: "type override is nil"}
		}
		ov.types[name] = NormalizeType(dt)
	}
	for _, name := range opts.TimestampColumns {
		if dt, ok := ov.types[name]; ok && !arrow.TypeEqual(dt, TimestampType) {
			return nil, &Error{Column: name, Msg: "in TimestampColumns but overridden as " + sqlTypeName(dt)}
		}
		ov.types[name] = TimestampType
	}
	return ov, nil
}

// typeOf returns the override for a column, if any.
func (ov *overrides) typeOf(name string) (arrow.DataType, bool) {
	dt, ok := ov.types[name]
	return dt, ok
}

// allowEpoch reports whether numbers in a timestamp column named name are
// epoch times: when the type is forced, or the name looks temporal.
func (ov *overrides) allowEpoch(name string) bool {
	_, forced := ov.types[name]
	return forced || isTimeName(name)
}

// typeNote explains where a column's type came from, for error messages.
func (ov *overrides) typeNote(name string, sampled int) string {
	if _, forced := ov.types[name]; forced {
		return "(type set by override)"
	}
	return fmt.Sprintf("(inferred from first %d rows; override with WITH (%s = 'VARCHAR'))", sampled, quoteIdent(name))
}

func (ov *overrides) checkKnown(schema *arrow.Schema, pattern string) error {
	var unknown []string
	for name := range ov.types {
		if _, ok := schema.FieldsByName(name); !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return &Error{Path: pattern, Column: unknown[0], Msg: "type override names a column that no file has"}
}
