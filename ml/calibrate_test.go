package ml

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestPlattFixesClassWeighting(t *testing.T) {
	f := sharedFixture(t)
	raw := Evaluate(f.test.Y, f.model.PredictRaw(f.test.X))
	cal := Evaluate(f.test.Y, f.model.Predict(f.test.X))
	t.Logf("raw ECE %.4f, calibrated ECE %.4f (base rate %.3f, positive weight %.2f)",
		raw.ECE, cal.ECE, cal.BaseRate, f.model.Info().PosWeight)
	if raw.ECE < 0.1 {
		t.Errorf("raw ECE %.4f: the class-weighted model should be visibly miscalibrated", raw.ECE)
	}
	if cal.ECE >= 0.05 {
		t.Errorf("calibrated ECE %.4f, want < 0.05", cal.ECE)
	}
	if cal.LogLoss >= raw.LogLoss {
		t.Errorf("calibration did not lower log loss: %.4f vs raw %.4f", cal.LogLoss, raw.LogLoss)
	}
	if cal.AUC != raw.AUC {
		t.Errorf("Platt scaling changed the ranking: AUC %.6f vs %.6f", cal.AUC, raw.AUC)
	}
}

func TestIsotonicCalibration(t *testing.T) {
	// The fixture's network, recalibrated isotonically on its validation
	// split (Train's Calibration option is exercised in model_file_test).
	f := sharedFixture(t)
	m := *f.model
	m.cal, _ = fitCalibration(CalibrationIsotonic, m.PredictLogit(f.val.X), f.val.Y, m.info.PosWeight)
	if m.cal.Method != CalibrationIsotonic {
		t.Fatalf("calibration %q", m.cal.Method)
	}
	got := Evaluate(f.test.Y, m.Predict(f.test.X))
	t.Logf("isotonic ECE %.4f", got.ECE)
	if got.ECE >= 0.05 {
		t.Errorf("isotonic ECE %.4f, want < 0.05", got.ECE)
	}
}

func TestCalibrationSingleClassValidation(t *testing.T) {
	f := sharedFixture(t)
	val := Dataset{X: f.val.X, Y: make([]float64, f.val.X.Rows)}
	m, err := Train(context.Background(), f.cols, f.train, val, Options{Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	if info.Calibration != calibrationPrior || !strings.Contains(info.Note, "0 positives") {
		t.Fatalf("calibration %q, note %q", info.Calibration, info.Note)
	}
	// The prior correction undoes the class weight: logit − log(posW).
	z, p := m.PredictLogit(f.test.X), m.Predict(f.test.X)
	for i := range z {
		if want := sigmoid(z[i] - math.Log(info.PosWeight)); math.Abs(p[i]-want) > 1e-15 {
			t.Fatalf("row %d: p = %v, want %v", i, p[i], want)
		}
	}
}

func TestFitPlattRecoversParameters(t *testing.T) {
	// Labels drawn from σ(2z − 1) on a grid: the fit must land close.
	var z, y []float64
	for i := range 80000 {
		zi := float64(i%200)/50 - 2
		z = append(z, zi)
		// Deterministic "sampling": of the 400 rows with this logit, the
		// first round(400·p) are positive.
		p := sigmoid(2*zi - 1)
		y = append(y, b2f(float64(i/200) < math.Round(p*400)))
	}
	pos := 0
	for _, v := range y {
		pos += int(v)
	}
	a, b := fitPlatt(z, y, pos)
	if math.Abs(a-2) > 0.01 || math.Abs(b+1) > 0.01 {
		t.Errorf("fitPlatt = (%.4f, %.4f), want about (2, -1)", a, b)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestFitIsotonic(t *testing.T) {
	z := []float64{1, 2, 2, 3, 4, 5, 6}
	y := []float64{0, 1, 0, 0, 1, 0, 1}
	c := fitIsotonic(z, y)
	// PAV: {1}:0, {2,2,3}:1/3, {4,5}:1/2, {6}:1.
	tests := []struct{ z, want float64 }{
		{0, c.Lo}, {1, c.Lo}, {2, 1.0 / 3}, {2.5, 1.0 / 3}, {3, 1.0 / 3}, {3.5, (1.0/3 + 0.5) / 2},
		{4, 0.5}, {5, 0.5}, {5.5, 0.75}, {6, c.Hi}, {9, c.Hi},
	}
	for _, tc := range tests {
		if got := c.apply(tc.z); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("apply(%v) = %v, want %v", tc.z, got, tc.want)
		}
	}
	for i := 1; i < len(c.Y); i++ {
		if c.Y[i] < c.Y[i-1] {
			t.Fatalf("not monotone: %v", c.Y)
		}
	}
}
