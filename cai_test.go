package cai_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai"
)

const eventsCSV = `customer_id,ts,event_type,amount
a,2024-01-01T10:00:00Z,page_view,
a,2024-01-02T11:00:00Z,purchase,20.5
a,2024-01-15T09:30:00Z,purchase,10
b,2024-01-03T08:00:00Z,page_view,
b,2024-01-04T08:00:00Z,email_open,
c,2024-01-05T12:00:00Z,purchase,99.99
c,2024-02-01T00:00:00Z,purchase,5
`

func open(t *testing.T, opts cai.Options) (*cai.DB, *memory.CheckedAllocator) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	opts.Mem = mem
	db, err := cai.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
		mem.AssertSize(t, 0)
	})
	return db, mem
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// rows reads every row of a reader as "v1|v2|..." strings.
func rows(t *testing.T, rr array.RecordReader) []string {
	t.Helper()
	defer rr.Release()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for j := 0; j < int(rec.NumCols()); j++ {
				c := rec.Column(j)
				if c.IsNull(i) {
					cells = append(cells, "NULL")
				} else {
					cells = append(cells, c.ValueStr(i))
				}
			}
			out = append(out, strings.Join(cells, "|"))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func query(t *testing.T, db *cai.DB, sql string, args ...any) []string {
	t.Helper()
	rr, err := db.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return rows(t, rr)
}

func TestExecAndQueryWithParameters(t *testing.T) {
	db, _ := open(t, cai.Options{})
	dir := t.TempDir()
	path := writeFile(t, dir, "events.csv", eventsCSV)
	ctx := context.Background()
	res, err := db.Exec(ctx, fmt.Sprintf("CREATE TABLE events FROM '%s'", path))
	if err != nil {
		t.Fatal(err)
	}
	if res.Message != "created table events (7 rows, 4 columns)" {
		t.Errorf("message %q", res.Message)
	}
	cases := []struct {
		sql  string
		args []any
		want []string
	}{
		{"SELECT COUNT(*) FROM events WHERE amount > ?", []any{15}, []string{"2"}},
		{"SELECT COUNT(*) FROM events WHERE amount > ?", []any{int64(15)}, []string{"2"}},
		{"SELECT COUNT(*) FROM events WHERE amount > ?", []any{10.0}, []string{"2"}},
		{"SELECT COUNT(*) FROM events WHERE event_type = ?", []any{"purchase"}, []string{"4"}},
		{"SELECT COUNT(*) FROM events WHERE ts >= ?", []any{time.Date(2024, 1, 4, 0, 0, 0, 0, time.UTC)}, []string{"4"}},
		// A time in another zone is the same instant.
		{"SELECT COUNT(*) FROM events WHERE ts >= ?", []any{time.Date(2024, 1, 4, 1, 0, 0, 0, time.FixedZone("CET", 3600))}, []string{"4"}},
		{"SELECT customer_id FROM events WHERE event_type = ? AND amount BETWEEN ? AND ? ORDER BY customer_id", []any{"purchase", 5, 20.5}, []string{"a", "a", "c"}},
		{"SELECT ? AS s, ? + 1 AS i, ? * 2 AS f", []any{"x'y", 41, 1.25}, []string{"x'y|42|2.5"}},
		{"SELECT COUNT(*) FROM events WHERE event_type = ?", []any{"'; DROP TABLE events; --"}, []string{"0"}},
	}
	for _, c := range cases {
		got := query(t, db, c.sql, c.args...)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s %v: got %v, want %v", c.sql, c.args, got, c.want)
		}
	}
	// Missing or surplus parameters.
	if _, err := db.Query(ctx, "SELECT COUNT(*) FROM events WHERE amount > ?"); err == nil {
		t.Error("a missing parameter must be an error")
	}
	if _, err := db.Query(ctx, "SELECT COUNT(*) FROM events WHERE amount > ?", 1, 2); err == nil {
		t.Error("a surplus parameter must be an error")
	}
	if _, err := db.Query(ctx, "SELECT COUNT(*) FROM events WHERE amount > ?", struct{}{}); err == nil {
		t.Error("a parameter of an unsupported Go type must be an error")
	}
	// The table survived the injection attempt.
	if got := query(t, db, "SELECT COUNT(*) FROM events"); got[0] != "7" {
		t.Errorf("events: %v", got)
	}
	// Query returns the last statement's rows.
	if got := query(t, db, "CREATE TABLE t AS SELECT 1 AS x; SELECT x + 1 FROM t"); strings.Join(got, ",") != "2" {
		t.Errorf("multi-statement query: %v", got)
	}
	// Exec reports rows of a query.
	if res, err := db.Exec(ctx, "SELECT * FROM events"); err != nil || res.Rows != 7 {
		t.Errorf("Exec of a query: %+v %v", res, err)
	}
}

