package catalog

import "time"

// Segment is a named, materialised set of members (usually customer ids).
type Segment struct {
	Name       string    // name as given by its creator
	Definition string    // the CREATE SEGMENT statement text
	Members    *Table    // member rows; a Segment is usable as a table
	ComputedAt time.Time // when Members was computed
	Model      string    // model it was built from, may be empty
}

// Release releases Members; call it on segments returned by
// [Catalog.Segment].
func (s *Segment) Release() {
	if s.Members != nil {
		s.Members.Release()
	}
}
