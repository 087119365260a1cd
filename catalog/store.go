package catalog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Object kinds, used in errors and to pick directories.
const (
	kindTable   = "table"
	kindModel   = "model"
	kindSegment = "segment"
)

// tmpPrefix starts the name of every file being written.
const tmpPrefix = ".tmp-"

// store is the on-disk side of a catalog: the directory layout, atomic
// writes and removals. It holds no objects.
type store struct {
	dir  string
	lock *os.File

	// beforeRename, if set, runs after the temp file is synced and before
	// it replaces the target; tests use it to inject write failures.
	beforeRename func(tmp string) error
}

// subdir is the directory of a kind, ext its file extension.
func subdir(kind string) string { return kind + "s" }

func ext(kind string) string {
	if kind == kindModel {
		return ".model"
	}
	return ".arrow"
}

// openStore creates the layout if missing and takes the directory lock.
func openStore(dir string) (*store, error) {
	for _, kind := range []string{kindTable, kindModel, kindSegment} {
		if err := os.MkdirAll(filepath.Join(dir, subdir(kind)), 0o755); err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
	}
	lock, err := lockDir(filepath.Join(dir, "LOCK"))
	if err != nil {
		return nil, err
	}
	return &store{dir: dir, lock: lock}, nil
}

func (s *store) close() error { return unlockDir(s.lock) }

// path is where the object kind/name lives.
func (s *store) path(kind, name string) string {
	return filepath.Join(s.dir, subdir(kind), encodeName(name)+ext(kind))
}

// stored is one object file found by scan; name is decoded from the file
// name (lower-cased), the original spelling is inside the file.
type stored struct {
	name string
	path string
}

// scan lists the object files of a kind, removing leftover temp files.
// Files with foreign names are ignored.
func (s *store) scan(kind string) ([]stored, error) {
	dir := filepath.Join(s.dir, subdir(kind))
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	var out []stored
	removed := false
	for _, de := range ents {
		fname := de.Name()
		switch {
		case strings.HasPrefix(fname, tmpPrefix):
			if err := os.Remove(filepath.Join(dir, fname)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("catalog: remove leftover temp file: %w", err)
			}
			removed = true
		case !de.Type().IsRegular() || !strings.HasSuffix(fname, ext(kind)):
			continue
		default:
			if name, ok := decodeName(strings.TrimSuffix(fname, ext(kind))); ok {
				out = append(out, stored{name: name, path: filepath.Join(dir, fname)})
			}
		}
	}
	if removed {
		return out, syncDir(dir)
	}
	return out, nil
}

// write atomically replaces the file of kind/name with what write
// produces: temp file, fsync, rename, fsync of the directory. On failure
// the previous file is untouched and the temp file removed.
func (s *store) write(kind, name string, write func(io.Writer) error) (err error) {
	dir := filepath.Join(s.dir, subdir(kind))
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("catalog: write %s %q: %w", kind, name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("catalog: write %s %q: %w", kind, name, err)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if s.beforeRename != nil {
		if err = s.beforeRename(f.Name()); err != nil {
			return err
		}
	}
	if err = os.Rename(f.Name(), s.path(kind, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// remove deletes the file of kind/name (absent is fine) and syncs the
// directory.
func (s *store) remove(kind, name string) error {
	err := os.Remove(s.path(kind, name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("catalog: drop %s %q: %w", kind, name, err)
	}
	return syncDir(filepath.Join(s.dir, subdir(kind)))
}

// syncDir makes renames and removals in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("catalog: sync %s: %w", dir, err)
	}
	return nil
}
