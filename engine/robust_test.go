package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// robustSetup is the persistent catalog the corruption tests start from:
// a table, a model to corrupt (churn_bad), a healthy model (churn_ok) and
// a segment on the healthy one.
const robustSetup = `
CREATE TABLE ev FROM 'testdata/bad/events.csv';
CREATE MODEL churn_bad AS PREDICT CHURN FOR EACH customer_id FROM ev
  GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);
CREATE MODEL churn_ok AS PREDICT CHURN FOR EACH customer_id FROM ev
  GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2, seed = 7);
CREATE SEGMENT seg AS SELECT customer_id FROM PREDICT(churn_ok) WHERE bucket = 'high';
`

// splitContainer cuts a CAIMODEL file (see catalog/modelfile.go) into its
// JSON header and blob.
func splitContainer(t *testing.T, b []byte) (hdr, blob []byte) {
	t.Helper()
	const magic = "CAIMODEL"
	if len(b) < len(magic)+20 || string(b[:len(magic)]) != magic {
		t.Fatalf("not a CAIMODEL file (%d bytes)", len(b))
	}
	r := b[len(magic)+4:]
	hlen := binary.LittleEndian.Uint32(r)
	r = r[4:]
	hdr = r[:hlen]
	r = r[hlen:]
	blen := binary.LittleEndian.Uint64(r)
	blob = r[8 : 8+blen]
	return hdr, blob
}

// joinContainer writes a CAIMODEL file with a valid length and checksum,
// so the damage is seen by the engine, not by the catalog's checksum.
func joinContainer(hdr, blob []byte) []byte {
	var buf bytes.Buffer
	buf.WriteString("CAIMODEL")
	buf.Write(binary.LittleEndian.AppendUint32(nil, 1))
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hdr))))
	buf.Write(hdr)
	buf.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(blob))))
	buf.Write(blob)
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(buf.Bytes())))
	return buf.Bytes()
}

// rewriteBlob decodes the engine's model file inside the container, lets
// edit change it, and re-encodes it with valid framing.
func rewriteBlob(t *testing.T, b []byte, edit func(mf *modelFile)) []byte {
	t.Helper()
	hdr, blob := splitContainer(t, b)
	mf, err := unmarshalModelFile(blob)
	if err != nil {
		t.Fatalf("decode the healthy model: %v", err)
	}
	edit(mf)
	nb, err := mf.marshal()
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	return joinContainer(hdr, nb)
}

// runAll runs src and returns the formatted output (as the data-driven
// tests print it) and the error, if any.
func runAll(e *Engine, src string) (string, error) {
	var sb strings.Builder
	var firstErr error
	out := runCase(e, src)
	sb.WriteString(out)
	if i := strings.Index(out, "error: "); i >= 0 {
		firstErr = fmt.Errorf("%s", strings.TrimSpace(out[i+len("error: "):]))
	}
	return sb.String(), firstErr
}

