package storage

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Format is a file format.
type Format int

// The supported formats.
const (
	// FormatAuto picks the format from the file extension, falling back to
	// the file's leading bytes when the extension is not recognised.
	FormatAuto Format = iota
	// CSV is comma- (or tab-) separated text with a header row.
	CSV
	// JSON is JSON lines: one JSON object per line.
	JSON
	// Parquet is Apache Parquet.
	Parquet
	// Arrow is the Arrow IPC file format ("Feather v2"); the reader also
	// accepts the IPC stream format.
	Arrow
)

// String returns the format's lower-case name, as accepted by ParseFormat.
func (f Format) String() string {
	switch f {
	case FormatAuto:
		return "auto"
	case CSV:
		return "csv"
	case JSON:
		return "json"
	case Parquet:
		return "parquet"
	case Arrow:
		return "arrow"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat maps a format name ("csv", "tsv", "json", "jsonl", "ndjson",
// "parquet", "arrow", "ipc", "feather" or "auto"; case-insensitive) to a
// Format. Unknown names give an error wrapping ErrUnsupportedFormat.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "auto", "":
		return FormatAuto, nil
	case "csv", "tsv":
		return CSV, nil
	case "json", "jsonl", "ndjson":
		return JSON, nil
	case "parquet":
		return Parquet, nil
	case "arrow", "ipc", "feather":
		return Arrow, nil
	}
	return FormatAuto, fmt.Errorf("%w %q (want csv, json, parquet or arrow)", ErrUnsupportedFormat, name)
}

// FormatFromPath returns the format implied by the extension of path:
// .csv and .tsv are CSV; .json, .jsonl and .ndjson are JSON lines; .parquet
// and .pq are Parquet; .arrow, .arrows, .ipc and .feather are Arrow IPC. CSV and
// JSON names may end in .gz (gzip-compressed files are read transparently).
// Other extensions give an error wrapping ErrUnsupportedFormat.
func FormatFromPath(path string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	gz := ext == ".gz"
	if gz {
		ext = strings.ToLower(filepath.Ext(strings.TrimSuffix(path, filepath.Ext(path))))
	}
	switch ext {
	case ".csv", ".tsv":
		return CSV, nil
	case ".json", ".jsonl", ".ndjson":
		return JSON, nil
	}
	if gz {
		return FormatAuto, fmt.Errorf("%w: only CSV and JSON files can be gzipped (%q)", ErrUnsupportedFormat, path)
	}
	switch ext {
	case ".parquet", ".pq":
		return Parquet, nil
	case ".arrow", ".arrows", ".ipc", ".feather":
		return Arrow, nil
	}
	return FormatAuto, fmt.Errorf("%w: cannot tell the format of %q from its extension", ErrUnsupportedFormat, path)
}

// sniffFormat guesses a format from the first bytes of a file.
func sniffFormat(head []byte) (Format, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return Parquet, true
	case bytes.HasPrefix(head, arrowMagic), bytes.HasPrefix(head, []byte{0xff, 0xff, 0xff, 0xff}):
		return Arrow, true
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return FormatAuto, false // compressed text of unknown kind
	}
	text := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if !utf8.Valid(trimPartialRune(head)) {
		return FormatAuto, false
	}
	if len(text) > 0 && text[0] == '{' {
		return JSON, true
	}
	return CSV, true
}

// trimPartialRune drops a UTF-8 sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}
