package engine

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

type factorsView struct {
	list   *array.List
	impact *array.Float64
}

func asFactorsForTest(a arrow.Array) (*factorsView, error) {
	l, ok := a.(*array.List)
	if !ok {
		return nil, fmt.Errorf("not a list: %T", a)
	}
	st := l.ListValues().(*array.Struct)
	return &factorsView{list: l, impact: st.Field(4).(*array.Float64)}, nil
}

func (f *factorsView) rows() int { return f.list.Len() }

func (f *factorsView) impacts(row int) []float64 {
	s, e := f.list.ValueOffsets(row)
	var out []float64
	for j := s; j < e; j++ {
		out = append(out, f.impact.Value(int(j)))
	}
	return out
}
