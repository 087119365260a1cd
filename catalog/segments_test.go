package catalog

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func sameSegment(t *testing.T, got, want *Segment) {
	t.Helper()
	if got.Name != want.Name || got.Definition != want.Definition || got.Model != want.Model || !got.ComputedAt.Equal(want.ComputedAt) {
		t.Fatalf("segment %+v, want %+v", got, want)
	}
	sameTable(t, got.Members, want.Members)
}

func TestSegmentPutGetReplaceDrop(t *testing.T) {
	modes(t, func(t *testing.T, dir string) {
		mem := checkedAlloc(t)
		c := open(t, dir, mem)
		members := versionTable(mem, "At_Risk", 1, 5, 1)
		defer members.Release()
		s1 := &Segment{Name: "At_Risk", Definition: "CREATE SEGMENT at_risk AS SELECT ...", Members: members,
			ComputedAt: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Model: "churn_30d"}
		if err := c.PutSegment(s1, false); err != nil {
			t.Fatal(err)
		}
		got, err := c.Segment("at_risk")
		if err != nil {
			t.Fatal(err)
		}
		sameSegment(t, got, s1)

		members2 := versionTable(mem, "at_risk", 2, 3, 2)
		defer members2.Release()
		s2 := &Segment{Name: "at_risk", Definition: "v2", Members: members2, ComputedAt: time.Now()}
		if err := c.PutSegment(s2, false); !errors.Is(err, ErrExists) {
			t.Fatalf("got %v, want ErrExists", err)
		}
		if err := c.PutSegment(s2, true); err != nil {
			t.Fatal(err)
		}
		if v, err := checkVersion(got.Members, 5); err != nil || v != 1 {
			t.Fatalf("held v1 after replace: %d, %v", v, err)
		}
		got.Release()
		got, err = c.Segment("AT_RISK")
		if err != nil {
			t.Fatal(err)
		}
		sameSegment(t, got, s2)
		got.Release()
		if names := c.Segments(); !reflect.DeepEqual(names, []string{"at_risk"}) {
			t.Fatalf("Segments() = %v", names)
		}
		if err := c.DropSegment("at_risk", false); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Segment("at_risk"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after drop: %v", err)
		}
	})
}
