package ml

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	f := sharedFixture(t)
	data, err := f.model.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m, err := UnmarshalModel(data)
	if err != nil {
		t.Fatal(err)
	}
	X := f.test.X
	same := func(what string, a, b []float64) {
		t.Helper()
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				t.Fatalf("%s %d: %v before, %v after the round trip", what, i, a[i], b[i])
			}
		}
	}
	same("probability", f.model.Predict(X), m.Predict(X))
	same("raw", f.model.PredictRaw(X), m.PredictRaw(X))
	same("attribution", f.model.Attribute(f.test.split(0, 100).X, nil, 0).Data, m.Attribute(f.test.split(0, 100).X, nil, 0).Data)
	same("reference", f.model.Reference(), m.Reference())
	if m.Info() != f.model.Info() {
		t.Errorf("info %+v, want %+v", m.Info(), f.model.Info())
	}
	if len(m.Columns()) != len(f.cols) || m.Columns()[3] != f.cols[3] {
		t.Errorf("columns %v", m.Columns())
	}
}

func TestMarshalRoundTripIsotonicAndMissing(t *testing.T) {
	cols, ds, _ := synth(2000, 4, 2, -1)
	for i := range ds.X.Rows {
		if i%3 != 0 { // two thirds missing: the reference value is NaN
			ds.X.Data[i*4+2] = math.NaN()
		}
	}
	m, err := Train(context.Background(), cols, ds.split(0, 1500), ds.split(1500, 2000), Options{Epochs: 3, Calibration: CalibrationIsotonic})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := UnmarshalModel(data)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Info().Calibration != CalibrationIsotonic {
		t.Fatalf("calibration %q", m2.Info().Calibration)
	}
	a, b := m.Predict(ds.X), m2.Predict(ds.X)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d: %v != %v", i, a[i], b[i])
		}
	}
	if r := m2.Reference(); !math.IsNaN(r[2]) || m2.prep.Inputs[2].Indicator != 4 {
		t.Errorf("reference %v, indicator %d", r, m2.prep.Inputs[2].Indicator)
	}
}

func TestUnmarshalCorrupted(t *testing.T) {
	f := sharedFixture(t)
	data, err := f.model.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, b []byte) {
		t.Helper()
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("%s: panic %v", name, r)
			}
		}()
		m, err := UnmarshalModel(b)
		if err == nil || m != nil {
			t.Fatalf("%s: no error", name)
		}
		if !errors.Is(err, ErrBadModel) {
			t.Fatalf("%s: err %v does not wrap ErrBadModel", name, err)
		}
	}
	check("nil", nil)
	check("empty", []byte{})
	for n := 1; n < len(data); n += 1 + n/8 {
		check("truncated", data[:n])
	}
	check("extra byte", append(append([]byte(nil), data...), 0))
	rng := rand.New(rand.NewSource(1))
	for range 300 {
		b := append([]byte(nil), data...)
		i := rng.Intn(len(b))
		b[i] ^= byte(1 + rng.Intn(255))
		check("flipped byte", b)
	}
	bad := append([]byte(nil), data...)
	bad[8] = 99 // version
	check("version", bad)
	junk := make([]byte, 4096)
	rng.Read(junk)
	check("random", junk)
	copy(junk, modelMagic)
	check("random after magic", junk)
}

// TestUnmarshalValidates feeds well-formed gob payloads with broken
// invariants, which the checksum cannot catch.
func TestUnmarshalValidates(t *testing.T) {
	f := sharedFixture(t)
	breakers := map[string]func(m *Model){
		"layer shape":  func(m *Model) { m.net.Layers[1].W = m.net.Layers[1].W[:3] },
		"chain":        func(m *Model) { m.net.Layers[1].In++ },
		"output width": func(m *Model) { m.net.Layers = m.net.Layers[:2] },
		"width":        func(m *Model) { m.prep.Width++ },
		"columns":      func(m *Model) { m.cols = m.cols[:2] },
		"calibration":  func(m *Model) { m.cal.Method = "voodoo" },
		"isotonic": func(m *Model) {
			m.cal = calibrator{Method: CalibrationIsotonic, X: []float64{2, 1}, Y: []float64{0, 1}}
		},
		"indicator": func(m *Model) { m.prep.Inputs[0].Indicator = 0 },
		"no layers": func(m *Model) { m.net.Layers = nil },
	}
	for name, breakIt := range breakers {
		t.Run(name, func(t *testing.T) {
			m := *f.model
			m.net = f.model.net.clone()
			m.prep = &preprocessor{Inputs: append([]inputPrep(nil), f.model.prep.Inputs...), Width: f.model.prep.Width}
			breakIt(&m)
			data, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := UnmarshalModel(data); !errors.Is(err, ErrBadModel) {
				t.Fatalf("err = %v, want ErrBadModel", err)
			}
		})
	}
}