func TestQueryWithoutRows(t *testing.T) {
	db, _ := open(t, cai.Options{})
	ctx := context.Background()
	rr, err := db.Query(ctx, "CREATE TABLE t AS SELECT 1 AS x")
	if err == nil {
		rr.Release()
		t.Fatal("Query of a statement without rows must be an error")
	}
	if !errors.Is(err, cai.ErrInvalid) {
		t.Errorf("want ErrInvalid, got %v", err)
	}
	// The statement still ran.
	if got := query(t, db, "SELECT x FROM t"); strings.Join(got, ",") != "1" {
		t.Errorf("t: %v", got)
	}
}

func TestErrorKinds(t *testing.T) {
	db, _ := open(t, cai.Options{})
	dir := t.TempDir()
	path := writeFile(t, dir, "events.csv", eventsCSV)
	ctx := context.Background()
	if _, err := db.Exec(ctx, fmt.Sprintf("CREATE TABLE events FROM '%s'", path)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		sql  string
		kind error
		msg  string
	}{
		{"SELECT evnt_type FROM events", cai.ErrUnknownColumn, `1:8: unknown column "evnt_type" (did you mean "event_type"?)`},
		{"SELECT * FROM evnts", cai.ErrUnknownTable, `1:15: unknown table "evnts" (did you mean "events"?)`},
		{"SELEC 1", cai.ErrSyntax, "1:1:"},
		{"SELECT 1;\nSELECT * FROM", cai.ErrSyntax, "2:"},
		{"SELECT * FROM PREDICT(nope)", cai.ErrUnknownModel, `1:15: unknown model "nope"`},
		{"SELECT SUM(event_type) FROM events", cai.ErrType, "1:12:"},
		{"CREATE TABLE events AS SELECT 1", cai.ErrExists, "1:1:"},
		{"DROP TABLE nope", cai.ErrNotFound, "1:1:"},
	}
	for _, c := range cases {
		_, err := db.Exec(ctx, c.sql)
		if err == nil {
			t.Errorf("%s: no error", c.sql)
			continue
		}
		if !errors.Is(err, c.kind) {
			t.Errorf("%s: %v is not %v", c.sql, err, c.kind)
		}
		if !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("%s: error %q, want it to start with %q", c.sql, err, c.msg)
		}
		// Query reports the same error.
		if rr, qerr := db.Query(ctx, c.sql); qerr == nil {
			rr.Release()
			t.Errorf("%s: Query: no error", c.sql)
		} else if !errors.Is(qerr, c.kind) {
			t.Errorf("%s: Query: %v is not %v", c.sql, qerr, c.kind)
		}
	}
}

func TestRegisterTable(t *testing.T) {
	db, mem := open(t, cai.Options{})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "small", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	}, nil)
	var recs []arrow.RecordBatch
	for part := 0; part < 2; part++ {
		b := array.NewRecordBuilder(mem, schema)
		for i := 0; i < 3; i++ {
			n := part*3 + i
			b.Field(0).(*array.Int32Builder).Append(int32(n))
			if n == 4 {
				b.Field(1).(*array.Float32Builder).AppendNull()
			} else {
				b.Field(1).(*array.Float32Builder).Append(float32(n) + 0.5)
			}
			b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("n%d", n))
			b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(time.Date(2024, 1, 1+n, 0, 0, 0, 0, time.UTC).UnixMilli()))
			b.Field(4).(*array.BooleanBuilder).Append(n%2 == 0)
			b.Field(5).(*array.Int16Builder).Append(int16(-n))
		}
		recs = append(recs, b.NewRecordBatch())
		b.Release()
	}
	tbl := array.NewTableFromRecords(schema, recs)
	for _, r := range recs {
		r.Release()
	}
	if err := db.RegisterTable("reg", tbl); err != nil {
		t.Fatal(err)
	}
	tbl.Release()
	// Types are normalised to the engine's.
	got := query(t, db, "DESCRIBE reg")
	want := []string{"id|BIGINT", "score|DOUBLE", "name|VARCHAR", "ts|TIMESTAMP", "flag|BOOLEAN", "small|BIGINT"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("DESCRIBE reg: %v, want %v", got, want)
	}
	got = query(t, db, "SELECT SUM(id), COUNT(score), SUM(score), MIN(ts), SUM(small), COUNT(*) FILTER (WHERE flag) FROM reg WHERE ts >= ?", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
	if len(got) != 1 || !strings.HasPrefix(got[0], "15|4|") || !strings.HasSuffix(got[0], "|-15|2") {
		t.Errorf("aggregates over reg: %v", got)
	}
	// Re-registering replaces.
	one := array.NewTableFromRecords(schema, nil)
	if err := db.RegisterTable("reg", one); err != nil {
		t.Fatal(err)
	}
	one.Release()
	if got := query(t, db, "SELECT COUNT(*) FROM reg"); got[0] != "0" {
		t.Errorf("after re-register: %v", got)
	}
}

