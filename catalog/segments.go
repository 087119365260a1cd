package catalog

import (
	"errors"
	"fmt"
	"io"
	"time"
)

func releaseSegment(s *Segment) {
	if s != nil {
		s.Release()
	}
}

// Segment returns a copy of the named segment whose Members is Retained:
// the caller must call its Release. An unknown name gives a
// [*NotFoundError]; a broken file a [*CorruptError]. On disk, the first
// lookup reads the members.
func (c *Catalog) Segment(name string) (*Segment, error) {
	if s, done, err := c.loadedSegment(name); done {
		return s, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	e, err := c.segments.lookup(name)
	if err != nil {
		return nil, err
	}
	if e.err == nil && e.val.Members == nil {
		var s *Segment
		s, err = c.readSegment(e.name, true)
		if errors.Is(err, ErrCorrupt) {
			e.err = err
		}
		if err != nil {
			return nil, err
		}
		e.val = s
	}
	if e.err != nil {
		return nil, e.err
	}
	return e.val.retained(), nil
}

// loadedSegment is Segment's fast path under the read lock; done is false
// when the members still have to be read from disk.
func (c *Catalog) loadedSegment(name string) (s *Segment, done bool, err error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, true, ErrClosed
	}
	e, err := c.segments.lookup(name)
	switch {
	case err != nil:
		return nil, true, err
	case e.err != nil:
		return nil, true, e.err
	case e.val.Members == nil:
		return nil, false, nil
	}
	return e.val.retained(), true, nil
}

// retained returns a copy of s sharing a Retained Members.
func (s *Segment) retained() *Segment {
	cp := *s
	cp.Members.Retain()
	return &cp
}

// PutSegment stores s under s.Name, Retaining s.Members (the caller keeps
// its own reference). If the name is taken and replace is false it returns
// [ErrExists]. On disk the file is written atomically before the segment
// becomes visible; if writing fails the previous version stays.
func (c *Catalog) PutSegment(s *Segment, replace bool) error {
	if s == nil {
		return errors.New("catalog: PutSegment: nil segment")
	}
	if err := checkTable(s.Members); err != nil {
		return fmt.Errorf("catalog: PutSegment: members: %w", err)
	}
	s = s.retained()
	err := put(c, c.segments, s.Name, s, replace, func(st *store) error {
		return st.write(kindSegment, s.Name, func(w io.Writer) error {
			return writeArrow(w, c.mem, s.Members, segmentMeta(s))
		})
	})
	if err != nil {
		s.Release()
	}
	return err
}

// DropSegment removes the named segment. Unknown names are an error unless
// ifExists. Readers holding its members are unaffected.
func (c *Catalog) DropSegment(name string, ifExists bool) error {
	return drop(c, c.segments, name, ifExists)
}

// Segments lists the segment names, sorted.
func (c *Catalog) Segments() []string { return list(c, c.segments) }

// segmentMeta is what a segment file stores in its schema metadata.
func segmentMeta(s *Segment) map[string]string {
	return map[string]string{
		metaKind:       kindSegment,
		metaName:       s.Name,
		metaDefinition: s.Definition,
		metaComputedAt: s.ComputedAt.Format(time.RFC3339Nano),
		metaModel:      s.Model,
	}
}

// indexSegments reads the header of every segment file; members are read
// lazily.
func (c *Catalog) indexSegments() error {
	files, err := c.store.scan(kindSegment)
	if err != nil {
		return err
	}
	for _, f := range files {
		e := &entry[*Segment]{name: f.name}
		if s, err := c.readSegment(f.name, false); err != nil {
			e.err = err
		} else {
			e.name, e.val = s.Name, s
		}
		c.segments.entries[key(e.name)] = e
	}
	return nil
}

// readSegment reads a segment file; Members stays nil unless withMembers.
func (c *Catalog) readSegment(name string, withMembers bool) (*Segment, error) {
	path := c.store.path(kindSegment, name)
	h, batches, err := readArrow(path, kindSegment, name, c.mem, withMembers)
	if err != nil {
		return nil, err
	}
	at, err := time.Parse(time.RFC3339Nano, h.meta[metaComputedAt])
	if err != nil {
		releaseAll(batches)
		return nil, &CorruptError{Kind: kindSegment, Name: name, Path: path, Err: fmt.Errorf("computed_at: %w", err)}
	}
	s := &Segment{Name: h.meta[metaName], Definition: h.meta[metaDefinition], ComputedAt: at, Model: h.meta[metaModel]}
	if withMembers {
		s.Members = NewTable(s.Name, h.schema, batches)
	}
	return s, nil
}
