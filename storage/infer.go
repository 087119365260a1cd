package storage

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/apache/arrow-go/v18/arrow"
)

// kinds is a set of engine types a text value can be read as.
type kinds uint8

const (
	kBool kinds = 1 << iota
	kInt
	kFloat
	kTime
	kAll = kBool | kInt | kFloat | kTime
)

// classify returns the types that the non-null text value s can be read as.
// An empty result means only VARCHAR fits.
func classify(s string) kinds {
	switch {
	case s == "":
		return 0
	case isBoolText(s):
		return kBool
	case looksDecimal(s):
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return kInt | kFloat
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return kFloat
		}
		if _, ok := parseTimestamp(s); ok {
			return kTime
		}
		return 0
	case isNonFinite(s):
		return kFloat
	}
	if _, ok := parseTimestamp(s); ok {
		return kTime
	}
	return 0
}

func isBoolText(s string) bool {
	return strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
}

// looksDecimal reports whether s is a plain decimal number: an optional
// sign, digits with at most one point, an optional exponent, and no leading
// zero before another digit (so identifiers like "007" stay text).
func looksDecimal(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	if len(s) > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9' {
		return false
	}
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
		default:
			return false
		}
	}
	return digits
}

func isNonFinite(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return strings.EqualFold(s, "nan") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity")
}

// columnStats accumulates what a sample says about one text column.
type columnStats struct {
	nonNull int
	fits    kinds // types every non-null value so far fits
	minInt  int64
	maxInt  int64
}

func newColumnStats() columnStats { return columnStats{fits: kAll} }

// observe records a non-null value.
func (s *columnStats) observe(v string) {
	k := classify(v)
	s.observeKinds(k)
	if k&kInt != 0 {
		n, _ := strconv.ParseInt(v, 10, 64)
		s.observeInt(n)
	}
}

func (s *columnStats) observeKinds(k kinds) {
	s.nonNull++
	s.fits &= k
}

func (s *columnStats) observeInt(n int64) {
	if s.nonNull == 1 || n < s.minInt {
		s.minInt = n
	}
	if s.nonNull == 1 || n > s.maxInt {
		s.maxInt = n
	}
}

// resolve picks the narrowest type that fits every observed value:
// BOOLEAN, BIGINT, DOUBLE, TIMESTAMP, then VARCHAR. A column with no
// non-null values resolves to arrow.Null, meaning "unknown"; it becomes
// VARCHAR once the schemas of all files are unified. Integers in a column
// whose name looks temporal become timestamps when they are plausible epoch
// seconds or milliseconds.
func (s *columnStats) resolve(name string) arrow.DataType {
	switch {
	case s.nonNull == 0:
		return arrow.Null
	case s.fits&kBool != 0:
		return arrow.FixedWidthTypes.Boolean
	case s.fits&kInt != 0:
		if isTimeName(name) && plausibleEpoch(s.minInt, s.maxInt) {
			return TimestampType
		}
		return arrow.PrimitiveTypes.Int64
	case s.fits&kFloat != 0:
		return arrow.PrimitiveTypes.Float64
	case s.fits&kTime != 0:
		return TimestampType
	}
	return arrow.BinaryTypes.String
}

// plausibleEpoch reports whether all integers in [lo, hi] read as either
// epoch seconds or epoch milliseconds between 1973 and 2286.
func plausibleEpoch(lo, hi int64) bool {
	return (lo >= 1e8 && hi < 1e10) || (lo >= 1e11 && hi < 1e13)
}

// epochMicros converts epoch seconds or, for magnitudes above 1e11,
// milliseconds to microseconds.
func epochMicros(f float64) (int64, bool) {
	if f != f || f > 9e15 || f < -9e15 {
		return 0, false
	}
	if f > 1e11 || f < -1e11 {
		return int64(f * 1e3), true
	}
	return int64(f * 1e6), true
}

