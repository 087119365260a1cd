// Command e2e measures cai end to end on generated data: Parquet events
// from github.com/cai-dev/cai/examples/gen are loaded, a conversion model
// is trained and every profile is scored with factors, in a child process
// so that its peak RSS is its own; then scoring throughput is measured with
// the ml package alone on the 1M-profile feature matrix.
//
//	cd bench && go run ./cmd/e2e -profiles 1000000 -days 200
//
// Steps:
//
//  1. Generate Config{Profiles: profiles×scale, Seed, Days} with
//     gen.WriteParquet into -files event files plus profiles.parquet
//     (reused when -dir already holds them). Not timed as part of e2e.
//  2. Arrow size: every Parquet file is read with pqarrow (all columns,
//     64k-row batches) and the Arrow buffer lengths are summed.
//  3. Child process (this binary with -child): cai.Open (the engine behind
//     cmd/cai) runs, one statement at a time,
//     CREATE TABLE events / profiles, CREATE MODEL m (defaults: 4 training
//     snapshots, factors = 5), CREATE TABLE scored AS SELECT * FROM
//     PREDICT(m) — the end-to-end part — and then the engine-level scoring
//     runs: SELECT COUNT(*) FROM PREDICT(m) (5 factors), CREATE MODEL m0
//     ... WITH (factors = 0, snapshots = 1, epochs = 1) and SELECT COUNT(*)
//     FROM PREDICT(m0) (no factors). PREDICT(m) always rebuilds the features
//     at the scoring cutoff, so those timings include feature building.
//     Each statement reports wall time, process CPU time (getrusage
//     user+sys), VmHWM after it and the bytes the Arrow allocator holds.
//     The parent reads the child's peak RSS from wait4's rusage.
//  4. -ml: in this process, the four feature columns of the events are
//     read, features.Build computes the matrix at the training cutoff
//     (AS OF - 30 days) and at AS OF; an ml.Model (default network 64,32)
//     is trained on up to 200k eligible rows of the first, then
//     model.Predict and model.Attribute(X, model.Reference(), 0) are timed
//     on all eligible rows of the second — scoring alone, no features.
//
// The machine may be shared: the load average is printed, and CPU time is
// reported next to wall time.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/cai-dev/cai"
	"github.com/cai-dev/cai/bench/internal/measure"
	"github.com/cai-dev/cai/examples/gen"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/features"
	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/storage"
)

var (
	profilesF  = flag.Int("profiles", 1_000_000, "profiles (before -scale)")
	daysF      = flag.Int("days", 200, "days of events (about 89 events per profile-year)")
	scaleF     = flag.Float64("scale", 1, "multiplies -profiles (e.g. 0.2 for a 10M-event run)")
	seedF      = flag.Int64("seed", 1, "generator seed")
	filesF     = flag.Int("files", 8, "event Parquet files")
	dirF       = flag.String("dir", "", "data directory (default /tmp/cai-e2e-<profiles>x<days>; reused if it holds the files)")
	keepF      = flag.Bool("keep", true, "keep the generated data")
	mlF        = flag.Bool("ml", true, "also time ml.Predict / ml.Attribute alone on the feature matrix")
	extraF     = flag.Bool("extra", true, "child: also run the engine-level scoring statements (PREDICT(m), m0 with factors = 0)")
	cpuprofF   = flag.String("cpuprofile", "", "child: write a CPU profile of the end-to-end statements to this file and print the top 10")
	gogcF      = flag.Int("gogc", 0, "child: GOGC; 0 runs cai.TuneGC as cmd/cai does, -1 keeps the Go default or $GOGC")
	heapprofF  = flag.String("heapprofile", "", "child: write a heap profile taken at the highest Go heap seen (sampled every 250 ms) to this file")
	mlprofF    = flag.String("mlprofile", "", "write a CPU profile of the -ml scoring (Predict + Attribute) and print the top 10")
	cliF       = flag.String("cli", "", "also run the end-to-end script with this cai binary (cai run script.cai) and report wall/CPU/peak RSS")
	trainRowsF = flag.Int("trainrows", 200_000, "-ml: training rows for the model")
	withF      = flag.String("with", "", "extra CREATE MODEL m options, e.g. 'snapshots = 1' (default: none, the engine defaults)")
	runsF      = flag.Int("runs", 1, "run the child this many times and also print the median of every step")
	childF     = flag.Bool("child", false, "internal: run the statements of -script and print JSON lines")
	scriptF    = flag.String("script", "", "internal: statements file for -child")
)

