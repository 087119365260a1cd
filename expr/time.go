package expr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Micros per unit of time.
const (
	MicrosPerSecond = int64(1_000_000)
	MicrosPerDay    = 86400 * MicrosPerSecond
)

// TimeOf converts microseconds since the epoch to a UTC time.
func TimeOf(us int64) time.Time { return time.UnixMicro(us).UTC() }

// DurationOf converts microseconds to a time.Duration.
func DurationOf(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// UnitMicros returns the length of a duration unit (DAYS, HOURS, ...) in
// microseconds.
func UnitMicros(unit string) (int64, error) {
	switch strings.ToUpper(strings.TrimSuffix(strings.ToUpper(unit), "S")) {
	case "MICROSECOND":
		return 1, nil
	case "MILLISECOND":
		return 1000, nil
	case "SECOND":
		return MicrosPerSecond, nil
	case "MINUTE":
		return 60 * MicrosPerSecond, nil
	case "HOUR":
		return 3600 * MicrosPerSecond, nil
	case "DAY":
		return MicrosPerDay, nil
	case "WEEK":
		return 7 * MicrosPerDay, nil
	}
	return 0, fmt.Errorf("unknown time unit %q (use SECONDS, MINUTES, HOURS, DAYS or WEEKS)", unit)
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"2006/01/02 15:04:05",
}

// ParseTime parses a timestamp literal: RFC 3339 / ISO-8601 with or without
// an offset (no offset means UTC), or a plain date (midnight UTC). It
// returns microseconds since the epoch.
func ParseTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixMicro(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 100_000_000_000 || n < -100_000_000_000 {
			return n * 1000, nil // epoch millis
		}
		return n * MicrosPerSecond, nil
	}
	return 0, fmt.Errorf("cannot parse %q as a timestamp (use ISO-8601, e.g. '2024-06-30' or '2024-06-30T12:00:00Z')", s)
}

// FormatTime renders microseconds since the epoch as RFC 3339 in UTC,
// dropping a zero time of day.
func FormatTime(us int64) string {
	t := TimeOf(us)
	if us%MicrosPerDay == 0 {
		return t.Format("2006-01-02")
	}
	if us%MicrosPerSecond == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.999999")
}

// FormatDuration renders a duration in microseconds in the largest whole
// unit (e.g. "30 days").
func FormatDuration(us int64) string {
	switch {
	case us != 0 && us%MicrosPerDay == 0:
		return fmt.Sprintf("%d days", us/MicrosPerDay)
	case us != 0 && us%(3600*MicrosPerSecond) == 0:
		return fmt.Sprintf("%d hours", us/(3600*MicrosPerSecond))
	case us >= MicrosPerDay:
		rest := DurationOf(us % MicrosPerDay)
		return fmt.Sprintf("%d days %02d:%02d:%02d", us/MicrosPerDay, int(rest.Hours()), int(rest.Minutes())%60, int(rest.Seconds())%60)
	case us%MicrosPerSecond == 0:
		return fmt.Sprintf("%d seconds", us/MicrosPerSecond)
	}
	return DurationOf(us).String()
}

// TruncTime truncates a timestamp to a unit: second, minute, hour, day,
// week (Monday), month, quarter, year.
func TruncTime(unit string, us int64) (int64, error) {
	t := TimeOf(us)
	var r time.Time
	switch strings.ToLower(unit) {
	case "second":
		r = t.Truncate(time.Second)
	case "minute":
		r = t.Truncate(time.Minute)
	case "hour":
		r = t.Truncate(time.Hour)
	case "day":
		r = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case "week":
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		off := (int(d.Weekday()) + 6) % 7
		r = d.AddDate(0, 0, -off)
	case "month":
		r = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		r = time.Date(t.Year(), t.Month()-(t.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
	case "year":
		r = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		return 0, fmt.Errorf("unknown date_trunc unit %q (use second, minute, hour, day, week, month, quarter or year)", unit)
	}
	return r.UnixMicro(), nil
}
