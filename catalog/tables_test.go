package catalog

import (
	"errors"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestTablePutGetReplaceDrop(t *testing.T) {
	modes(t, func(t *testing.T, dir string) {
		mem := checkedAlloc(t)
		c := open(t, dir, mem)

		v1 := versionTable(mem, "Events", 1, 10, 2)
		defer v1.Release()
		if err := c.PutTable(v1, false); err != nil {
			t.Fatal(err)
		}
		got, err := c.Table("events") // case-insensitive
		if err != nil {
			t.Fatal(err)
		}
		sameTable(t, got, v1)

		v2 := versionTable(mem, "EVENTS", 2, 7, 3)
		defer v2.Release()
		if err := c.PutTable(v2, false); !errors.Is(err, ErrExists) {
			t.Fatalf("PutTable without replace: got %v, want ErrExists", err)
		}
		if err := c.PutTable(v2, true); err != nil {
			t.Fatal(err)
		}
		if v, err := checkVersion(got, 10); err != nil || v != 1 {
			t.Fatalf("held v1 after replace: version %d, %v", v, err)
		}
		got.Release()

		got, err = c.Table("Events")
		if err != nil {
			t.Fatal(err)
		}
		sameTable(t, got, v2)
		if names := c.Tables(); !reflect.DeepEqual(names, []string{"EVENTS"}) {
			t.Fatalf("Tables() = %v", names)
		}

		if err := c.DropTable("eVeNtS", false); err != nil {
			t.Fatal(err)
		}
		if v, err := checkVersion(got, 7); err != nil || v != 2 {
			t.Fatalf("held v2 after drop: version %d, %v", v, err)
		}
		got.Release()
		if _, err := c.Table("events"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after drop: %v", err)
		}
		if err := c.DropTable("events", false); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second drop: %v", err)
		}
		if err := c.DropTable("events", true); err != nil {
			t.Fatalf("drop if exists: %v", err)
		}
		if len(c.Tables()) != 0 {
			t.Fatalf("Tables() = %v", c.Tables())
		}
	})
}

func TestNotFoundSuggests(t *testing.T) {
	mem := checkedAlloc(t)
	c := open(t, "", mem)
	for _, name := range []string{"events", "profiles", "evnt_types"} {
		tb := versionTable(mem, name, 1, 1, 1)
		if err := c.PutTable(tb, false); err != nil {
			t.Fatal(err)
		}
		tb.Release()
	}
	_, err := c.Table("evnts")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want *NotFoundError", err)
	}
	if nf.Kind != "table" || nf.Name != "evnts" || !reflect.DeepEqual(nf.Suggestions, []string{"events"}) {
		t.Fatalf("got %+v", nf)
	}
	if want := `unknown table "evnts" (did you mean "events"?)`; err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
	if _, err := c.Model("events"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("namespaces are separate: model lookup gave %v", err)
	}
}

func TestPutValidation(t *testing.T) {
	mem := checkedAlloc(t)
	c := open(t, "", mem)
	tb := versionTable(mem, "", 1, 1, 1)
	defer tb.Release()
	if err := c.PutTable(tb, false); err == nil {
		t.Fatal("empty name accepted")
	}
	if err := c.PutTable(nil, false); err == nil {
		t.Fatal("nil table accepted")
	}
	if err := c.PutSegment(&Segment{Name: "s"}, false); err == nil {
		t.Fatal("segment without members accepted")
	}
	other := versionTable(mem, "x", 1, 1, 1)
	defer other.Release()
	mixed := &Table{Name: "mixed", Schema: arrow.NewSchema(testSchema.Fields()[:1], nil), Batches: other.Batches}
	if err := c.PutTable(mixed, false); err == nil {
		t.Fatal("batches with a different schema accepted")
	}
}

func TestClosed(t *testing.T) {
	mem := checkedAlloc(t)
	c := open(t, t.TempDir(), mem)
	tb := versionTable(mem, "t", 1, 3, 1)
	defer tb.Release()
	if err := c.PutTable(tb, false); err != nil {
		t.Fatal(err)
	}
	held, err := c.Table("t")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c.Table("t"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Table after Close: %v", err)
	}
	if err := c.PutTable(tb, true); !errors.Is(err, ErrClosed) {
		t.Fatalf("PutTable after Close: %v", err)
	}
	if v, err := checkVersion(held, 3); err != nil || v != 1 {
		t.Fatalf("held table after Close: %d, %v", v, err)
	}
}