const day = features.Day

// stmt is one statement the child runs.
type stmt struct {
	Name  string `json:"name"`
	Group string `json:"group"` // e2e or extra
	SQL   string `json:"sql"`
	Query bool   `json:"query"` // drain rows with Query
}

// stat is what the child reports per statement.
type stat struct {
	Name       string  `json:"name"`
	Group      string  `json:"group"`
	WallMS     float64 `json:"wall_ms"`
	CPUMS      float64 `json:"cpu_ms"`
	HWMKB      int64   `json:"hwm_kb"`
	RSSKB      int64   `json:"rss_kb"`
	ArrowBytes int64   `json:"arrow_bytes"` // held by the engine's allocator after the statement
	Rows       int64   `json:"rows"`
	Message    string  `json:"message"`
	Error      string  `json:"error,omitempty"`
}

// procStatus returns a field of /proc/self/status in kB.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// countingAlloc counts the bytes held through a Go allocator.
type countingAlloc struct {
	mem memory.Allocator
	cur atomic.Int64
}

func (a *countingAlloc) Allocate(n int) []byte {
	a.cur.Add(int64(n))
	return a.mem.Allocate(n)
}

func (a *countingAlloc) Reallocate(n int, b []byte) []byte {
	a.cur.Add(int64(n - len(b)))
	return a.mem.Reallocate(n, b)
}

func (a *countingAlloc) Free(b []byte) {
	a.cur.Add(-int64(len(b)))
	a.mem.Free(b)
}

// child runs the statements and prints one JSON line per statement.
func child() error {
	data, err := os.ReadFile(*scriptF)
	if err != nil {
		return err
	}
	var stmts []stmt
	if err := json.Unmarshal(data, &stmts); err != nil {
		return err
	}
	switch {
	case *gogcF == 0:
		defer cai.TuneGC()()
	case *gogcF > 0:
		debug.SetGCPercent(*gogcF)
	}
	alloc := &countingAlloc{mem: memory.NewGoAllocator()}
	db, err := cai.Open(cai.Options{Mem: alloc})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	enc := json.NewEncoder(os.Stdout)
	profiling := false
	if *cpuprofF != "" {
		f, err := os.Create(*cpuprofF)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		profiling = true
	}
	if *heapprofF != "" {
		stop := watchHeap(*heapprofF)
		defer stop()
	}
	for _, s := range stmts {
		if profiling && s.Group != "e2e" {
			pprof.StopCPUProfile()
			profiling = false
		}
		st := stat{Name: s.Name, Group: s.Group}
		c0, t0 := measure.CPUTime(), time.Now()
		if s.Query {
			var rr interface {
				Next() bool
				RecordBatch() arrow.RecordBatch
				Err() error
				Release()
			}
			rr, err = db.Query(ctx, s.SQL)
			if err == nil {
				for rr.Next() {
					rec := rr.RecordBatch()
					st.Rows += rec.NumRows()
					if rec.NumRows() == 1 && rec.NumCols() == 1 {
						if v, ok := rec.Column(0).(interface{ Value(int) int64 }); ok {
							st.Message = fmt.Sprintf("value %d", v.Value(0))
						}
					}
				}
				err = rr.Err()
				rr.Release()
			}
		} else {
			var r cai.Result
			r, err = db.Exec(ctx, s.SQL)
			st.Rows, st.Message = r.Rows, r.Message
		}
		st.WallMS = float64(time.Since(t0).Microseconds()) / 1e3
		st.CPUMS = float64((measure.CPUTime() - c0).Microseconds()) / 1e3
		st.HWMKB, st.RSSKB = procStatus("VmHWM"), procStatus("VmRSS")
		st.ArrowBytes = alloc.cur.Load()
		if err != nil {
			st.Error = err.Error()
		}
		if err := enc.Encode(st); err != nil {
			return err
		}
		// progress, so that a long run shows (and keeps) its finished steps
		fmt.Fprintf(os.Stderr, "e2e child: %s: wall %.2f s, CPU %.2f s, VmHWM %d kB, Arrow %d B, %s%s (load %s)\n",
			st.Name, st.WallMS/1e3, st.CPUMS/1e3, st.HWMKB, st.ArrowBytes, st.Message, st.Error, measure.LoadAvg())
		if st.Error != "" {
			break
		}
	}
	if profiling {
		pprof.StopCPUProfile()
	}
	gc := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(gc)
	fmt.Fprintf(os.Stderr, "e2e child: garbage collector: %.1f CPU-s in %d cycles\n", gc[0].Value.Float64(), gc[1].Value.Uint64())
	return nil
}

