package ml

import (
	"context"
	"math"
	"math/rand"
	"slices"
	"testing"
)

func TestPreprocessorFit(t *testing.T) {
	nan := math.NaN()
	cols := []Column{
		{Name: "count", Kind: KindCount},
		{Name: "num", Kind: KindNumeric},
		{Name: "const", Kind: KindNumeric},
		{Name: "gappy", Kind: KindDays},
		{Name: "empty", Kind: KindAmount},
	}
	X := Matrix{Rows: 4, Cols: 5, Data: []float64{
		0, 1, 7, nan, nan,
		1, 2, 7, 3, nan,
		3, 3, 7, nan, nan,
		math.E - 1, 4, 7, nan, nan,
	}}
	p, fitted := fitTransform(cols, X)
	if p.Width != 7 {
		t.Fatalf("width %d, want 5 values + 2 indicators", p.Width)
	}
	c := p.Inputs[0]
	if !c.Log || c.Indicator != -1 {
		t.Errorf("count column: %+v", c)
	}
	// log1p of 0, 1, 3, e−1 = 0, ln2, ln4, 1.
	wantMean := (math.Ln2 + math.Log(4) + 1) / 4
	if math.Abs(c.Mean-wantMean) > 1e-15 {
		t.Errorf("count mean %v, want %v", c.Mean, wantMean)
	}
	if got := p.Inputs[1].Median; got != 2.5 {
		t.Errorf("median %v, want 2.5", got)
	}
	if p.Inputs[2].Scale != 0 {
		t.Errorf("constant column scale %v, want 0", p.Inputs[2].Scale)
	}
	g := p.Inputs[3]
	if g.Indicator != 5 || g.Median != 3 || g.IndMean != 0.75 || !math.IsNaN(g.Ref) {
		t.Errorf("gappy column: %+v", g)
	}
	e := p.Inputs[4]
	if e.Indicator != 6 || e.Scale != 0 || e.IndScale != 0 {
		t.Errorf("all-missing column: %+v", e)
	}
	out := p.transform(X)
	for i, v := range out.Data {
		if math.Float32bits(float32(v)) != math.Float32bits(fitted.data[i]) {
			t.Fatalf("input %d: transform %v, fit %v", i, v, fitted.data[i])
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("output %d is %v", i, v)
		}
	}
	// Standardised inputs have mean 0 and variance 1 on the training rows.
	for _, j := range []int{0, 1, 5} { // column 3 is constant once imputed
		var s, ss float64
		for i := range out.Rows {
			s += out.At(i, j)
			ss += out.At(i, j) * out.At(i, j)
		}
		if math.Abs(s/4) > 1e-12 || math.Abs(ss/4-1) > 1e-12 {
			t.Errorf("input %d: mean %v, variance %v", j, s/4, ss/4)
		}
	}
}

func TestPredictHostileInputs(t *testing.T) {
	f := sharedFixture(t)
	m := f.model
	ncol := len(f.cols)
	hostile := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308, 0, -1, 5e-324}
	X := NewMatrix(len(hostile)*ncol, ncol)
	for i := range X.Rows {
		row := X.Row(i)
		copy(row, f.test.X.Row(i%f.test.X.Rows))
		row[i%ncol] = hostile[i/ncol]
	}
	// Also a row of nothing but NaN and a row of nothing but +Inf.
	allNaN, allInf := make([]float64, ncol), make([]float64, ncol)
	for j := range allNaN {
		allNaN[j], allInf[j] = math.NaN(), math.Inf(1)
	}
	X.Data = append(append(X.Data, allNaN...), allInf...)
	X.Rows += 2
	for _, p := range [][]float64{m.Predict(X), m.PredictRaw(X)} {
		for i, v := range p {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("row %d: probability %v", i, v)
			}
		}
	}
	for _, steps := range []int{0, 10} {
		for i, v := range m.Attribute(X, nil, steps).Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("steps %d: attribution %d is %v", steps, i, v)
			}
		}
	}
}

func TestTrainWithHostileInputs(t *testing.T) {
	cols, ds, _ := synth(3000, 6, 21, -1)
	for i := range ds.X.Rows {
		switch i % 7 {
		case 0:
			ds.X.Data[i*6+0] = math.NaN()
		case 1:
			ds.X.Data[i*6+1] = math.Inf(1)
		case 2:
			ds.X.Data[i*6+3] = -1e300
		case 3:
			ds.X.Data[i*6+2] = math.Inf(-1)
		}
		ds.X.Data[i*6+5] = math.NaN() // a column that is never observed
	}
	m, err := Train(context.Background(), cols, ds.split(0, 2000), ds.split(2000, 3000), Options{Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Predict(ds.X)
	for i, v := range p {
		if !(v > 0 && v < 1) {
			t.Fatalf("row %d: probability %v", i, v)
		}
	}
	if auc := Evaluate(ds.split(2000, 3000).Y, p[2000:]).AUC; auc < 0.7 {
		t.Errorf("validation AUC %.3f with hostile inputs", auc)
	}
}

func TestPredictShapeMismatchPanics(t *testing.T) {
	f := sharedFixture(t)
	X := Matrix{Rows: 1, Cols: 3, Data: []float64{1, 2, 3}}
	if err := f.model.Check(X); err == nil {
		t.Fatal("Check accepted a 3-column matrix")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Predict did not panic on a shape mismatch")
		}
	}()
	f.model.Predict(X)
}

func TestMedianMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{1, 2, 3, 10, 17, 18, 100, 1001, 5000} {
		for _, distinct := range []int{2, 7, 1 << 30} {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = float64(rng.Intn(distinct)) - float64(distinct)/3
			}
			sorted := append([]float64(nil), vals...)
			slices.Sort(sorted)
			want := sorted[n/2]
			if n%2 == 0 {
				want = sorted[n/2-1]/2 + sorted[n/2]/2
			}
			if got := median(vals); got != want {
				t.Fatalf("n=%d distinct=%d: median %v, want %v", n, distinct, got, want)
			}
		}
	}
	if got := median([]float64{math.Inf(-1), math.Inf(1)}); got != 0 {
		t.Errorf("median of ±Inf = %v, want 0", got)
	}
}
