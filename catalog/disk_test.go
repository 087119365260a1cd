package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestReopenSeesEverything(t *testing.T) {
	mem := checkedAlloc(t)
	dir := t.TempDir()
	c := open(t, dir, mem)

	md := arrow.NewMetadata([]string{"source"}, []string{"events.parquet"})
	events := versionTable(mem, "Events 2024/Q1", 3, 100, 4)
	events.Schema = arrow.NewSchema(testSchema.Fields(), &md) // user metadata survives
	defer events.Release()
	empty := NewTable("Empty", testSchema, nil)
	defer empty.Release()
	model := &Model{Name: "Churn", Definition: "CREATE MODEL Churn ...", Blob: []byte("weights"),
		CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600)), Meta: map[string]string{"auc": "0.8"}}
	members := versionTable(mem, "High.Risk", 9, 12, 2)
	defer members.Release()
	seg := &Segment{Name: "High.Risk", Definition: "CREATE SEGMENT ...", Members: members, ComputedAt: time.Unix(1e9, 5), Model: "Churn"}

	for _, err := range []error{c.PutTable(events, false), c.PutTable(empty, false), c.PutModel(model, false), c.PutSegment(seg, false)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	c = open(t, dir, mem)
	if errs := c.Errors(); len(errs) != 0 {
		t.Fatalf("Errors() = %v", errs)
	}
	if got, want := c.Names(), []string{"Churn", "Empty", "Events 2024/Q1", "High.Risk"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for _, want := range []*Table{events, empty} {
		got, err := c.Table(strings.ToUpper(want.Name))
		if err != nil {
			t.Fatal(err)
		}
		sameTable(t, got, want)
		if !reflect.DeepEqual(got.Schema.Metadata(), want.Schema.Metadata()) {
			t.Errorf("%s metadata %v, want %v", want.Name, got.Schema.Metadata(), want.Schema.Metadata())
		}
		got.Release()
	}
	gotModel, err := c.Model("churn")
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, gotModel, model)
	gotSeg, err := c.Segment("high.risk")
	if err != nil {
		t.Fatal(err)
	}
	sameSegment(t, gotSeg, seg)
	gotSeg.Release()

	if err := c.DropTable("empty", false); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c = open(t, dir, mem)
	if got := c.Tables(); !reflect.DeepEqual(got, []string{"Events 2024/Q1"}) {
		t.Fatalf("after drop and reopen: %q", got)
	}
}