// dataset is the generated data on disk.
type dataset struct {
	dir      string
	cfg      gen.Config
	events   []string
	profiles string
}

func ensureData(cfg gen.Config, dir string, files int) (*dataset, time.Duration, error) {
	ds := &dataset{dir: dir, cfg: cfg, profiles: filepath.Join(dir, "profiles.parquet")}
	for _, n := range gen.EventFileNames(files) {
		ds.events = append(ds.events, filepath.Join(dir, n))
	}
	marker := filepath.Join(dir, "COMPLETE")
	want := fmt.Sprintf("profiles=%d seed=%d start=%s days=%d files=%d\n", cfg.Profiles, cfg.Seed, cfg.Start.Format(time.DateOnly), cfg.Days, files)
	if b, err := os.ReadFile(marker); err == nil && string(b) == want {
		return ds, 0, nil
	}
	os.RemoveAll(dir)
	t0 := time.Now()
	if err := gen.WriteParquet(cfg, dir, gen.WithFiles(files)); err != nil {
		return nil, 0, err
	}
	el := time.Since(t0)
	return ds, el, os.WriteFile(marker, []byte(want), 0o644)
}

// tableSize reads Parquet files with pqarrow and sums the Arrow buffers.
type tableSize struct {
	rows, arrowBytes, parquetBytes, uncompressed int64
}

func sizeOf(paths []string, cols []int) (tableSize, error) {
	var ts tableSize
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return ts, err
		}
		ts.parquetBytes += st.Size()
		f, err := file.OpenParquetFile(p, false)
		if err != nil {
			return ts, err
		}
		md := f.MetaData()
		for g := 0; g < md.NumRowGroups(); g++ {
			rg := md.RowGroup(g)
			for c := 0; c < rg.NumColumns(); c++ {
				if cc, err := rg.ColumnChunk(c); err == nil {
					ts.uncompressed += cc.TotalUncompressedSize()
				}
			}
		}
		r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, memory.NewGoAllocator())
		if err != nil {
			f.Close()
			return ts, err
		}
		rr, err := r.GetRecordReader(context.Background(), cols, nil)
		if err != nil {
			f.Close()
			return ts, err
		}
		for rr.Next() {
			rec := rr.RecordBatch()
			ts.rows += rec.NumRows()
			ts.arrowBytes += storage.RecordBytes(rec)
		}
		err = rr.Err()
		rr.Release()
		f.Close()
		if err != nil {
			return ts, err
		}
	}
	return ts, nil
}

// load reads columns of the event files as 64k-row batches.
func load(paths []string, cols []int) ([]arrow.RecordBatch, *arrow.Schema, error) {
	var out []arrow.RecordBatch
	var schema *arrow.Schema
	for _, p := range paths {
		f, err := file.OpenParquetFile(p, false)
		if err != nil {
			return nil, nil, err
		}
		r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, memory.NewGoAllocator())
		if err != nil {
			return nil, nil, err
		}
		rr, err := r.GetRecordReader(context.Background(), cols, nil)
		if err != nil {
			return nil, nil, err
		}
		for rr.Next() {
			rec := rr.RecordBatch()
			rec.Retain()
			out = append(out, rec)
		}
		schema = rr.Schema()
		err = rr.Err()
		rr.Release()
		f.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	return out, schema, nil
}

