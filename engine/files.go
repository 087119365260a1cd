package engine

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// checkPath resolves path (symlinks and "..") and, when the engine is
// confined to AllowedDirs, refuses paths outside them. For a write, the
// parent directory is resolved instead of the (not yet existing) file.
func (e *Engine) checkPath(pos ast.Pos, path string, write bool) (string, error) {
	if len(e.opts.AllowedDirs) == 0 {
		return path, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", planner.Errorf(pos, ErrAccess, "%v", err)
	}
	if !write && strings.ContainsAny(path, "*?[") {
		// A glob may reach outside through a symlinked directory: check
		// every file it matches as well as the pattern.
		matches, _ := filepath.Glob(abs)
		for _, m := range matches {
			if !e.allowed(resolveExisting(m)) {
				return "", planner.Errorf(pos, ErrAccess, "access to %q (matched by %q) is not allowed (allowed: %s)", m, path, strings.Join(e.opts.AllowedDirs, ", "))
			}
		}
	}
	if e.allowed(resolveExisting(abs)) {
		return path, nil
	}
	return "", planner.Errorf(pos, ErrAccess, "access to %q is not allowed (allowed: %s)", path, strings.Join(e.opts.AllowedDirs, ", "))
}

// allowed reports whether a resolved path lies inside an allowed
// directory.
func (e *Engine) allowed(resolved string) bool {
	for _, dir := range e.opts.AllowedDirs {
		d, err := filepath.Abs(dir)
		if err != nil {
			continue
		}
		d = resolveExisting(d)
		if resolved == d || strings.HasPrefix(resolved, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// resolveExisting resolves symlinks in the longest existing prefix of p
// and appends the rest, so globs and files to be created resolve too.
func resolveExisting(p string) string {
	p = filepath.Clean(p)
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
		if _, err := os.Lstat(p); err == nil {
			continue
		}
	}
}
