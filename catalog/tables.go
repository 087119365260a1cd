package catalog

import (
	"errors"
	"fmt"
	"io"
)

func releaseTable(t *Table) {
	if t != nil {
		t.Release()
	}
}

// Table returns the named table, Retained: the caller must Release it.
// An unknown name gives a [*NotFoundError]; a broken file a
// [*CorruptError]. On disk, the first lookup reads the batches, holding the
// catalog's write lock meanwhile.
func (c *Catalog) Table(name string) (*Table, error) {
	if t, done, err := c.loadedTable(name); done {
		return t, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	e, err := c.tables.lookup(name)
	if err != nil {
		return nil, err
	}
	if e.err == nil && e.val == nil {
		e.val, err = c.readTable(e.name)
		if errors.Is(err, ErrCorrupt) {
			e.err = err
		}
		if err != nil {
			return nil, err
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	e.val.Retain()
	return e.val, nil
}

// loadedTable is Table's fast path under the read lock; done is false when
// the table still has to be read from disk.
func (c *Catalog) loadedTable(name string) (t *Table, done bool, err error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, true, ErrClosed
	}
	e, err := c.tables.lookup(name)
	switch {
	case err != nil:
		return nil, true, err
	case e.err != nil:
		return nil, true, e.err
	case e.val == nil:
		return nil, false, nil
	}
	e.val.Retain()
	return e.val, true, nil
}

// PutTable publishes t under t.Name, Retaining it (the caller keeps its own
// reference). If the name is taken and replace is false it returns
// [ErrExists]. On disk the file is written atomically before the table
// becomes visible; if writing fails the previous version stays.
func (c *Catalog) PutTable(t *Table, replace bool) error {
	if err := checkTable(t); err != nil {
		return fmt.Errorf("catalog: PutTable: %w", err)
	}
	t.Retain()
	err := put(c, c.tables, t.Name, t, replace, func(s *store) error {
		return s.write(kindTable, t.Name, func(w io.Writer) error {
			return writeArrow(w, c.mem, t, map[string]string{metaKind: kindTable, metaName: t.Name})
		})
	})
	if err != nil {
		t.Release()
	}
	return err
}

// checkTable rejects tables that could not be written or scanned.
func checkTable(t *Table) error {
	if t == nil || t.Schema == nil {
		return errors.New("nil table or schema")
	}
	for i, b := range t.Batches {
		if !b.Schema().Equal(t.Schema) {
			return fmt.Errorf("table %q: batch %d has schema %v, want %v", t.Name, i, b.Schema(), t.Schema)
		}
	}
	return nil
}

// DropTable removes the named table. Unknown names are an error unless
// ifExists. Readers holding the table are unaffected.
func (c *Catalog) DropTable(name string, ifExists bool) error {
	return drop(c, c.tables, name, ifExists)
}

// Tables lists the table names, sorted.
func (c *Catalog) Tables() []string { return list(c, c.tables) }

// indexTables registers the table files; their batches are read lazily.
func (c *Catalog) indexTables() error {
	files, err := c.store.scan(kindTable)
	if err != nil {
		return err
	}
	for _, f := range files {
		e := &entry[*Table]{name: f.name}
		h, _, err := readArrow(f.path, kindTable, f.name, c.mem, false)
		if err != nil {
			e.err = err
		} else {
			e.name = h.meta[metaName]
		}
		c.tables.entries[key(e.name)] = e
	}
	return nil
}

// readTable reads a table file completely.
func (c *Catalog) readTable(name string) (*Table, error) {
	h, batches, err := readArrow(c.store.path(kindTable, name), kindTable, name, c.mem, true)
	if err != nil {
		return nil, err
	}
	return NewTable(h.meta[metaName], h.schema, batches), nil
}