func script(ds *dataset, asOf string) []stmt {
	model := func(name, with string) string {
		return fmt.Sprintf("CREATE MODEL %s AS PREDICT CONVERSION FOR profiles KEY profile_id FROM events GOAL event_type = 'purchase' WITHIN 30 DAYS AS OF '%s'%s", name, asOf, with)
	}
	mStmt := stmt{Name: "CREATE MODEL m (defaults: 4 snapshots, factors = 5)", Group: "e2e", SQL: model("m", "")}
	if *withF != "" {
		mStmt = stmt{Name: fmt.Sprintf("CREATE MODEL m WITH (%s) (factors = 5)", *withF), Group: "e2e", SQL: model("m", " WITH ("+*withF+")")}
	}
	s := []stmt{
		{Name: "CREATE TABLE events FROM 'events-*.parquet'", Group: "e2e", SQL: fmt.Sprintf("CREATE TABLE events FROM '%s'", filepath.Join(ds.dir, "events*.parquet"))},
		{Name: "CREATE TABLE profiles FROM 'profiles.parquet'", Group: "e2e", SQL: fmt.Sprintf("CREATE TABLE profiles FROM '%s'", ds.profiles)},
		mStmt,
		{Name: "CREATE TABLE scored AS SELECT * FROM PREDICT(m)", Group: "e2e", SQL: "CREATE TABLE scored AS SELECT * FROM PREDICT(m)"},
	}
	if *extraF {
		s = append(s,
			stmt{Name: "SELECT COUNT(*) FROM PREDICT(m)  [again: the cached result]", Group: "extra", SQL: "SELECT COUNT(*) FROM PREDICT(m)", Query: true},
			stmt{Name: "CREATE MODEL m0 WITH (factors = 0, snapshots = 1, epochs = 1)", Group: "extra", SQL: model("m0", " WITH (factors = 0, snapshots = 1, epochs = 1)")},
			stmt{Name: "SELECT COUNT(*) FROM PREDICT(m0)  [first use: features + score, no factors]", Group: "extra", SQL: "SELECT COUNT(*) FROM PREDICT(m0)", Query: true},
		)
	}
	return s
}

type childRun struct {
	stats        []stat
	wall         time.Duration
	user, system time.Duration
	maxRSSKB     int64
	stderr       string
}

func runChild(args []string) (*childRun, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.MultiWriter(&errb, os.Stderr)
	t0 := time.Now()
	err := cmd.Run()
	cr := &childRun{wall: time.Since(t0), stderr: errb.String()}
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			cr.maxRSSKB = ru.Maxrss // kB on Linux
			cr.user = time.Duration(ru.Utime.Nano())
			cr.system = time.Duration(ru.Stime.Nano())
		}
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var st stat
		if json.Unmarshal(sc.Bytes(), &st) == nil && st.Name != "" {
			cr.stats = append(cr.stats, st)
		}
	}
	if err != nil {
		return cr, fmt.Errorf("%s: %v", filepath.Base(args[0]), err)
	}
	return cr, nil
}

func pprofTop(prof string) string {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=10", prof).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("go tool pprof: %v\n%s", err, out)
	}
	return string(out)
}

// mlResult is the scoring-alone measurement.
type mlResult struct {
	rows, cols, trainRows int
	loadWall              time.Duration
	featWall, featCPU     time.Duration // features.Build at the scoring cutoff
	trainWall             time.Duration
	predWall, predCPU     time.Duration
	attrWall, attrCPU     time.Duration
	auc                   float64
}

