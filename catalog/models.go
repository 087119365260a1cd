package catalog

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Model returns a copy of the named model. An unknown name gives a
// [*NotFoundError]; a broken file a [*CorruptError].
func (c *Catalog) Model(name string) (*Model, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, ErrClosed
	}
	e, err := c.models.lookup(name)
	switch {
	case err != nil:
		return nil, err
	case e.err != nil:
		return nil, e.err
	}
	return e.val.clone(), nil
}

// PutModel stores a copy of m under m.Name. If the name is taken and
// replace is false it returns [ErrExists]. On disk the file is written
// atomically before the model becomes visible; if writing fails the
// previous version stays.
func (c *Catalog) PutModel(m *Model, replace bool) error {
	if m == nil {
		return errors.New("catalog: PutModel: nil model")
	}
	m = m.clone()
	return put(c, c.models, m.Name, m, replace, func(s *store) error {
		return s.write(kindModel, m.Name, func(w io.Writer) error { return encodeModel(w, m) })
	})
}

// DropModel removes the named model. Unknown names are an error unless
// ifExists.
func (c *Catalog) DropModel(name string, ifExists bool) error {
	return drop(c, c.models, name, ifExists)
}

// Models lists the model names, sorted.
func (c *Catalog) Models() []string { return list(c, c.models) }

// indexModels reads and verifies every model file.
func (c *Catalog) indexModels() error {
	files, err := c.store.scan(kindModel)
	if err != nil {
		return err
	}
	for _, f := range files {
		e := &entry[*Model]{name: f.name}
		if m, err := readModel(f.path, f.name); err != nil {
			e.err = err
		} else {
			e.name, e.val = m.Name, m
		}
		c.models.entries[key(e.name)] = e
	}
	return nil
}

// readModel reads one model file; name is decoded from its file name.
func readModel(path, name string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: model %q: %w", name, err)
	}
	m, err := decodeModel(b)
	if err == nil && key(m.Name) != key(name) {
		err = fmt.Errorf("file holds %q, not %q", m.Name, name)
	}
	if err != nil {
		return nil, &CorruptError{Kind: kindModel, Name: name, Path: path, Err: err}
	}
	return m, nil
}
