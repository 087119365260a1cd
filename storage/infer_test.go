package storage

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestParseTimestamp(t *testing.T) {
	at := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	tests := []struct {
		in   string
		want string // RFC 3339; empty means "not a timestamp"
	}{
		{"2024-03-01", "2024-03-01T00:00:00Z"},
		{"2024/03/01", "2024-03-01T00:00:00Z"},
		{"2024-3-1", "2024-03-01T00:00:00Z"},
		{"2024-03-01T12:30", "2024-03-01T12:30:00Z"},
		{"2024-03-01 12:30:15", "2024-03-01T12:30:15Z"},
		{"2024-03-01T12:30:15Z", "2024-03-01T12:30:15Z"},
		{"2024-03-01T12:30:15.123456Z", "2024-03-01T12:30:15.123456Z"},
		{"2024-03-01T12:30:15.123456789", "2024-03-01T12:30:15.123456Z"},
		{"2024-03-01T12:30:15.5+02:00", "2024-03-01T10:30:15.5Z"},
		{"2024-03-01T12:30:15-0530", "2024-03-01T18:00:15Z"},
		{"2024-03-01 12:30:15 +01", "2024-03-01T11:30:15Z"},
		{"2024-03-01 12:30:15 UTC", "2024-03-01T12:30:15Z"},
		{"2024-02-29", "2024-02-29T00:00:00Z"},
		{"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
		{"2023-02-29", ""},
		{"2024-13-01", ""},
		{"2024-03-01T25:00", ""},
		{"2024-03-01T12", ""},
		{"2024-03-01T12:30:15+", ""},
		{"2024-03-01T12:30:15.", ""},
		{"2024-03/01", ""},
		{"24-03-01", ""},
		{"2024-03-01x", ""},
		{"20240301", ""},
		{"hello", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := parseTimestamp(tt.in)
		switch {
		case tt.want == "" && ok:
			t.Errorf("parseTimestamp(%q) = %d, want no timestamp", tt.in, got)
		case tt.want != "" && !ok:
			t.Errorf("parseTimestamp(%q) failed, want %s", tt.in, tt.want)
		case tt.want != "" && got != at(tt.want):
			t.Errorf("parseTimestamp(%q) = %s, want %s", tt.in, time.UnixMicro(got).UTC().Format(time.RFC3339Nano), tt.want)
		}
	}
}

func TestInferColumnType(t *testing.T) {
	tests := []struct {
		name   string
		column string
		values []string
		want   arrow.DataType
	}{
		{"ints", "n", []string{"1", "-2", "+3"}, arrow.PrimitiveTypes.Int64},
		{"floats", "x", []string{"1.5", "2", "-3e4"}, arrow.PrimitiveTypes.Float64},
		{"nan in floats", "x", []string{"1.5", "NaN", "inf"}, arrow.PrimitiveTypes.Float64},
		{"bools", "b", []string{"true", "FALSE", "True"}, arrow.FixedWidthTypes.Boolean},
		{"dates", "d", []string{"2024-01-01", "2024/02/03"}, TimestampType},
		{"timestamps", "t", []string{"2024-01-01T10:00:00Z", "2024-01-01 10:00"}, TimestampType},
		{"dates and ints", "d", []string{"2024-01-01", "5"}, arrow.BinaryTypes.String},
		{"leading zeros stay text", "zip", []string{"02134", "10001"}, arrow.BinaryTypes.String},
		{"words", "s", []string{"a", "1"}, arrow.BinaryTypes.String},
		{"bool and int", "s", []string{"true", "1"}, arrow.BinaryTypes.String},
		{"epoch seconds named ts", "ts", []string{"1700000000", "1700000100"}, TimestampType},
		{"epoch millis named created_at", "created_at", []string{"1700000000000"}, TimestampType},
		{"epoch camel case", "eventTime", []string{"1700000000"}, TimestampType},
		{"epoch needs a temporal name", "user_id", []string{"1700000000"}, arrow.PrimitiveTypes.Int64},
		{"small ints named time stay ints", "time", []string{"35", "40"}, arrow.PrimitiveTypes.Int64},
		{"mixed seconds and millis stay ints", "ts", []string{"1700000000", "1700000000000"}, arrow.PrimitiveTypes.Int64},
		{"no values", "e", nil, arrow.Null},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newColumnStats()
			for _, v := range tt.values {
				s.observe(v)
			}
			if got := s.resolve(tt.column); !arrow.TypeEqual(got, tt.want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestIsTimeName(t *testing.T) {
	for name, want := range map[string]bool{
		"ts": true, "timestamp": true, "Time": true, "date": true, "created_at": true,
		"event_time": true, "updatedAt": true, "xdm.timestamp": true, "order_date": true,
		"at": false, "customer_id": false, "state": false, "Date_of_birth": false, "AT": false,
	} {
		if got := isTimeName(name); got != want {
			t.Errorf("isTimeName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestUnifyType(t *testing.T) {
	i64, f64, str := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String
	tests := []struct {
		a, b, want arrow.DataType
	}{
		{i64, i64, i64},
		{i64, f64, f64},
		{f64, i64, f64},
		{i64, arrow.Null, i64},
		{TimestampType, str, str},
		{i64, arrow.FixedWidthTypes.Boolean, str},
		{arrow.ListOf(i64), arrow.ListOf(f64), arrow.ListOf(f64)},
		{arrow.ListOf(i64), i64, str},
		{
			arrow.StructOf(arrow.Field{Name: "a", Type: i64, Nullable: true}),
			arrow.StructOf(arrow.Field{Name: "b", Type: str, Nullable: true}, arrow.Field{Name: "a", Type: f64, Nullable: true}),
			arrow.StructOf(arrow.Field{Name: "a", Type: f64, Nullable: true}, arrow.Field{Name: "b", Type: str, Nullable: true}),
		},
	}
	for _, tt := range tests {
		if got := unifyType(tt.a, tt.b); !arrow.TypeEqual(got, tt.want) {
			t.Errorf("unifyType(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}
