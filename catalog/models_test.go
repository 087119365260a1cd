package catalog

import (
	"bytes"
	"errors"
	"maps"
	"reflect"
	"testing"
	"time"
)

func sameModel(t *testing.T, got, want *Model) {
	t.Helper()
	if got.Name != want.Name || got.Definition != want.Definition || !bytes.Equal(got.Blob, want.Blob) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !maps.Equal(got.Meta, want.Meta) {
		t.Fatalf("model %+v, want %+v", got, want)
	}
}

func TestModelPutGetReplaceDrop(t *testing.T) {
	modes(t, func(t *testing.T, dir string) {
		c := open(t, dir, checkedAlloc(t))
		m1 := &Model{Name: "Churn_30d", Definition: "CREATE MODEL churn_30d AS ...", Blob: []byte{1, 2, 3},
			CreatedAt: time.Date(2024, 6, 30, 12, 0, 0, 123, time.UTC), Meta: map[string]string{"kind": "churn"}}
		if err := c.PutModel(m1, false); err != nil {
			t.Fatal(err)
		}
		m1.Blob[0] = 99 // the catalog holds its own copy
		got, err := c.Model("CHURN_30D")
		if err == nil && got.Blob[0] != 1 {
			t.Fatal("caller's edit after PutModel leaked into the catalog")
		}
		m1.Blob[0] = 1
		if err != nil {
			t.Fatal(err)
		}
		sameModel(t, got, m1)
		got.Blob[0] = 42 // and hands out copies
		if again, _ := c.Model("churn_30d"); again.Blob[0] != 1 {
			t.Fatal("caller's edit leaked into the catalog")
		}

		m2 := &Model{Name: "churn_30d", Blob: bytes.Repeat([]byte{7}, 1000), CreatedAt: time.Now()}
		if err := c.PutModel(m2, false); !errors.Is(err, ErrExists) {
			t.Fatalf("got %v, want ErrExists", err)
		}
		if err := c.PutModel(m2, true); err != nil {
			t.Fatal(err)
		}
		got, _ = c.Model("churn_30d")
		sameModel(t, got, m2)
		if names := c.Models(); !reflect.DeepEqual(names, []string{"churn_30d"}) {
			t.Fatalf("Models() = %v", names)
		}
		if err := c.DropModel("Churn_30D", false); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Model("churn_30d"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after drop: %v", err)
		}
		if err := c.DropModel("churn_30d", true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestModelFileRoundTrip(t *testing.T) {
	m := &Model{Name: "m", Definition: "d", Blob: []byte("blob"), CreatedAt: time.Unix(5, 6).UTC(), Meta: map[string]string{"a": "b"}}
	var buf bytes.Buffer
	if err := encodeModel(&buf, m); err != nil {
		t.Fatal(err)
	}
	got, err := decodeModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, got, m)
	good := buf.Bytes()
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"bad magic", append([]byte("NOTMODEL"), good[8:]...)},
		{"truncated", good[:len(good)-5]},
		{"bit flip", flip(good, 20)},
		{"short", good[:12]},
	} {
		if _, err := decodeModel(tc.b); err == nil {
			t.Errorf("%s: decoded without error", tc.name)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}