func eligibleMatrix(res *features.Result, s *features.Snapshot) (ml.Matrix, []float64) {
	var rows []int
	for i := range s.Label {
		if res.Layout.EventCount(s, i) > 0 {
			rows = append(rows, i)
		}
	}
	X := ml.NewMatrix(len(rows), s.X.Cols)
	y := make([]float64, len(rows))
	for r, i := range rows {
		copy(X.Row(r), s.X.Row(i))
		y[r] = s.Label[i]
	}
	return X, y
}

func runML(ds *dataset, asOfUS int64) (*mlResult, error) {
	ctx := context.Background()
	var m mlResult
	t0 := time.Now()
	recs, schema, err := load(ds.events, []int{0, 1, 2, 3}) // profile_id, timestamp, event_type, value
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	m.loadWall = time.Since(t0)
	col := func(i int) *expr.Col {
		f := schema.Field(i)
		return &expr.Col{Idx: i, Name: f.Name, T: f.Type}
	}
	goal, err := expr.NewCompare("=", col(2), expr.StringConst(gen.Purchase))
	if err != nil {
		return nil, err
	}
	var types []string
	for _, t := range gen.EventTypes {
		if t != gen.Purchase {
			types = append(types, t)
		}
	}
	spec := &features.Spec{Schema: schema, IDCol: 0, TSCol: 1, TypeCol: 2, Goal: goal,
		ValueCols: []int{3}, EventTypes: types, Lookback: 365 * day, Window: 30 * day}

	// training matrix at AS OF - 30 days (not timed)
	trainRes, err := features.Build(ctx, spec, recs, features.NewKeys(false), []int64{asOfUS - 30*day}, nil)
	if err != nil {
		return nil, err
	}
	Xt, yt := eligibleMatrix(trainRes, trainRes.Snapshots[0])
	trainRes = nil
	n := min(Xt.Rows, *trainRowsF)
	// deterministic spread: every k-th row, 85% train / 15% validation
	step := max(1, Xt.Rows/n)
	var tr, va ml.Dataset
	for i, k := 0, 0; i < Xt.Rows && k < n; i, k = i+step, k+1 {
		d := &tr
		if k%100 >= 85 {
			d = &va
		}
		d.X.Data = append(d.X.Data, Xt.Row(i)...)
		d.X.Rows++
		d.X.Cols = Xt.Cols
		d.Y = append(d.Y, yt[i])
	}
	Xt, yt = ml.Matrix{}, nil
	// scoring matrix at AS OF (timed: feature building alone)
	runtime.GC()
	c0, t1 := measure.CPUTime(), time.Now()
	res, err := features.Build(ctx, spec, recs, features.NewKeys(false), []int64{asOfUS}, nil)
	if err != nil {
		return nil, err
	}
	X, _ := eligibleMatrix(res, res.Snapshots[0])
	m.featWall, m.featCPU = time.Since(t1), measure.CPUTime()-c0
	cols := res.Layout.Columns
	res = nil
	m.rows, m.cols, m.trainRows = X.Rows, X.Cols, tr.X.Rows
	t2 := time.Now()
	model, err := ml.Train(ctx, cols, tr, va, ml.Options{})
	if err != nil {
		return nil, err
	}
	m.trainWall = time.Since(t2)
	m.auc = ml.Evaluate(va.Y, model.Predict(va.X)).AUC

	if *mlprofF != "" {
		f, err := os.Create(*mlprofF)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	c0, t3 := measure.CPUTime(), time.Now()
	p := model.Predict(X)
	m.predWall, m.predCPU = time.Since(t3), measure.CPUTime()-c0
	_ = p
	runtime.GC()
	c0, t4 := measure.CPUTime(), time.Now()
	a := model.Attribute(X, model.Reference(), 0)
	m.attrWall, m.attrCPU = time.Since(t4), measure.CPUTime()-c0
	_ = a
	return &m, nil
}

func mb(b int64) string { return fmt.Sprintf("%.0f", float64(b)/1e6) }

func main() {
	flag.Parse()
	log.SetFlags(0)
	if *childF {
		if err := child(); err != nil {
			log.Fatal(err)
		}
		return
	}
	nprof := int(math.Round(float64(*profilesF) * *scaleF))
	cfg := gen.Config{Profiles: nprof, Seed: *seedF, Days: *daysF}
	dir := *dirF
	if dir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("cai-e2e-%dx%d", nprof, *daysF))
	}
	fmt.Printf("date %s UTC, go %s %s/%s, nproc %d, GOMAXPROCS %d, load average at start %s\n",
		time.Now().UTC().Format("2006-01-02 15:04"), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), measure.LoadAvg())

	ds, genTime, err := ensureData(cfg, dir, *filesF)
	if err != nil {
		log.Fatal(err)
	}
	if !*keepF {
		defer os.RemoveAll(dir)
	}
	if genTime > 0 {
		log.Printf("generated %d profiles x %d days into %s in %v", nprof, *daysF, dir, genTime.Round(time.Millisecond))
	}
	evSize, err := sizeOf(ds.events, nil)
	if err != nil {
		log.Fatal(err)
	}
	prSize, err := sizeOf([]string{ds.profiles}, nil)
	if err != nil {
		log.Fatal(err)
	}
	arrowTotal := evSize.arrowBytes + prSize.arrowBytes
	log.Printf("events: %d rows, Arrow %s MB, Parquet %s MB on disk (%s MB uncompressed); profiles: %d rows, Arrow %s MB",
		evSize.rows, mb(evSize.arrowBytes), mb(evSize.parquetBytes), mb(evSize.uncompressed), prSize.rows, mb(prSize.arrowBytes))

	asOf := cfg.End().Format(time.DateOnly)
	stmts := script(ds, asOf)
	sf, err := os.CreateTemp("", "e2e-script-*.json")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(sf.Name())
	if err := json.NewEncoder(sf).Encode(stmts); err != nil {
		log.Fatal(err)
	}
	sf.Close()
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	args := []string{self, "-child", "-script", sf.Name(), fmt.Sprintf("-extra=%v", *extraF)}
	args = append(args, "-gogc", strconv.Itoa(*gogcF))
	if *heapprofF != "" {
		args = append(args, "-heapprofile", *heapprofF)
	}
	if *cpuprofF != "" {
		args = append(args, "-cpuprofile", *cpuprofF)
	}
	loadBefore := measure.LoadAvg()
	var runs []*childRun
	var cr *childRun
	var childErr error
	for i := 0; i < max(1, *runsF); i++ {
		r, err := runChild(args)
		if r != nil {
			runs = append(runs, r)
			cr = r
		}
		if err != nil {
			log.Printf("child run %d failed: %v", i+1, err)
			childErr = err
			break
		}
	}
	loadAfter := measure.LoadAvg()
	if cr == nil {
		log.Fatalf("no child run finished: %v", childErr)
	}

	var cli *childRun
	if *cliF != "" {
		var sb strings.Builder
		for _, s := range stmts {
			if s.Group == "e2e" {
				sb.WriteString(s.SQL + ";\n")
			}
		}
		cs, err := os.CreateTemp("", "e2e-*.cai")
		if err != nil {
			log.Fatal(err)
		}
		defer os.Remove(cs.Name())
		cs.WriteString(sb.String())
		cs.Close()
		cli, err = runChild([]string{*cliF, "run", cs.Name()})
		if err != nil {
			log.Printf("cai run failed: %v", err)
		}
	}

	var mr *mlResult
	loadML := ""
	if *mlF {
		end := cfg.End().UnixMicro()
		mr, err = runML(ds, end)
		loadML = measure.LoadAvg()
		if err != nil {
			log.Printf("ml: %v", err)
		}
	}

	// report
	fmt.Printf("\n%d profiles x %d days (seed %d, %d event files): %d events, %d profiles; AS OF '%s'\n",
		nprof, *daysF, *seedF, *filesF, evSize.rows, prSize.rows, asOf)
	fmt.Printf("Arrow size of the loaded columns (pqarrow buffers): events %s MB + profiles %s MB = %s MB; Parquet on disk %s MB\n",
		mb(evSize.arrowBytes), mb(prSize.arrowBytes), mb(arrowTotal), mb(evSize.parquetBytes+prSize.parquetBytes))
	fmt.Printf("load average (1/5/15 min): before child %s, after child %s", loadBefore, loadAfter)
	if loadML != "" {
		fmt.Printf(", after -ml %s", loadML)
	}
	fmt.Println()

	fmt.Println("\n| step | wall (s) | CPU user+sys (s) | VmHWM after (MB) | Arrow held (MB) | rows | note |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---|")
	var e2eWall, e2eCPU float64
	var e2eHWM int64
	var scoredRows int64
	for _, st := range cr.stats {
		note := st.Message
		if st.Error != "" {
			note = "ERROR: " + st.Error
		}
		if len(note) > 160 {
			note = note[:160] + "..."
		}
		fmt.Printf("| %s | %.2f | %.2f | %.0f | %s | %d | %s |\n", st.Name, st.WallMS/1e3, st.CPUMS/1e3, float64(st.HWMKB)*1024/1e6, mb(st.ArrowBytes), st.Rows, strings.ReplaceAll(note, "|", "/"))
		if st.Group == "e2e" {
			e2eWall += st.WallMS
			e2eCPU += st.CPUMS
			e2eHWM = st.HWMKB
		}
		if strings.HasPrefix(st.Name, "SELECT COUNT(*) FROM PREDICT(m)") {
			scoredRows, _ = strconv.ParseInt(strings.TrimPrefix(st.Message, "value "), 10, 64)
		}
	}
	hwmBytes := e2eHWM * 1024
	ne2e, done := 0, 0
	for _, s := range stmts {
		if s.Group == "e2e" {
			ne2e++
		}
	}
	for _, st := range cr.stats {
		if st.Group == "e2e" && st.Error == "" {
			done++
		}
	}
	if done == ne2e {
		fmt.Printf("| **end to end (%d statements)** | **%.2f** | **%.2f** | **%.0f** | | | peak RSS / Arrow size = **%.2fx** |\n",
			ne2e, e2eWall/1e3, e2eCPU/1e3, float64(hwmBytes)/1e6, float64(hwmBytes)/float64(arrowTotal))
	} else {
		fmt.Printf("| **end to end: DID NOT FINISH** (%d of %d statements; child: %v) | | | | | | |\n", done, ne2e, childErr)
	}
	fmt.Printf("| child process total (incl. extras) | %.2f | %.2f | maxrss %.0f | | | peak RSS / Arrow size = %.2fx |\n",
		cr.wall.Seconds(), (cr.user + cr.system).Seconds(), float64(cr.maxRSSKB)*1024/1e6, float64(cr.maxRSSKB*1024)/float64(arrowTotal))
	if cli != nil {
		fmt.Printf("| `cai run` same 4 statements (cmd/cai binary) | %.2f | %.2f | maxrss %.0f | | | peak RSS / Arrow size = %.2fx |\n",
			cli.wall.Seconds(), (cli.user + cli.system).Seconds(), float64(cli.maxRSSKB)*1024/1e6, float64(cli.maxRSSKB*1024)/float64(arrowTotal))
	}

	if len(runs) > 1 && childErr == nil {
		printMedians(runs, arrowTotal)
	}

	fmt.Println("\nScoring throughput (last run):")
	fmt.Println("\n| measurement | profiles | wall (s) | CPU (s) | profiles/s (wall) | profiles/s per CPU-second |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, st := range cr.stats {
		if st.Group == "extra" && st.Error == "" && strings.HasPrefix(st.Name, "SELECT") {
			n := scoredRows
			if v, err := strconv.ParseInt(strings.TrimPrefix(st.Message, "value "), 10, 64); err == nil {
				n = v
			}
			fmt.Printf("| engine: %s | %d | %.2f | %.2f | %.0f | %.0f |\n", st.Name, n, st.WallMS/1e3, st.CPUMS/1e3,
				float64(n)/(st.WallMS/1e3), float64(n)/(st.CPUMS/1e3))
		}
	}
	if mr != nil {
		row := func(name string, w, c time.Duration) {
			fmt.Printf("| %s | %d | %.2f | %.2f | %.0f | %.0f |\n", name, mr.rows, w.Seconds(), c.Seconds(),
				float64(mr.rows)/w.Seconds(), float64(mr.rows)/c.Seconds())
		}
		row(fmt.Sprintf("ml alone: features.Build at AS OF (%d columns, event columns already in memory)", mr.cols), mr.featWall, mr.featCPU)
		row(fmt.Sprintf("ml alone: model.Predict (%d x %d)", mr.rows, mr.cols), mr.predWall, mr.predCPU)
		row("ml alone: model.Attribute(X, Reference(), 0) (exact IG)", mr.attrWall, mr.attrCPU)
		row("ml alone: Predict + Attribute", mr.predWall+mr.attrWall, mr.predCPU+mr.attrCPU)
		fmt.Printf("\n(-ml model: default network 64,32 trained on %d rows in %v, validation AUC %.3f; events read in %v)\n",
			mr.trainRows, mr.trainWall.Round(time.Millisecond), mr.auc, mr.loadWall.Round(time.Millisecond))
	}
	if *cpuprofF != "" && childErr == nil {
		fmt.Printf("\nCPU profile of the end-to-end statements (%s):\n\n%s\n", *cpuprofF, pprofTop(*cpuprofF))
	}
	if *mlprofF != "" && mr != nil {
		fmt.Printf("\nCPU profile of -ml Predict + Attribute (%s):\n\n%s\n", *mlprofF, pprofTop(*mlprofF))
	}
}

