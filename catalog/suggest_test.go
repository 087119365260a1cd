package catalog

import (
	"reflect"
	"testing"
)

func TestSuggest(t *testing.T) {
	cands := []string{"events", "Event_Type", "profiles", "customer_id", "evens", "ab"}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"evnts", []string{"events"}},
		{"event", []string{"evens", "events"}},
		{"EVENTS", []string{"events", "evens"}},
		{"event_typ", []string{"Event_Type"}},
		{"profile", []string{"profiles"}},
		{"xyz", nil},
		{"a", []string{"ab"}},
		{"customerid", []string{"customer_id"}},
	} {
		if got := Suggest(tc.name, cands); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Suggest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := Suggest("aaaa", []string{"aaab", "aaac", "aaad", "aaae", "aaab"}); len(got) != 3 || got[0] != "aaab" {
		t.Errorf("at most 3, deduplicated: %q", got)
	}
}

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"évent", "event", 1}} {
		if d := levenshtein([]rune(tc.a), []rune(tc.b)); d != tc.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func TestNameEncoding(t *testing.T) {
	for _, name := range []string{"events", "Events", "my table", "a.b", "%x", "..", "é", "a/b", "-_0"} {
		enc := encodeName(name)
		dec, ok := decodeName(enc)
		if !ok || dec != key(name) {
			t.Errorf("%q -> %q -> %q, %v", name, enc, dec, ok)
		}
		if enc[0] == '.' {
			t.Errorf("%q encodes to hidden name %q", name, enc)
		}
	}
	for _, stem := range []string{"", "A", "a%2", "a%zz", "a%61", "a.b"} {
		if _, ok := decodeName(stem); ok {
			t.Errorf("decodeName(%q) accepted", stem)
		}
	}
}
