package ml

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestEvaluateHandComputed(t *testing.T) {
	tests := []struct {
		name  string
		y, p  []float64
		check func(m Metrics) (got, want float64)
	}{
		// Positives 0.9, 0.5, 0.3 against negatives 0.9, 0.3, 0.1:
		// 2.5 + 2 + 1.5 wins out of 9 pairs.
		{"AUC with ties", []float64{1, 0, 1, 0, 1, 0}, []float64{0.9, 0.9, 0.5, 0.3, 0.3, 0.1},
			func(m Metrics) (float64, float64) { return m.AUC, 6.0 / 9 }},
		// Thresholds 0.9 (P=1/2), 0.5 (2/3), 0.3 (3/5), each adding 1/3 recall.
		{"PR-AUC with ties", []float64{1, 0, 1, 0, 1, 0}, []float64{0.9, 0.9, 0.5, 0.3, 0.3, 0.1},
			func(m Metrics) (float64, float64) { return m.PRAUC, (0.5 + 2.0/3 + 0.6) / 3 }},
		{"perfect AUC", []float64{0, 0, 1, 1}, []float64{0.1, 0.2, 0.3, 0.4},
			func(m Metrics) (float64, float64) { return m.AUC, 1 }},
		{"all tied AUC", []float64{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5},
			func(m Metrics) (float64, float64) { return m.AUC, 0.5 }},
		{"log loss", []float64{1, 0}, []float64{0.8, 0.4},
			func(m Metrics) (float64, float64) { return m.LogLoss, -(math.Log(0.8) + math.Log(0.6)) / 2 }},
		{"log loss clipped", []float64{1}, []float64{0},
			func(m Metrics) (float64, float64) { return m.LogLoss, -math.Log(1e-15) }},
		{"Brier", []float64{1, 0}, []float64{0.8, 0.4},
			func(m Metrics) (float64, float64) { return m.Brier, 0.1 }},
		// Bins 0 (0.05 vs 1), 1 (0.15 vs 0), 9 (0.935 vs 1).
		{"ECE", []float64{1, 0, 1, 1}, []float64{0.05, 0.15, 0.95, 0.92},
			func(m Metrics) (float64, float64) { return m.ECE, 0.25*0.95 + 0.25*0.15 + 0.5*0.065 }},
		{"base rate", []float64{1, 0, 0, 0}, []float64{0.5, 0.5, 0.5, 0.5},
			func(m Metrics) (float64, float64) { return m.BaseRate, 0.25 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := tc.check(Evaluate(tc.y, tc.p)); !near(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestEvaluateSingleClass(t *testing.T) {
	m := Evaluate([]float64{0, 0, 0}, []float64{0.1, 0.2, 0.3})
	if !math.IsNaN(m.AUC) || !math.IsNaN(m.PRAUC) || m.Positives != 0 || m.N != 3 {
		t.Errorf("%+v", m)
	}
	if e := Evaluate(nil, nil); e.N != 0 || !math.IsNaN(e.AUC) {
		t.Errorf("empty: %+v", e)
	}
}

func TestDeciles(t *testing.T) {
	n := 20
	y, p := make([]float64, n), make([]float64, n)
	for i := range n {
		p[i] = float64(n-i) / 20 // rank i+1
	}
	for _, rank := range []int{1, 2, 3, 20} {
		y[rank-1] = 1
	}
	// Shuffle the input order: deciles rank by score, not position.
	y[0], y[19] = y[19], y[0]
	p[0], p[19] = p[19], p[0]
	got := Deciles(y, p)
	if len(got) != 10 {
		t.Fatalf("%d deciles", len(got))
	}
	want := []Decile{
		{Decile: 1, N: 2, Positives: 2, MinScore: 0.95, MaxScore: 1, Rate: 1, Lift: 5, CumGain: 0.5, CumLift: 5},
		{Decile: 2, N: 2, Positives: 1, MinScore: 0.85, MaxScore: 0.9, Rate: 0.5, Lift: 2.5, CumGain: 0.75, CumLift: 3.75},
		{Decile: 3, N: 2, MinScore: 0.75, MaxScore: 0.8, CumGain: 0.75, CumLift: (3.0 / 6) / 0.2},
	}
	for i, w := range want {
		g := got[i]
		if g.Decile != w.Decile || g.N != w.N || g.Positives != w.Positives || !near(g.MinScore, w.MinScore) ||
			!near(g.MaxScore, w.MaxScore) || !near(g.Rate, w.Rate) || !near(g.Lift, w.Lift) ||
			!near(g.CumGain, w.CumGain) || !near(g.CumLift, w.CumLift) {
			t.Errorf("decile %d: got %+v, want %+v", i+1, g, w)
		}
	}
	last := got[9]
	if last.Positives != 1 || !near(last.CumGain, 1) || !near(last.CumLift, 1) || !near(last.Lift, 2.5) {
		t.Errorf("decile 10: %+v", last)
	}
	if small := Deciles([]float64{1, 0, 0}, []float64{0.9, 0.5, 0.1}); len(small) != 3 {
		t.Errorf("3 rows gave %d non-empty deciles", len(small))
	}
}

func TestROC(t *testing.T) {
	y := []float64{1, 0, 1, 0}
	p := []float64{0.9, 0.8, 0.7, 0.1}
	fpr, tpr := ROC(y, p, 0)
	wantF := []float64{0, 0, 0.5, 0.5, 1}
	wantT := []float64{0, 0.5, 0.5, 1, 1}
	for i := range wantF {
		if fpr[i] != wantF[i] || tpr[i] != wantT[i] {
			t.Fatalf("ROC = %v, %v; want %v, %v", fpr, tpr, wantF, wantT)
		}
	}
	fpr, tpr = ROC(y, p, 3)
	if len(fpr) != 3 || fpr[0] != 0 || tpr[0] != 0 || fpr[1] != 0.5 || tpr[1] != 0.5 || fpr[2] != 1 || tpr[2] != 1 {
		t.Errorf("downsampled ROC = %v, %v", fpr, tpr)
	}
	if f, _ := ROC([]float64{1, 1}, []float64{0.2, 0.3}, 0); f != nil {
		t.Errorf("single-class ROC = %v", f)
	}
}

func TestCalibrationCurve(t *testing.T) {
	y := []float64{0, 1, 1, 0, 1}
	p := []float64{0.05, 0.1, 0.55, 0.6, 1}
	mp, fp, n := CalibrationCurve(y, p, 4)
	// Bins [0, .25): 0.05, 0.1; [.5, .75): 0.55, 0.6; [.75, 1]: 1.
	wantP, wantF, wantN := []float64{0.075, 0.575, 1}, []float64{0.5, 0.5, 1}, []int{2, 2, 1}
	if len(n) != 3 {
		t.Fatalf("counts %v", n)
	}
	for i := range n {
		if !near(mp[i], wantP[i]) || !near(fp[i], wantF[i]) || n[i] != wantN[i] {
			t.Errorf("bin %d: %v %v %d, want %v %v %d", i, mp[i], fp[i], n[i], wantP[i], wantF[i], wantN[i])
		}
	}
}