// printMedians prints, per statement, the median wall and CPU time and
// peak RSS over the child runs, then the end-to-end medians and every
// run's end-to-end numbers.
func printMedians(runs []*childRun, arrowTotal int64) {
	fmt.Printf("\nMedians of %d runs:\n\n| step | wall (s) | CPU user+sys (s) | VmHWM after (MB) |\n|---|---:|---:|---:|\n", len(runs))
	for i, st := range runs[0].stats {
		var w, c, h []float64
		for _, r := range runs {
			if i < len(r.stats) {
				w = append(w, r.stats[i].WallMS/1e3)
				c = append(c, r.stats[i].CPUMS/1e3)
				h = append(h, float64(r.stats[i].HWMKB)*1024/1e6)
			}
		}
		fmt.Printf("| %s | %.2f | %.2f | %.0f |\n", st.Name, measure.Median(w), measure.Median(c), measure.Median(h))
	}
	var w, c, h []float64
	var each []string
	for _, r := range runs {
		var rw, rc float64
		var peak int64
		for _, st := range r.stats {
			if st.Group == "e2e" {
				rw, rc, peak = rw+st.WallMS/1e3, rc+st.CPUMS/1e3, st.HWMKB*1024
			}
		}
		w, c, h = append(w, rw), append(c, rc), append(h, float64(peak))
		each = append(each, fmt.Sprintf("%.1f s / %.1f CPU-s / %.0f MB", rw, rc, float64(peak)/1e6))
	}
	hm := measure.Median(h)
	fmt.Printf("| **end to end (median)** | **%.2f** | **%.2f** | **%.0f** (%.2fx the Arrow size) |\n", measure.Median(w), measure.Median(c), hm/1e6, hm/float64(arrowTotal))
	fmt.Printf("\nEach run, end to end (wall / CPU / peak RSS): %s\n", strings.Join(each, "; "))
}

// watchHeap samples the Go heap every 250 ms and, whenever it reaches a new
// high, writes a heap profile to path, so the file ends up describing the
// allocations live at (about) the peak. stop ends the sampling and prints
// the peak.
func watchHeap(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprintf(os.Stderr, "e2e child: peak Go heap in use %d MB (profile %s)\n", peak/1e6, path)
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse <= peak+peak/20 {
				continue
			}
			peak = ms.HeapInuse
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
}
