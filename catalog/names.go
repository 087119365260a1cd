package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// maxFileName bounds an encoded name so that it fits any file system.
const maxFileName = 200

// key is the case-insensitive lookup key of a name.
func key(name string) string { return strings.ToLower(name) }

// checkName rejects names that cannot be stored.
func checkName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("catalog: empty %s name", kind)
	case len(encodeName(name)) > maxFileName:
		return fmt.Errorf("catalog: %s name %.20q... is too long", kind, name)
	}
	return nil
}

// encodeName maps a name to a file name stem: lower-cased, with every byte
// outside [a-z0-9_-] written as %XX. The result never starts with a dot.
func encodeName(name string) string {
	var b strings.Builder
	for _, c := range []byte(key(name)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// decodeName inverts encodeName. It reports false for stems that
// encodeName could not have produced.
func decodeName(stem string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(stem); i++ {
		if stem[i] != '%' {
			b.WriteByte(stem[i])
			continue
		}
		if i+2 >= len(stem) {
			return "", false
		}
		v, err := strconv.ParseUint(stem[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	name := b.String()
	return name, name != "" && encodeName(name) == stem
}

// entry is one named object. val is the zero value while a table or
// segment's data is not loaded yet; err is set if its file is broken.
type entry[V any] struct {
	name string
	val  V
	err  error
}

// namespace holds the objects of one kind, keyed by key(name).
type namespace[V any] struct {
	kind    string
	entries map[string]*entry[V]
	release func(V) // drops the catalog's reference to a value
}

func newNamespace[V any](kind string, release func(V)) *namespace[V] {
	return &namespace[V]{kind: kind, entries: map[string]*entry[V]{}, release: release}
}

// lookup finds name or returns a *NotFoundError with suggestions.
func (n *namespace[V]) lookup(name string) (*entry[V], error) {
	if e, ok := n.entries[key(name)]; ok {
		return e, nil
	}
	return nil, &NotFoundError{Kind: n.kind, Name: name, Suggestions: Suggest(name, n.names())}
}

// names lists the original spellings, sorted.
func (n *namespace[V]) names() []string {
	out := make([]string, 0, len(n.entries))
	for _, e := range n.entries {
		out = append(out, e.name)
	}
	sort.Strings(out)
	return out
}

// errors lists the problems of broken entries.
func (n *namespace[V]) errors() []error {
	var out []error
	for _, e := range n.entries {
		if e.err != nil {
			out = append(out, e.err)
		}
	}
	return out
}

// releaseAll drops the catalog's references and empties the namespace.
func (n *namespace[V]) releaseAll() {
	for k, e := range n.entries {
		n.release(e.val)
		delete(n.entries, k)
	}
}