func TestAllowedDirs(t *testing.T) {
	root := t.TempDir()
	allowed := filepath.Join(root, "allowed")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{allowed, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	in := writeFile(t, allowed, "events.csv", eventsCSV)
	out := writeFile(t, outside, "events.csv", eventsCSV)
	link := filepath.Join(allowed, "link.csv")
	if err := os.Symlink(out, link); err != nil {
		t.Skipf("symlinks: %v", err)
	}
	dirLink := filepath.Join(allowed, "dirlink")
	if err := os.Symlink(outside, dirLink); err != nil {
		t.Fatal(err)
	}
	db, _ := open(t, cai.Options{AllowedDirs: []string{allowed}})
	ctx := context.Background()

	denied := []string{
		fmt.Sprintf("CREATE TABLE t1 FROM '%s'", out),
		fmt.Sprintf("CREATE TABLE t2 FROM '%s'", filepath.Join(allowed, "..", "outside", "events.csv")),
		fmt.Sprintf("CREATE TABLE t3 FROM '%s'", link),
		fmt.Sprintf("CREATE TABLE t4 FROM '%s'", filepath.Join(dirLink, "events.csv")),
		fmt.Sprintf("CREATE TABLE t5 FROM '%s'", filepath.Join(outside, "*.csv")),
		fmt.Sprintf("CREATE TABLE t6 FROM '%s'", filepath.Join(allowed, "*", "events.csv")),
		fmt.Sprintf("SELECT COUNT(*) FROM '%s'", out),
		"CREATE TABLE t7 FROM '/etc/passwd' FORMAT CSV",
		fmt.Sprintf("COPY (SELECT 1 AS a) TO '%s'", filepath.Join(outside, "out.csv")),
		fmt.Sprintf("COPY (SELECT 1 AS a) TO '%s'", filepath.Join(allowed, "..", "outside", "out2.csv")),
		fmt.Sprintf("COPY (SELECT 1 AS a) TO '%s'", filepath.Join(dirLink, "out3.csv")),
		fmt.Sprintf("COPY (SELECT 1 AS a) TO '%s'", link),                        // would overwrite the file outside
		fmt.Sprintf("CREATE TABLE g FROM '%s'", filepath.Join(allowed, "*.csv")), // matches link.csv
	}
	for _, sql := range denied {
		_, err := db.Exec(ctx, sql)
		if !errors.Is(err, cai.ErrAccess) {
			t.Errorf("%s: want ErrAccess, got %v", sql, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "1:") {
			t.Errorf("%s: error without a position: %v", sql, err)
		}
	}
	// Nothing was written outside, and the linked file is intact.
	for _, name := range []string{"out.csv", "out2.csv", "out3.csv"} {
		if _, err := os.Stat(filepath.Join(outside, name)); err == nil {
			t.Errorf("%s was written outside the allowed directory", name)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != eventsCSV {
		t.Errorf("the file behind the symlink was changed")
	}

	allowedOK := []string{
		fmt.Sprintf("CREATE TABLE ok1 FROM '%s'", in),
		fmt.Sprintf("CREATE TABLE ok2 FROM '%s'", filepath.Join(allowed, "sub", "..", "events.csv")),
		// A glob is checked file by file: *.csv would also match link.csv,
		// which points outside, so this one names only the inside file.
		fmt.Sprintf("CREATE TABLE ok3 FROM '%s'", filepath.Join(allowed, "ev*.csv")),
		fmt.Sprintf("COPY ok1 TO '%s'", filepath.Join(allowed, "copy.parquet")),
		fmt.Sprintf("CREATE TABLE ok4 FROM '%s'", filepath.Join(allowed, "copy.parquet")),
	}
	for _, sql := range allowedOK {
		if _, err := db.Exec(ctx, sql); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
	}
	if got := query(t, db, "SELECT COUNT(*) FROM ok4"); got[0] != "7" {
		t.Errorf("ok4: %v", got)
	}
}

func TestPredictThroughAPI(t *testing.T) {
	db, _ := open(t, cai.Options{})
	ctx := context.Background()
	// 60 profiles with events over 200 days; every third stops early.
	var sb strings.Builder
	sb.WriteString("customer_id,ts,event_type,amount\n")
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for p := 0; p < 60; p++ {
		last := 200
		if p%3 == 0 {
			last = 80 + p
		}
		for d := p % 5; d < last; d += 4 + p%3 {
			typ := "visit"
			if (d+p)%3 == 0 {
				typ = "purchase"
			}
			fmt.Fprintf(&sb, "u%03d,%s,%s,%d\n", p, start.AddDate(0, 0, d).Add(time.Duration(p)*time.Minute).Format(time.RFC3339), typ, d%50)
		}
	}
	path := writeFile(t, t.TempDir(), "ev.csv", sb.String())
	if _, err := db.Exec(ctx, fmt.Sprintf(`CREATE TABLE ev FROM '%s';
CREATE MODEL m AS PREDICT CHURN FOR EACH customer_id FROM ev GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 3)`, path)); err != nil {
		t.Fatal(err)
	}
	got := query(t, db, "SELECT COUNT(*), MIN(probability) >= 0, MAX(probability) <= 1 FROM PREDICT(m) WHERE bucket IN (?, ?, ?)", "high", "medium", "low")
	if len(got) != 1 || !strings.HasSuffix(got[0], "|true|true") || strings.HasPrefix(got[0], "0|") {
		t.Errorf("scores: %v", got)
	}
}

// TestParameterFilterNoLeak: a WHERE that matches no row (with a literal
// or a ? parameter) must not leak Arrow memory; today each such query
// through DB.Query leaves 128 bytes allocated.
func TestParameterFilterNoLeak(t *testing.T) {
	db, mem := open(t, cai.Options{})
	path := writeFile(t, t.TempDir(), "events.csv", eventsCSV)
	ctx := context.Background()
	if _, err := db.Exec(ctx, fmt.Sprintf("CREATE TABLE events FROM '%s'", path)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sql string
		arg any
	}{
		{"SELECT COUNT(*) FROM events WHERE event_type = 'nothing'", nil},
		{"SELECT COUNT(*) FROM events WHERE event_type = ?", "nothing"},
		{"SELECT customer_id FROM events WHERE amount > ?", 1000},
		{"SELECT COUNT(*) FROM events WHERE ts >= ?", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"SELECT COUNT(*) FROM events WHERE ts >= ?", time.Date(2024, 1, 4, 0, 0, 0, 0, time.UTC)},
	} {
		before := mem.CurrentAlloc()
		if c.arg == nil {
			query(t, db, c.sql)
		} else {
			query(t, db, c.sql, c.arg)
		}
		if after := mem.CurrentAlloc(); after != before {
			t.Errorf("%s [%v]: left %d bytes allocated", c.sql, c.arg, after-before)
		}
	}
}

// The session's AS OF is what now() returns; without it now() is the
// wall clock.
func TestAsOfIsNow(t *testing.T) {
	asOf := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		opts cai.Options
		want func(time.Time) bool
	}{
		{cai.Options{AsOf: asOf}, func(got time.Time) bool { return got.Equal(asOf.Add(-24 * time.Hour)) }},
		{cai.Options{}, func(got time.Time) bool { return time.Since(got) > 23*time.Hour && time.Since(got) < 25*time.Hour }},
	} {
		db, err := cai.Open(c.opts)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := db.Query(context.Background(), "SELECT now() - 1 DAY AS t")
		if err != nil {
			t.Fatal(err)
		}
		if !rr.Next() {
			t.Fatal("no rows")
		}
		got := rr.RecordBatch().Column(0).(*array.Timestamp).Value(0).ToTime(arrow.Microsecond)
		rr.Release()
		db.Close()
		if !c.want(got) {
			t.Errorf("AsOf %v: now() - 1 DAY = %v", c.opts.AsOf, got)
		}
	}
}
