package ml

import (
	"context"
	"math"
	"testing"
)

// completenessError returns the largest |Σ attributions − (f(x) − f(ref))|
// over the rows, relative to max(1, |f(x) − f(ref)|).
func completenessError(m *Model, X Matrix, ref []float64, steps int) float64 {
	attr := m.Attribute(X, ref, steps)
	fx := m.PredictLogit(X)
	fr := m.PredictLogit(Matrix{Rows: 1, Cols: len(ref), Data: ref})[0]
	worst := 0.0
	for i := range X.Rows {
		var sum float64
		for _, v := range attr.Row(i) {
			sum += v
		}
		diff := fx[i] - fr
		worst = max(worst, math.Abs(sum-diff)/max(1, math.Abs(diff)))
	}
	return worst
}

func TestAttributeCompleteness(t *testing.T) {
	f := sharedFixture(t)
	X := f.test.split(0, 500).X
	ref := f.model.Reference()
	tests := []struct {
		steps int
		tol   float64
	}{
		{0, 1e-9}, // exact, segment by segment: well within the 1e-3 target
		// The midpoint rule's error shrinks like 1/steps; these bounds are
		// for the worst of 500 rows.
		{50, 5e-2},
		{200, 1.5e-2},
	}
	for _, tc := range tests {
		got := completenessError(f.model, X, ref, tc.steps)
		t.Logf("steps %d: worst relative completeness error %.3g", tc.steps, got)
		if got > tc.tol {
			t.Errorf("steps %d: completeness error %.3g > %.0g", tc.steps, got, tc.tol)
		}
	}
}

func TestAttributeRiemannConvergesToExact(t *testing.T) {
	f := sharedFixture(t)
	X := f.test.split(0, 100).X
	exact := f.model.Attribute(X, nil, 0)
	prev := math.Inf(1)
	for _, steps := range []int{10, 100, 1000} {
		approx := f.model.Attribute(X, nil, steps)
		var worst float64
		for i, v := range approx.Data {
			worst = max(worst, math.Abs(v-exact.Data[i]))
		}
		t.Logf("steps %d: max |Riemann − exact| = %.3g", steps, worst)
		if worst > prev {
			t.Errorf("steps %d: error %.3g grew from %.3g", steps, worst, prev)
		}
		prev = worst
	}
	if prev > 1e-2 {
		t.Errorf("1000 steps still %.3g away from the exact attribution", prev)
	}
}