// TestCorruptModelFile damages the file of one model of a persistent
// catalog in several ways. Every statement that needs the model must fail
// with a positioned error naming it (never a panic or "internal error"),
// and everything else in the catalog must keep working, including
// dropping and re-creating the damaged model.
func TestCorruptModelFile(t *testing.T) {
	cases := []struct {
		name    string
		corrupt func(t *testing.T, b []byte) []byte
	}{
		{"garbage", func(t *testing.T, b []byte) []byte { return bytes.Repeat([]byte{0xA5, 0x17, 0x00}, 333) }},
		{"empty", func(t *testing.T, b []byte) []byte { return nil }},
		{"truncated", func(t *testing.T, b []byte) []byte { return b[:len(b)/2] }},
		{"bitflip", func(t *testing.T, b []byte) []byte {
			c := bytes.Clone(b)
			c[len(c)/2] ^= 0xFF
			return c
		}},
		{"blob-truncated", func(t *testing.T, b []byte) []byte {
			hdr, blob := splitContainer(t, b)
			return joinContainer(hdr, blob[:len(blob)/2])
		}},
		{"blob-garbage", func(t *testing.T, b []byte) []byte {
			hdr, blob := splitContainer(t, b)
			g := bytes.Clone(blob)
			for i := 16; i < len(g); i += 7 {
				g[i] ^= 0x5A
			}
			return joinContainer(hdr, g)
		}},
		{"net-truncated", func(t *testing.T, b []byte) []byte {
			return rewriteBlob(t, b, func(mf *modelFile) { mf.Net = mf.Net[:len(mf.Net)/2] })
		}},
		{"columns-dropped", func(t *testing.T, b []byte) []byte {
			return rewriteBlob(t, b, func(mf *modelFile) { mf.Columns = mf.Columns[:len(mf.Columns)/2] })
		}},
		{"typical-dropped", func(t *testing.T, b []byte) []byte {
			return rewriteBlob(t, b, func(mf *modelFile) { mf.Typical = mf.Typical[:1] })
		}},
		{"identity-renamed", func(t *testing.T, b []byte) []byte {
			return rewriteBlob(t, b, func(mf *modelFile) { mf.Identity = "no_such_column" })
		}},
		{"definition-garbage", func(t *testing.T, b []byte) []byte {
			return rewriteBlob(t, b, func(mf *modelFile) { mf.Definition = "CREATE MODEL churn_bad AS PREDICT GARBAGE;" })
		}},
		{"future-version", func(t *testing.T, b []byte) []byte {
			return rewriteBlob(t, b, func(mf *modelFile) { mf.Version = 999 })
		}},
	}
	// Build the catalog once and copy it for each case.
	base := t.TempDir()
	{
		e, err := Open(Options{Dir: base})
		if err != nil {
			t.Fatal(err)
		}
		if out, err := runAll(e, robustSetup); err != nil {
			e.Close()
			t.Fatalf("setup: %v\n%s", err, out)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, base, dir)
			path := filepath.Join(dir, "models", "churn_bad.model")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("model file: %v", err)
			}
			if err := os.WriteFile(path, tc.corrupt(t, b), 0o644); err != nil {
				t.Fatal(err)
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			e, err := Open(Options{Dir: dir, Mem: mem})
			if err != nil {
				t.Fatalf("reopen with one corrupt model must work: %v", err)
			}
			defer e.Close()

			for _, q := range []string{
				"SELECT COUNT(*) FROM PREDICT(churn_bad);",
				"PREDICT USING churn_bad;",
				"EVALUATE churn_bad;",
				"DESCRIBE MODEL churn_bad;",
				"BACKTEST churn_bad AS OF '2024-05-01';",
				"CREATE SEGMENT s_bad AS SELECT customer_id FROM PREDICT(churn_bad);",
			} {
				out, err := runAll(e, q)
				if err == nil {
					// A damage the engine cannot see (e.g. in a field it
					// does not use) may still score, but then the output
					// must be a normal result.
					if strings.Contains(out, "internal error") {
						t.Errorf("%s: %s", q, out)
					}
					continue
				}
				msg := err.Error()
				if strings.Contains(msg, "internal error") || strings.Contains(msg, "panic") {
					t.Errorf("%s: a corrupt model must not panic: %s", q, msg)
				}
				if !strings.Contains(msg, "churn_bad") {
					t.Errorf("%s: the error must name the model: %s", q, msg)
				}
				if !startsWithPos(msg) {
					t.Errorf("%s: the error must carry a line:col position: %s", q, msg)
				}
			}
			// Everything else still works.
			for _, q := range []string{
				"SELECT COUNT(*) FROM ev;",
				"SHOW TABLES;",
				"SHOW MODELS;",
				"SHOW SEGMENTS;",
				"SELECT COUNT(*) FROM PREDICT(churn_ok);",
				"PREDICT USING churn_ok WHERE bucket = 'high';",
				"SELECT COUNT(*) FROM seg;",
				"REFRESH SEGMENT seg;",
				"EVALUATE churn_ok;",
			} {
				if out, err := runAll(e, q); err != nil {
					t.Errorf("%s: must still work with another model corrupt: %v\n%s", q, err, out)
				}
			}
			// The damaged model can be dropped and trained again.
			if out, err := runAll(e, "DROP MODEL churn_bad;"); err != nil {
				t.Errorf("DROP MODEL of a corrupt model: %v\n%s", err, out)
			}
			if out, err := runAll(e, `CREATE MODEL churn_bad AS PREDICT CHURN FOR EACH customer_id FROM ev
  GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);
SELECT COUNT(*) FROM PREDICT(churn_bad);`); err != nil {
				t.Errorf("re-create the dropped model: %v\n%s", err, out)
			}
		})
	}
}

