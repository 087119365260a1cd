package catalog

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestConcurrentReadersAndWriters hammers one catalog from several
// goroutines; run it with -race. Readers must always see complete versions,
// and a table they hold must not change under them.
func TestConcurrentReadersAndWriters(t *testing.T) {
	modes(t, func(t *testing.T, dir string) {
		mem := checkedAlloc(t)
		c := open(t, dir, mem)
		hammer(t, c, mem)
		if dir != "" { // again, with tables to be read lazily by racing readers
			c.Close()
			hammer(t, open(t, dir, mem), mem)
		}
	})
}

// hammer runs concurrent writers and readers against c.
func hammer(t *testing.T, c *Catalog, mem memory.Allocator) {
	const rows, writers, readers, rounds = 64, 3, 6, 40
	names := []string{"a", "b"}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	report := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for range readers {
		wg.Go(func() {
			for range rounds * 2 {
				report(readRound(c, names, rows))
			}
		})
	}
	for w := range writers {
		wg.Go(func() {
			for i := range rounds {
				report(writeRound(c, mem, names[i%len(names)], int64(w*rounds+i), rows, i%7 == 6))
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// writeRound replaces (or drops) the table, model and segment called name.
func writeRound(c *Catalog, mem memory.Allocator, name string, v int64, rows int, dropIt bool) error {
	if dropIt {
		return errors.Join(c.DropTable(name, true), c.DropModel(name, true), c.DropSegment(name, true))
	}
	tb := versionTable(mem, name, v, rows, 2)
	defer tb.Release()
	return errors.Join(
		c.PutTable(tb, true),
		c.PutModel(&Model{Name: name, Blob: []byte(fmt.Sprint(v)), Meta: map[string]string{"v": fmt.Sprint(v)}}, true),
		c.PutSegment(&Segment{Name: name, Members: tb, Definition: fmt.Sprint(v)}, true),
	)
}

// readRound looks everything up and checks it is self-consistent.
func readRound(c *Catalog, names []string, rows int) error {
	for _, name := range names {
		tb, err := c.Table(name)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		v1, err := checkVersion(tb, rows)
		runtime.Gosched()
		time.Sleep(time.Microsecond)
		v2, err2 := checkVersion(tb, rows)
		tb.Release()
		if err := errors.Join(err, err2); err != nil || v1 != v2 {
			return fmt.Errorf("held table changed from %d to %d: %v", v1, v2, err)
		}
		if m, err := c.Model(name); err == nil && m.Meta["v"] != string(m.Blob) {
			return fmt.Errorf("torn model %+v", m)
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if s, err := c.Segment(name); err == nil {
			v, err := checkVersion(s.Members, rows)
			s.Release()
			if err != nil || fmt.Sprint(v) != s.Definition {
				return fmt.Errorf("torn segment %q version %d: %v", s.Definition, v, err)
			}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	_ = c.Names()
	_ = c.Tables()
	return nil
}