func TestLeftoverTempFileIgnored(t *testing.T) {
	mem := checkedAlloc(t)
	dir := t.TempDir()
	c := open(t, dir, mem)
	tb := versionTable(mem, "t", 1, 4, 1)
	defer tb.Release()
	if err := c.PutTable(tb, false); err != nil {
		t.Fatal(err)
	}
	c.Close()

	// A crash mid-write leaves a partial temp file behind.
	tmp := filepath.Join(dir, "tables", ".tmp-12345")
	if err := os.WriteFile(tmp, []byte("ARROW1\x00\x00half"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = open(t, dir, mem)
	if errs := c.Errors(); len(errs) != 0 || !reflect.DeepEqual(c.Tables(), []string{"t"}) {
		t.Fatalf("Tables() = %q, Errors() = %v", c.Tables(), errs)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temp file not cleaned up: %v", err)
	}
}

func TestCorruptFilesBreakOnlyTheirObject(t *testing.T) {
	mem := checkedAlloc(t)
	dir := t.TempDir()
	c := open(t, dir, mem)
	for _, name := range []string{"good", "truncated", "garbage"} {
		tb := versionTable(mem, name, 1, 50, 2)
		if err := c.PutTable(tb, false); err != nil {
			t.Fatal(err)
		}
		tb.Release()
	}
	for _, name := range []string{"good_model", "bad_model"} {
		if err := c.PutModel(&Model{Name: name, Blob: []byte("0123456789")}, false); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()

	truncate(t, filepath.Join(dir, "tables", "truncated.arrow"))
	if err := os.WriteFile(filepath.Join(dir, "tables", "garbage.arrow"), []byte("not arrow at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	corruptByte(t, filepath.Join(dir, "models", "bad_model.model"))

	c = open(t, dir, mem)
	if got := c.Tables(); !reflect.DeepEqual(got, []string{"garbage", "good", "truncated"}) {
		t.Fatalf("broken tables must stay listed: %q", got)
	}
	if got := c.Models(); !reflect.DeepEqual(got, []string{"bad_model", "good_model"}) {
		t.Fatalf("broken models must stay listed: %q", got)
	}
	if errs := c.Errors(); len(errs) != 3 {
		t.Fatalf("Errors() = %v, want 3", errs)
	}
	for _, tc := range []struct{ kind, name, file string }{
		{"table", "truncated", "truncated.arrow"},
		{"table", "garbage", "garbage.arrow"},
		{"model", "bad_model", "bad_model.model"},
	} {
		var err error
		if tc.kind == "table" {
			_, err = c.Table(tc.name)
		} else {
			_, err = c.Model(tc.name)
		}
		var ce *CorruptError
		if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.file) {
			t.Errorf("%s %s: got %v, want a CorruptError naming %s", tc.kind, tc.name, err, tc.file)
		}
	}
	good, err := c.Table("good")
	if err != nil {
		t.Fatal(err)
	}
	good.Release()
	if _, err := c.Model("good_model"); err != nil {
		t.Fatal(err)
	}

	// Replacing and dropping repair the catalog.
	fixed := versionTable(mem, "truncated", 2, 5, 1)
	defer fixed.Release()
	if err := c.PutTable(fixed, true); err != nil {
		t.Fatal(err)
	}
	if err := c.DropModel("bad_model", false); err != nil {
		t.Fatal(err)
	}
	if errs := c.Errors(); len(errs) != 1 {
		t.Fatalf("after repair Errors() = %v, want only garbage", errs)
	}
}

func TestCorruptSegmentAndBodyDetectedLazily(t *testing.T) {
	mem := checkedAlloc(t)
	dir := t.TempDir()
	c := open(t, dir, mem)
	tb := versionTable(mem, "t", 1, 1000, 1)
	defer tb.Release()
	if err := c.PutTable(tb, false); err != nil {
		t.Fatal(err)
	}
	if err := c.PutSegment(&Segment{Name: "s", Members: tb}, false); err != nil {
		t.Fatal(err)
	}
	c.Close()
	truncate(t, filepath.Join(dir, "segments", "s.arrow"))
	// Cut the body out of the table but keep a valid-looking footer: only
	// reading the batches can notice.
	path := filepath.Join(dir, "tables", "t.arrow")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, append(b[:len(b)/4], b[len(b)/2:]...), 0o644)

	c = open(t, dir, mem)
	if _, err := c.Segment("s"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("segment: %v", err)
	}
	if errs := c.Errors(); len(errs) != 1 {
		t.Fatalf("Open should only have noticed the segment: %v", errs)
	}
	if _, err := c.Table("t"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("table: %v", err)
	}
	if _, err := c.Table("t"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("table, second lookup: %v", err)
	}
	if errs := c.Errors(); len(errs) != 2 {
		t.Fatalf("Errors() = %v, want segment and table", errs)
	}
}

func TestWriteFailureKeepsOldVersion(t *testing.T) {
	mem := checkedAlloc(t)
	dir := t.TempDir()
	c := open(t, dir, mem)
	v1 := versionTable(mem, "t", 1, 10, 1)
	defer v1.Release()
	if err := c.PutTable(v1, false); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	c.store.beforeRename = func(string) error { return boom }
	v2 := versionTable(mem, "t", 2, 10, 1)
	defer v2.Release()
	if err := c.PutTable(v2, true); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the injected error", err)
	}
	if err := c.PutModel(&Model{Name: "m"}, false); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the injected error", err)
	}
	c.store.beforeRename = nil
	if len(c.Models()) != 0 {
		t.Fatalf("failed model became visible: %q", c.Models())
	}
	got, err := c.Table("t")
	if err != nil {
		t.Fatal(err)
	}
	sameTable(t, got, v1)
	got.Release()
	if ents, _ := os.ReadDir(filepath.Join(dir, "tables")); len(ents) != 1 {
		t.Fatalf("temp files left behind: %v", ents)
	}
	c.Close()
	c = open(t, dir, mem)
	got, err = c.Table("t")
	if err != nil {
		t.Fatal(err)
	}
	sameTable(t, got, v1)
	got.Release()
}

func TestLockPreventsSecondOpener(t *testing.T) {
	mem := checkedAlloc(t)
	dir := t.TempDir()
	c := open(t, dir, mem)
	_, err := Open(Options{Dir: dir, Mem: mem})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "LOCK") {
		t.Fatalf("second Open: %v, want ErrLocked naming the lock file", err)
	}
	c.Close()
	c2 := open(t, dir, mem) // the lock is released by Close
	c2.Close()
}

func truncate(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()-17); err != nil {
		t.Fatal(err)
	}
}

func corruptByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, flip(b, len(b)/2), 0o644); err != nil {
		t.Fatal(err)
	}
}