// TestCorruptModelReplace: CREATE OR REPLACE over a corrupt model works
// without DROP first.
func TestCorruptModelReplace(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runAll(e, robustSetup); err != nil {
		e.Close()
		t.Fatalf("setup: %v\n%s", err, out)
	}
	e.Close()
	if err := os.WriteFile(filepath.Join(dir, "models", "churn_bad.model"), []byte("CAIMODEL\x01"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	out, err := runAll(e, `CREATE OR REPLACE MODEL churn_bad AS PREDICT CHURN FOR EACH customer_id FROM ev
  GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);
SELECT COUNT(*) FROM PREDICT(churn_bad);`)
	if err != nil {
		t.Errorf("CREATE OR REPLACE over a corrupt model: %v\n%s", err, out)
	}
}

// TestCorruptTableFile: a damaged table file fails the statements that
// read it, naming the table, and leaves the rest of the catalog usable.
func TestCorruptTableFile(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runAll(e, "CREATE TABLE ev FROM 'testdata/bad/events.csv'; CREATE TABLE pr FROM 'testdata/bad/profiles.csv';"); err != nil {
		e.Close()
		t.Fatalf("setup: %v\n%s", err, out)
	}
	e.Close()
	path := filepath.Join(dir, "tables", "pr.arrow")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err = Open(Options{Dir: dir, Mem: mem})
	if err != nil {
		t.Fatalf("reopen with one corrupt table must work: %v", err)
	}
	defer e.Close()
	out, err := runAll(e, "SELECT COUNT(*) FROM pr;")
	if err == nil {
		t.Fatalf("reading a truncated table file must fail:\n%s", out)
	}
	if msg := err.Error(); !strings.Contains(msg, "pr") || strings.Contains(msg, "internal error") || !startsWithPos(msg) {
		t.Errorf("want a positioned error naming table pr, got: %s", msg)
	}
	if out, err := runAll(e, "SELECT COUNT(*) FROM ev; SHOW TABLES; DROP TABLE pr; CREATE TABLE pr FROM 'testdata/bad/profiles.csv'; SELECT COUNT(*) FROM pr;"); err != nil {
		t.Errorf("the rest of the catalog must stay usable: %v\n%s", err, out)
	}
}

// TestSplitBalanced: the train/validation/test split by a hash of the
// identity must be close to 70/15/15 for the ids people really use
// (sequential numbers, prefixed numbers, zero-padded numbers, e-mails),
// not only for random-looking ones. A bad mix puts every profile in one
// split (no validation set: training fails; no test set: no metrics).
func TestSplitBalanced(t *testing.T) {
	formats := []string{"%d", "c%02d", "customer_%d", "%06d", "user%d@example.com", "ECID-%d"}
	for _, f := range formats {
		for _, seed := range []int64{42, 7} {
			var n [3]int
			const total = 2000
			for i := 1; i <= total; i++ {
				n[split(fmt.Sprintf(f, i), seed)]++
			}
			want := [3]float64{0.70, 0.15, 0.15}
			for k := range n {
				got := float64(n[k]) / total
				if got < want[k]-0.05 || got > want[k]+0.05 {
					t.Errorf("ids %q seed %d: split shares %v of %d, want about 70/15/15", f, seed, n, total)
					break
				}
			}
		}
	}
	// Small populations must still get a validation and a test split.
	var n [3]int
	for i := 1; i <= 40; i++ {
		n[split(fmt.Sprintf("c%02d", i), 42)]++
	}
	if n[1] == 0 || n[2] == 0 {
		t.Errorf("40 profiles c01..c40: split %v leaves a split empty", n)
	}
}

// TestSequentialIDsTrain: a model on profiles with sequential ids
// (c01..c40, the most common kind of id) must train like the same data
// with random-looking ids.
func TestSequentialIDsTrain(t *testing.T) {
	b, err := os.ReadFile("testdata/bad/events.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	ids := map[string]string{}
	for i, l := range lines[1:] {
		id, rest, _ := strings.Cut(l, ",")
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("c%02d", len(ids)+1)
		}
		lines[i+1] = ids[id] + "," + rest
	}
	path := filepath.Join(t.TempDir(), "seq.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	out, err := runAll(e, fmt.Sprintf(`CREATE TABLE seq FROM '%s';
CREATE MODEL m AS PREDICT CHURN FOR EACH customer_id FROM seq GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);
SELECT COUNT(*) FROM PREDICT(m);`, path))
	if err != nil {
		t.Errorf("training on ids c01..c40 must work: %v\n%s", err, out)
	}
}

// startsWithPos reports whether msg starts with "line:col: ".
func startsWithPos(msg string) bool {
	var l, c int
	n, _ := fmt.Sscanf(msg, "%d:%d:", &l, &c)
	return n == 2 && l > 0 && c > 0
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if d.Name() == "LOCK" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var _ = context.Background

// TestSavedModelErrors covers saved models whose tables changed or went
// away, and bad uses of models and factor functions. It is a Go table
// rather than a .test file because CREATE MODEL prints its training time.
// Each want is the correct output (as runCase prints it).
func TestSavedModelErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	setup := `CREATE TABLE ev FROM 'testdata/bad/events.csv';
CREATE MODEL m AS PREDICT CHURN FOR EACH customer_id FROM ev GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);
CREATE TABLE ev2 AS SELECT * FROM ev;
CREATE MODEL m2 AS PREDICT CHURN FOR EACH customer_id FROM ev2 GOAL amount > 0 WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);
CREATE SEGMENT s2 AS SELECT customer_id FROM PREDICT(m2) WHERE bucket = 'high';`
	if out, err := runAll(e, setup); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	cases := []struct{ sql, want string }{
		{"SELECT COUNT(*) FROM PREDICT(m);", "count(*):BIGINT\n40\n"},
		// The model's events table is dropped: metadata and stored
		// metrics still work; scoring says which table is missing.
		{"DROP TABLE ev2;", "dropped table ev2\n"},
		{"EVALUATE m2;", "" /* checked below: must not fail */},
		{"PREDICT USING m2;", "error: 1:1: model m2 reads table ev2: unknown table \"ev2\" (did you mean \"ev\"?)\n"},
		{"SELECT COUNT(*) FROM PREDICT(m2);", "error: 1:22: model m2 reads table ev2: unknown table \"ev2\" (did you mean \"ev\"?)\n"},
		{"CREATE OR REPLACE SEGMENT s3 AS SELECT customer_id FROM PREDICT(m2);", "error: 1:57: model m2 reads table ev2: unknown table \"ev2\" (did you mean \"ev\"?)\n"},
		// REFRESH of a segment on such a model: the statement's position,
		// then where in the segment's definition.
		{"REFRESH SEGMENT s2;", "error: 1:1: refresh segment s2: s2:1:46: model m2 reads table ev2: unknown table \"ev2\" (did you mean \"ev\"?)\n"},
		// The stored members are still readable.
		{"SELECT COUNT(*) > 0 AS has_members FROM s2;", "has_members:BOOLEAN\ntrue\n"},
		// The table comes back with a column missing or of another type:
		// the error carries the statement's position too.
		{"CREATE TABLE ev2 AS SELECT customer_id, ts, event_type FROM ev;\nPREDICT USING m2;",
			"created table ev2 (828 rows, 3 columns)\nerror: 2:1: model m2 no longer matches its tables: m2:1:69: unknown column \"amount\"\n"},
		{"CREATE OR REPLACE TABLE ev2 AS SELECT customer_id, CAST(ts AS VARCHAR) AS ts, event_type, amount FROM ev;\nPREDICT USING m2;",
			"created table ev2 (828 rows, 4 columns)\nerror: 2:1: model m2 no longer matches its tables: m2:1:20: no timestamp column found; name it with TIMESTAMP col\n"},
		{"CREATE OR REPLACE TABLE ev2 AS SELECT * FROM ev;\nSELECT COUNT(*) FROM PREDICT(m2);",
			"created table ev2 (828 rows, 5 columns)\ncount(*):BIGINT\n40\n"},
		{"PREDICT USING mm;", "error: 1:1: unknown model \"mm\" (did you mean \"m\" or \"m2\"?)\n"},
		{"SELECT * FROM PREDICT(ev);", "error: 1:15: unknown model \"ev\"\n"},
		{"PREDICT USING m AS OF 'garbage';", "error: 1:23: cannot parse \"garbage\" as a timestamp (use ISO-8601, e.g. '2024-06-30' or '2024-06-30T12:00:00Z')\n"},
		{"PREDICT USING m WHERE bucket = 'high' AND nosuch > 1;", "error: 1:43: unknown column \"nosuch\"\n"},
		{"SELECT COUNT(*) FROM PREDICT(m, AS OF '1900-01-01');", "count(*):BIGINT\n0\n"},
		{"EVALUATE nosuch;", "error: 1:1: unknown model \"nosuch\"\n"},
		{"BACKTEST m AS OF '2030-01-01';", "error: 1:1: the outcome window 2030-01-01 to 2030-01-31 is not complete: events end at 2024-06-28 13:17:51 (pick an earlier AS OF)\n"},
		{"BACKTEST m AS OF 'yesterday';", "error: 1:18: cannot parse \"yesterday\" as a timestamp (use ISO-8601, e.g. '2024-06-30' or '2024-06-30T12:00:00Z')\n"},
		// Wrong argument types of the factor functions are bind errors at
		// the call (today: a panic, and NULLs).
		{"SELECT customer_id FROM PREDICT(m) WHERE has_factor(factors, 42);", "error: 1:42: HAS_FACTOR: second argument must be a factor code (VARCHAR), got BIGINT\n"},
		{"SELECT factor(factors, 'one') FROM PREDICT(m);", "error: 1:8: FACTOR: second argument must be a position (BIGINT, 1 = strongest), got VARCHAR\n"},
		{"SELECT factor_impact(factors, 1.5) FROM PREDICT(m);", "error: 1:8: FACTOR_IMPACT: second argument must be a factor code (VARCHAR), got DOUBLE\n"},
		{"SELECT COUNT(*) FROM PREDICT(m) WHERE factor_text(factors, 100) IS NULL;", "count(*):BIGINT\n40\n"},
		{"SELECT COUNT(*) FROM PREDICT(m) WHERE factor(factors, 0) IS NULL AND factor(factors, -1) IS NULL;", "count(*):BIGINT\n40\n"},
		{"CREATE SEGMENT s AS SELECT customer_id FROM PREDICT(nosuch);", "error: 1:45: unknown model \"nosuch\"\n"},
		{"CREATE SEGMENT s AS SELECT customer_id FROM PREDICT(m) WHERE buckett = 'high';", "error: 1:62: unknown column \"buckett\" (did you mean \"bucket\"?)\n"},
		{"CREATE MODEL m AS PREDICT CHURN FOR EACH customer_id FROM ev GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 2);",
			"error: 1:1: model \"m\" already exists (use CREATE OR REPLACE MODEL)\n"},
		{"DROP MODEL m;\nSELECT COUNT(*) FROM PREDICT(m);", "dropped model m\nerror: 2:22: unknown model \"m\" (did you mean \"m2\"?)\n"},
		// A segment whose model was dropped.
		{"DROP MODEL m2;\nREFRESH SEGMENT s2;", "dropped model m2\nerror: 2:1: refresh segment s2: s2:1:46: unknown model \"m2\"\n"},
		{"SELECT COUNT(*) > 0 AS has_members FROM s2;", "has_members:BOOLEAN\ntrue\n"},
	}
	for _, c := range cases {
		got := runCase(e, c.sql)
		if c.want == "" {
			if strings.Contains(got, "error:") {
				t.Errorf("%s\n must work, got:\n%s", c.sql, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s\ngot:\n%swant:\n%s", c.sql, got, c.want)
		}
	}
}
