package catalog

import (
	"errors"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Options configures [Open].
type Options struct {
	Dir string           // "" keeps everything in memory
	Mem memory.Allocator // for loaded tables and IPC encoding; nil = memory.DefaultAllocator
}

// Catalog holds named tables, models and segments. It is safe for
// concurrent use.
type Catalog struct {
	mem   memory.Allocator
	store *store // nil in memory

	// wmu serialises mutations (including their disk writes) so readers,
	// which take only mu, are not blocked by fsync. Lock order: wmu, mu.
	wmu sync.Mutex
	mu  sync.RWMutex

	closed   bool
	tables   *namespace[*Table]
	models   *namespace[*Model]
	segments *namespace[*Segment]
}

// Open returns a catalog. With opts.Dir set it creates the directory if
// missing, takes its lock (failing with [ErrLocked] if another process
// holds it), removes leftover temp files and indexes the objects found;
// see the package comment for what is loaded when and how broken files are
// reported.
func Open(opts Options) (*Catalog, error) {
	c := &Catalog{
		mem:      opts.Mem,
		tables:   newNamespace(kindTable, releaseTable),
		models:   newNamespace(kindModel, func(*Model) {}),
		segments: newNamespace(kindSegment, releaseSegment),
	}
	if c.mem == nil {
		c.mem = memory.DefaultAllocator
	}
	if opts.Dir == "" {
		return c, nil
	}
	s, err := openStore(opts.Dir)
	if err != nil {
		return nil, err
	}
	c.store = s
	if err := c.index(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// index registers every object file of the store.
func (c *Catalog) index() error {
	for _, idx := range []func() error{c.indexTables, c.indexModels, c.indexSegments} {
		if err := idx(); err != nil {
			return err
		}
	}
	return nil
}

// Close releases every object the catalog holds and, on disk, the
// directory lock. Tables retained by readers stay valid. Closing twice is
// harmless; other methods of a closed catalog return [ErrClosed].
func (c *Catalog) Close() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.tables.releaseAll()
	c.models.releaseAll()
	c.segments.releaseAll()
	if c.store != nil {
		return c.store.close()
	}
	return nil
}

// Names returns the names of all tables, models and segments, sorted and
// without duplicates, for completion and suggestions.
func (c *Catalog) Names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	all := append(append(c.tables.names(), c.models.names()...), c.segments.names()...)
	sort.Strings(all)
	out := all[:0]
	for i, n := range all {
		if i == 0 || n != all[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// Errors reports the broken objects known so far (found by [Open] or by a
// later lookup), each a [*CorruptError] or an I/O error naming the object.
// The objects stay listed; dropping or replacing one clears its error.
func (c *Catalog) Errors() []error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	all := append(append(c.tables.errors(), c.models.errors()...), c.segments.errors()...)
	sort.Slice(all, func(i, j int) bool { return all[i].Error() < all[j].Error() })
	return all
}

// put publishes val under name after write (on disk only) succeeded. The
// caller has already taken the catalog's reference to val and must drop
// it if put fails.
func put[V any](c *Catalog, ns *namespace[V], name string, val V, replace bool, write func(*store) error) error {
	if err := checkName(ns.kind, name); err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.RLock()
	closed := c.closed
	_, exists := ns.entries[key(name)]
	c.mu.RUnlock()
	switch {
	case closed:
		return ErrClosed
	case exists && !replace:
		return existsError(ns.kind, name)
	}
	if c.store != nil {
		if err := write(c.store); err != nil {
			return err
		}
	}
	c.mu.Lock()
	old := ns.entries[key(name)]
	ns.entries[key(name)] = &entry[V]{name: name, val: val}
	c.mu.Unlock()
	if old != nil {
		ns.release(old.val)
	}
	return nil
}

// drop removes name from ns and from disk.
func drop[V any](c *Catalog, ns *namespace[V], name string, ifExists bool) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.RLock()
	closed := c.closed
	e, err := ns.lookup(name)
	c.mu.RUnlock()
	switch {
	case closed:
		return ErrClosed
	case errors.Is(err, ErrNotFound) && ifExists:
		return nil
	case err != nil:
		return err
	}
	if c.store != nil {
		if err := c.store.remove(ns.kind, e.name); err != nil {
			return err
		}
	}
	c.mu.Lock()
	delete(ns.entries, key(name))
	c.mu.Unlock()
	ns.release(e.val)
	return nil
}

// list returns the sorted names of ns.
func list[V any](c *Catalog, ns *namespace[V]) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return ns.names()
}
