package catalog

import (
	"bytes"
	"maps"
	"time"
)

// Model is a trained model as the catalog stores it.
type Model struct {
	Name       string            // name as given by its creator
	Definition string            // the CREATE MODEL statement text
	Blob       []byte            // opaque bytes from the ml package
	CreatedAt  time.Time         // when it was trained
	Meta       map[string]string // free-form annotations
}

// clone returns a deep copy, so callers and catalog never share slices or maps.
func (m *Model) clone() *Model {
	c := *m
	c.Blob = bytes.Clone(m.Blob)
	c.Meta = maps.Clone(m.Meta)
	return &c
}