func TestAttributeLinearModelIsExact(t *testing.T) {
	cols, ds, _ := synth(2000, 5, 4, -1)
	m, err := Train(context.Background(), cols, ds.split(0, 1500), ds.split(1500, 2000), Options{Hidden: []int{}, Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	X := ds.split(0, 50).X
	ref := m.Reference()
	r := make([]float64, m.prep.Width)
	m.prep.transformRow(ref, r)
	z := make([]float64, m.prep.Width)
	for _, steps := range []int{0, 1, 7} {
		attr := m.Attribute(X, ref, steps)
		for i := range X.Rows {
			m.prep.transformRow(X.Row(i), z)
			for j := range cols {
				want := (z[j] - r[j]) * m.net.Layers[0].W[j]
				if got := attr.At(i, j); math.Abs(got-want) > 1e-12 {
					t.Fatalf("steps %d row %d col %d: %v, want %v", steps, i, j, got, want)
				}
			}
		}
	}
}

func TestAttributeReferenceRowIsZero(t *testing.T) {
	f := sharedFixture(t)
	ref := f.model.Reference()
	X := Matrix{Rows: 2, Cols: len(ref), Data: append(append([]float64(nil), ref...), ref...)}
	for _, steps := range []int{0, 20} {
		for _, v := range f.model.Attribute(X, nil, steps).Data {
			if v != 0 {
				t.Fatalf("steps %d: attribution %v for the reference row itself", steps, v)
			}
		}
	}
}

func TestAttributeMissingIndicatorRollsUp(t *testing.T) {
	cols, ds, _ := synth(3000, 4, 8, -1)
	// Column 1 is missing for a third of the rows; missingness is predictive.
	for i := range ds.X.Rows {
		if i%3 == 0 {
			ds.X.Data[i*4+1] = math.NaN()
			ds.Y[i] = b2f(i%2 == 0)
		}
	}
	m, err := Train(context.Background(), cols, ds.split(0, 2000), ds.split(2000, 3000), Options{Epochs: 10})
	if err != nil {
		t.Fatal(err)
	}
	if m.prep.Width != 5 || m.prep.Inputs[1].Indicator != 4 {
		t.Fatalf("width %d, indicator %d", m.prep.Width, m.prep.Inputs[1].Indicator)
	}
	X := ds.split(0, 30).X
	if e := completenessError(m, X, m.Reference(), 0); e > 1e-9 {
		t.Errorf("completeness error %.3g with a missing indicator", e)
	}
	attr := m.Attribute(X, nil, 0)
	if attr.Cols != 4 {
		t.Fatalf("attribution has %d columns, want 4 (indicator folded into its column)", attr.Cols)
	}
}

func TestExactTwoLayerMatchesGeneric(t *testing.T) {
	f := sharedFixture(t)
	m := f.model
	if len(m.net.Layers) != 3 {
		t.Fatalf("fixture has %d layers, want the default 3", len(m.net.Layers))
	}
	r := make([]float64, m.prep.Width)
	m.prep.transformRow(m.Reference(), r)
	a0 := make([]float64, m.net.Layers[0].Out)
	m.net.Layers[0].preact(r, a0)
	fast, slow := newIntegrator(m.net, r, a0), newIntegrator(m.net, r, a0)
	z := make([]float64, m.prep.Width)
	for i := range 300 {
		m.prep.transformRow(f.test.X.Row(i), z)
		want := append([]float64(nil), slow.attributeWith(z, slow.exactGeneric)...)
		got := fast.attributeWith(z, fast.exact2)
		for k := range got {
			if math.Abs(got[k]-want[k]) > 1e-9 {
				t.Fatalf("row %d input %d: incremental %v, generic %v", i, k, got[k], want[k])
			}
		}
	}
}

func TestAttributeExactOtherDepths(t *testing.T) {
	cols, ds, _ := synth(3000, 6, 12, -1)
	for _, hidden := range [][]int{{16}, {16, 12, 8}} {
		m, err := Train(context.Background(), cols, ds.split(0, 2000), ds.split(2000, 3000), Options{Hidden: hidden, Epochs: 6})
		if err != nil {
			t.Fatal(err)
		}
		if e := completenessError(m, ds.split(0, 200).X, m.Reference(), 0); e > 1e-9 {
			t.Errorf("hidden %v: completeness error %.3g", hidden, e)
		}
	}
}

func TestGroupAttributions(t *testing.T) {
	cols := []Column{
		{Name: "country=FR", Group: "country"},
		{Name: "orders_30d", Group: "purchase frequency"},
		{Name: "country=DE", Group: "country"},
		{Name: "age"},
		{Name: "orders_90d", Group: "purchase frequency"},
	}
	attr := Matrix{Rows: 2, Cols: 5, Data: []float64{
		1, 2, 3, 4, 5,
		-1, 0.5, 0, 2, -0.5,
	}}
	names, got := GroupAttributions(cols, attr)
	wantNames := []string{"country", "purchase frequency", "age"}
	want := []float64{4, 7, 4, -1, 0, 2}
	if len(names) != 3 || names[0] != wantNames[0] || names[1] != wantNames[1] || names[2] != wantNames[2] {
		t.Fatalf("names %q, want %q", names, wantNames)
	}
	for i, v := range got.Data {
		if v != want[i] {
			t.Fatalf("grouped %v, want %v", got.Data, want)
		}
	}
}