// isTimeName reports whether a column name suggests a timestamp: ts,
// timestamp, time, date, datetime, or a name ending in _at, _time, _ts,
// _date, _timestamp, or camel-case ...At, ...Time, ...Date, ...Timestamp.
// For dotted (flattened JSON) names the last segment is used.
func isTimeName(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	lower := strings.ToLower(name)
	switch lower {
	case "ts", "timestamp", "time", "date", "datetime":
		return true
	}
	for _, suf := range []string{"_at", "_time", "_ts", "_date", "_timestamp", "_datetime"} {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	for _, suf := range []string{"At", "Time", "Date", "Timestamp"} {
		if p, ok := strings.CutSuffix(name, suf); ok && p != "" && unicode.IsLower(rune(p[len(p)-1])) {
			return true
		}
	}
	return false
}

// parseTimestamp parses the text forms the engine accepts as timestamps and
// returns microseconds since the epoch, UTC:
//
//	2024-03-01                       date (midnight UTC); '/' also accepted
//	2024-03-01T12:30                 date and time, 'T' or ' ' between
//	2024-03-01 12:30:15.123456       fractional seconds, up to 9 digits
//	2024-03-01T12:30:15Z             zone Z, UTC, GMT, ±hh, ±hhmm or ±hh:mm
//	2024-03-01T12:30:15+02:00        (RFC 3339); no zone means UTC
func parseTimestamp(s string) (int64, bool) {
	p := tsParser{s: s}
	year, ok := p.digits(4, 4)
	if !ok {
		return 0, false
	}
	sep := p.peek()
	if sep != '-' && sep != '/' {
		return 0, false
	}
	p.i++
	month, ok1 := p.digits(1, 2)
	ok2 := p.eat(sep)
	day, ok3 := p.digits(1, 2)
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return 0, false
	}
	var hour, minute, sec, micros, offset int
	if p.i < len(s) && (s[p.i] == 'T' || s[p.i] == 't' || s[p.i] == ' ') && p.i+1 < len(s) && isDigit(s[p.i+1]) {
		p.i++
		if hour, ok = p.digits(2, 2); !ok || hour > 23 || !p.eat(':') {
			return 0, false
		}
		if minute, ok = p.digits(2, 2); !ok || minute > 59 {
			return 0, false
		}
		if p.eat(':') {
			if sec, ok = p.digits(2, 2); !ok || sec > 59 {
				return 0, false
			}
			if p.eat('.') || p.eat(',') {
				if micros, ok = p.fraction(); !ok {
					return 0, false
				}
			}
		}
		if offset, ok = p.zone(); !ok {
			return 0, false
		}
	}
	if p.i != len(s) {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	return (t.Unix()-int64(offset))*1e6 + int64(micros), true
}

type tsParser struct {
	s string
	i int
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *tsParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *tsParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// digits reads between lo and hi decimal digits.
func (p *tsParser) digits(lo, hi int) (int, bool) {
	n, start := 0, p.i
	for p.i < len(p.s) && p.i-start < hi && isDigit(p.s[p.i]) {
		n = n*10 + int(p.s[p.i]-'0')
		p.i++
	}
	return n, p.i-start >= lo
}

// fraction reads 1 to 9 digits of a fractional second as microseconds.
func (p *tsParser) fraction() (int, bool) {
	start := p.i
	micros, scale := 0, 100000
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		micros += int(p.s[p.i]-'0') * scale
		scale /= 10
		p.i++
	}
	n := p.i - start
	return micros, n >= 1 && n <= 9
}

// zone reads an optional zone designator and returns its offset east of
// UTC in seconds.
func (p *tsParser) zone() (int, bool) {
	if p.i == len(p.s) {
		return 0, true
	}
	if p.s[p.i] == ' ' {
		p.i++
	}
	rest := p.s[p.i:]
	switch {
	case rest == "Z" || rest == "z" || rest == "UTC" || rest == "GMT":
		p.i = len(p.s)
		return 0, true
	case rest == "" || (rest[0] != '+' && rest[0] != '-'):
		return 0, false
	}
	sign := 1
	if rest[0] == '-' {
		sign = -1
	}
	p.i++
	h, ok := p.digits(2, 2)
	if !ok || h > 18 {
		return 0, false
	}
	m := 0
	colon := p.eat(':')
	if p.i < len(p.s) {
		if m, ok = p.digits(2, 2); !ok || m > 59 {
			return 0, false
		}
	} else if colon {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// sqlTypeName names an engine type the way the SQL layer spells it.
func sqlTypeName(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.INT64:
		return "BIGINT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.STRING:
		return "VARCHAR"
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.TIMESTAMP:
		return "TIMESTAMP"
	case arrow.LIST:
		return sqlTypeName(dt.(*arrow.ListType).Elem()) + "[]"
	case arrow.STRUCT:
		var b strings.Builder
		b.WriteString("STRUCT(")
		for i, f := range dt.(*arrow.StructType).Fields() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(f.Name) + " " + sqlTypeName(f.Type))
		}
		b.WriteString(")")
		return b.String()
	}
	return strings.ToUpper(dt.String())
}

// quoteIdent returns name as is when it is a plain identifier and in double
// quotes otherwise.
func quoteIdent(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
