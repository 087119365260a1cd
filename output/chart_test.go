package output

import (
	"bytes"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/engine"
)

func TestChart(t *testing.T) {
	deciles := arrow.NewSchema([]arrow.Field{
		field("decile", arrow.PrimitiveTypes.Int64),
		field("profiles", arrow.PrimitiveTypes.Int64),
		field("lift", arrow.PrimitiveTypes.Float64),
		field("cumulative_gain", arrow.PrimitiveTypes.Float64),
	}, nil)
	histogram := arrow.NewSchema([]arrow.Field{
		field("bin", arrow.BinaryTypes.String),
		field("count", arrow.PrimitiveTypes.Int64),
	}, nil)
	pair := arrow.NewSchema([]arrow.Field{
		field("n", arrow.PrimitiveTypes.Float64),
		field("event_type", arrow.BinaryTypes.String),
	}, nil)
	tests := []struct {
		name   string
		hint   string
		schema *arrow.Schema
		rows   string
	}{
		{"chart_deciles", "deciles", deciles, `[
			{"decile": 1, "profiles": 100, "lift": 3.2, "cumulative_gain": 0.32},
			{"decile": 2, "profiles": 100, "lift": 2.05, "cumulative_gain": 0.53},
			{"decile": 3, "profiles": 100, "lift": 1.3, "cumulative_gain": 0.66},
			{"decile": 4, "profiles": 100, "lift": 0.9, "cumulative_gain": 0.75},
			{"decile": 5, "profiles": 100, "lift": 0.7, "cumulative_gain": 0.82},
			{"decile": 6, "profiles": 100, "lift": 0.55, "cumulative_gain": 0.875},
			{"decile": 7, "profiles": 100, "lift": 0.45, "cumulative_gain": 0.92},
			{"decile": 8, "profiles": 100, "lift": 0.4, "cumulative_gain": 0.96},
			{"decile": 9, "profiles": 100, "lift": 0.25, "cumulative_gain": 0.985},
			{"decile": 10, "profiles": 100, "lift": 0.15, "cumulative_gain": 1}]`},
		{"chart_histogram", "histogram", histogram, `[
			{"bin": "0.0-0.2", "count": 120}, {"bin": "0.2-0.4", "count": 61},
			{"bin": "0.4-0.6", "count": 33}, {"bin": "0.6-0.8", "count": 0},
			{"bin": "0.8-1.0", "count": null}]`},
		{"chart_pair", "", pair, `[
			{"n": 10.5, "event_type": "purchase"}, {"n": 1, "event_type": "web.visit"},
			{"n": 3.3, "event_type": "email.open"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newResult(t, tt.schema, tt.rows)
			r.Chart = tt.hint
			var buf bytes.Buffer
			if err := Chart(&buf, r, 60); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.String())
		})
	}
}

func TestNothingToChart(t *testing.T) {
	tests := []struct {
		name string
		r    func(t *testing.T) *engine.Result
	}{
		{"message", func(*testing.T) *engine.Result { return &engine.Result{Message: "ok"} }},
		{"three columns", func(t *testing.T) *engine.Result { return newResult(t, basicSchema, basicRows...) }},
		{"two numbers of float", func(t *testing.T) *engine.Result {
			return newResult(t, arrow.NewSchema([]arrow.Field{
				field("a", arrow.PrimitiveTypes.Float64), field("b", arrow.PrimitiveTypes.Float64)}, nil), `[{"a": 1, "b": 2}]`)
		}},
		{"deciles without lift", func(t *testing.T) *engine.Result {
			r := newResult(t, longSchema, longRows(3)...)
			r.Chart = "deciles"
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Chart(&bytes.Buffer{}, tt.r(t), 60); !errors.Is(err, ErrNothingToChart) {
				t.Errorf("got %v, want ErrNothingToChart", err)
			}
		})
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		cells float64
		want  string
	}{
		{0, ""}, {0.05, ""}, {0.125, "▏"}, {0.5, "▌"}, {1, "█"}, {2.875, "██▉"}, {3.99, "████"},
	}
	for _, tt := range tests {
		if got := bar(tt.cells); got != tt.want {
			t.Errorf("bar(%v) = %q, want %q", tt.cells, got, tt.want)
		}
	}
}
