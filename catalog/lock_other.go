//go:build !unix

package catalog

import "os"

// lockDir only creates DIR/LOCK: on this platform there is no flock, so
// concurrent openers are not detected.
func lockDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

// unlockDir closes the lock file.
func unlockDir(f *os.File) error { return f.Close() }
