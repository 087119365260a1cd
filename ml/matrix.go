package ml

import (
	"fmt"
	"math"
)

// Matrix is a dense row-major matrix of float64. NaN marks a missing value.
// Row i occupies Data[i*Cols : (i+1)*Cols].
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// NewMatrix returns a zero-filled rows×cols matrix.
func NewMatrix(rows, cols int) Matrix {
	return Matrix{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
}

// Row returns row i as a slice aliasing the matrix data.
func (m Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols] }

// At returns the element at row i, column j.
func (m Matrix) At(i, j int) float64 { return m.Data[i*m.Cols+j] }

// check reports whether the matrix is well formed and has cols columns.
func (m Matrix) check(what string, cols int) error {
	if m.Rows < 0 || m.Cols < 0 || len(m.Data) != m.Rows*m.Cols {
		return fmt.Errorf("%w: %s is %d×%d but holds %d values", ErrBadInput, what, m.Rows, m.Cols, len(m.Data))
	}
	if m.Cols != cols {
		return fmt.Errorf("%w: %s has %d columns, want %d", ErrBadInput, what, m.Cols, cols)
	}
	return nil
}

// Dataset is a feature matrix with one 0/1 label per row.
type Dataset struct {
	X Matrix
	Y []float64
}

// check validates shapes and labels and returns the number of positives.
func (d Dataset) check(what string, cols int) (positives int, err error) {
	if err := d.X.check(what+" X", cols); err != nil {
		return 0, err
	}
	if len(d.Y) != d.X.Rows {
		return 0, fmt.Errorf("%w: %s has %d rows but %d labels", ErrBadInput, what, d.X.Rows, len(d.Y))
	}
	for i, y := range d.Y {
		switch {
		case y == 1:
			positives++
		case y == 0:
		case math.IsNaN(y):
			return 0, fmt.Errorf("%w: %s label %d is NaN", ErrBadInput, what, i)
		default:
			return 0, fmt.Errorf("%w: %s label %d is %g, want 0 or 1", ErrBadInput, what, i, y)
		}
	}
	return positives, nil
}

// matrix32 is a dense row-major float32 matrix: the preprocessed training
// inputs, stored at the training precision (half the memory of float64).
type matrix32 struct {
	rows, cols int
	data       []float32
}

func newMatrix32(rows, cols int) matrix32 {
	return matrix32{rows: rows, cols: cols, data: make([]float32, rows*cols)}
}

// row returns row i as a slice aliasing the matrix data.
func (m matrix32) row(i int) []float32 {
	return m.data[i*m.cols : (i+1)*m.cols : (i+1)*m.cols]
}
