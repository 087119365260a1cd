package catalog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The crash test: a child process loops writing new versions of a table
// "t", a model "m", a segment "s" and a dropped-and-recreated table "d",
// each self-checking; the parent SIGKILLs it at a random moment and checks
// that reopening the directory shows only complete versions.

// crashRows is the row count of version v, varied so that mixing parts of
// two versions cannot go unnoticed.
func crashRows(v int64) int { return 50 + int(v%7)*40 }

// crashBlob is model version v's blob: repeated byte v, then its CRC.
func crashBlob(v int64) []byte {
	b := bytes.Repeat([]byte{byte(v)}, 100+int(v%50))
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// crashChild is the writer process; it returns an exit code.
func crashChild(dir string) int {
	mem := memory.NewGoAllocator()
	c, err := Open(Options{Dir: dir, Mem: mem})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	v := int64(0)
	if t, err := c.Table("t"); err == nil {
		v = t.Batches[0].Column(0).(*array.Int64).Value(0)
		t.Release()
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		v++
		if err := crashWrite(c, mem, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
	}
	return 0
}

func crashWrite(c *Catalog, mem memory.Allocator, v int64) error {
	tb := versionTable(mem, "t", v, crashRows(v), 1+int(v%3))
	defer tb.Release()
	err := errors.Join(
		c.PutTable(tb, true),
		c.PutModel(&Model{Name: "m", Blob: crashBlob(v), Meta: map[string]string{"version": strconv.FormatInt(v, 10)}}, true),
		c.PutSegment(&Segment{Name: "s", Definition: fmt.Sprint("version ", v), Members: tb, Model: "m", ComputedAt: time.Now()}, true),
	)
	if v%2 == 0 {
		return errors.Join(err, c.DropTable("d", true))
	}
	d := versionTable(mem, "d", v, crashRows(v), 2)
	defer d.Release()
	return errors.Join(err, c.PutTable(d, true))
}

func TestCrashLeavesCompleteVersions(t *testing.T) {
	trials := 50
	if testing.Short() {
		trials = 10
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start, last, advanced := time.Now(), int64(0), 0
	for i := range trials {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(5+rand.IntN(46)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil && cmd.ProcessState.ExitCode() != -1 {
			t.Fatalf("trial %d: child failed: %v", i, err)
		}
		v, err := verifyCrashDir(t, dir)
		if err != nil {
			t.Fatalf("trial %d: %v", i, err)
		}
		if v < last {
			t.Fatalf("trial %d: table t went back from version %d to %d", i, last, v)
		}
		if v > last {
			advanced++
		}
		last = v
	}
	t.Logf("%d trials in %v; %d of them wrote, %d versions in all", trials, time.Since(start).Round(time.Millisecond), advanced, last)
	if last == 0 {
		t.Fatal("the child never completed a write; the test proved nothing")
	}
}

// verifyCrashDir opens dir and checks every object; it returns the version
// of table t (0 if absent).
func verifyCrashDir(t *testing.T, dir string) (int64, error) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c, err := Open(Options{Dir: dir, Mem: mem})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if errs := c.Errors(); len(errs) > 0 {
		return 0, errors.Join(errs...)
	}
	for _, kind := range []string{"tables", "models", "segments"} {
		ents, _ := os.ReadDir(filepath.Join(dir, kind))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), tmpPrefix) {
				return 0, fmt.Errorf("temp file %s survived Open", e.Name())
			}
		}
	}
	tv, err := checkCrashTable(c, "t")
	if err != nil {
		return 0, err
	}
	if _, err := checkCrashTable(c, "d"); err != nil {
		return 0, err
	}
	return tv, errors.Join(checkCrashModel(c), checkCrashSegment(c))
}

func checkCrashTable(c *Catalog, name string) (int64, error) {
	tb, err := c.Table(name)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	defer tb.Release()
	v := tb.Batches[0].Column(0).(*array.Int64).Value(0)
	_, err = checkVersion(tb, crashRows(v))
	return v, err
}

func checkCrashModel(c *Catalog) error {
	m, err := c.Model("m")
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	v, err := strconv.ParseInt(m.Meta["version"], 10, 64)
	if err != nil || !bytes.Equal(m.Blob, crashBlob(v)) {
		return fmt.Errorf("model m: torn version %q (%v)", m.Meta["version"], err)
	}
	return nil
}

func checkCrashSegment(c *Catalog) error {
	s, err := c.Segment("s")
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	defer s.Release()
	v := s.Members.Batches[0].Column(0).(*array.Int64).Value(0)
	if _, err := checkVersion(s.Members, crashRows(v)); err != nil || s.Definition != fmt.Sprint("version ", v) || s.Model != "m" {
		return fmt.Errorf("segment s: torn version %q with members of %d (%v)", s.Definition, v, err)
	}
	return nil
}
