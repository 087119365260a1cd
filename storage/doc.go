// Package storage reads and writes data files as Arrow record batches.
//
// Open streams CSV, JSON lines, Parquet and Arrow IPC files, one file or a
// glob of them, through a Reader whose batches all have one schema of
// engine types:
//
//	BIGINT     arrow.PrimitiveTypes.Int64     integers of any width
//	DOUBLE     arrow.PrimitiveTypes.Float64   floats and decimals
//	VARCHAR    arrow.BinaryTypes.String       strings, dictionaries of strings
//	BOOLEAN    arrow.FixedWidthTypes.Boolean
//	TIMESTAMP  TimestampType                  dates and timestamps, µs UTC
//	T[]        list of an engine type         JSON arrays, Parquet lists
//	STRUCT     struct of engine types         objects inside lists
//
// Normalize and NormalizeType perform that mapping for arrays that come
// from elsewhere, such as tables registered from Go.
//
// CSV and JSON types are inferred from a sample of rows (see ReadOptions):
// numbers, booleans, ISO 8601 / RFC 3339 timestamps and dates, and epoch
// seconds or milliseconds in columns named like timestamps (ts, time,
// created_at, ...). Nested JSON objects and Parquet/Arrow structs become
// dotted column names ("commerce.order.priceTotal"). Overrides fix a
// column's type by name.
//
// Write writes batches to any of the four formats atomically.
//
// Errors are *Error values that name the file and, for text formats, the
// line and column, as in
//
//	events.csv:1042: column "amount": cannot parse "abc" as DOUBLE (inferred from first 10000 rows; override with WITH (amount = 'VARCHAR'))
//
// and wrap the sentinels ErrMalformed, ErrUnsupportedFormat, ErrNoFiles and
// ErrEmptyFile for errors.Is. No input makes the package panic.
//
// Memory: every function takes the allocator to use. Batches returned by a
// Reader belong to the caller, who must Release them.
package storage
