// Command quality compares cai's own model (a Gorgonia MLP) with
// scikit-learn LogisticRegression and MLPClassifier and xgboost (hist),
// all trained on the same feature matrix, on two datasets:
//
//   - cdnow: churn on the bundled CDNOW purchases (90 days, AS OF 1998-03-31);
//   - gen: conversion on 50,000 generated profiles (examples/gen, 2024).
//
// cai trains with CREATE MODEL ... WITH (export = 'file.csv'), which also
// writes the matrix it trained on (identity, cutoff, split, label,
// features). bench/quality/peers.py (run with /usr/bin/python3, Debian
// packages python3-sklearn and python3-xgboost) trains the peers on
// split = 'train' (xgboost: split = 'validation' for early stopping) and
// scores split = 'test', the rows cai's EVALUATE reports on.
//
//	cd bench && go run ./cmd/quality
//
// Metrics: cai's are EVALUATE's; the peers' test probabilities are
// re-scored here with the same code (ml.Evaluate) and checked against
// scikit-learn's. Train time: cai's DESCRIBE MODEL fit_time (ml.Train:
// preprocessing, epochs, calibration); the peers' fit calls only.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai"
	"github.com/cai-dev/cai/examples/gen"
	"github.com/cai-dev/cai/ml"
)

var (
	flagDatasets = flag.String("datasets", "cdnow,gen", "comma-separated datasets: cdnow, gen")
	flagProfiles = flag.Int("profiles", 50000, "generated profiles (gen)")
	flagPython   = flag.String("python", "/usr/bin/python3", "python with scikit-learn and xgboost")
	flagPeers    = flag.String("peers", "", "path of peers.py (default: bench/quality/peers.py)")
	flagCDNOW    = flag.String("cdnow", "", "CDNOW csv (default: ../examples/data/cdnow/cdnow_master.csv)")
	flagKeep     = flag.String("keep", "", "directory for the generated data and feature CSVs (default: a temp dir, removed)")
	flagFeatures = flag.String("features", "", "only run the peers on this exported feature CSV (no cai)")
)

// row is one line of a result table.
type row struct {
	Model        string
	AUC, PRAUC   float64
	LogLoss      float64
	TrainSeconds float64
}

// peerLine is a JSON line printed by peers.py.
type peerLine struct {
	Info          map[string]any `json:"info"`
	Model         string         `json:"model"`
	AUC           float64        `json:"auc"`
	PRAUC         float64        `json:"pr_auc"`
	LogLoss       float64        `json:"log_loss"`
	TrainSeconds  float64        `json:"train_seconds"`
	CPUSeconds    float64        `json:"cpu_seconds"`
	BestIteration *int           `json:"best_iteration"`
	NIter         *int           `json:"n_iter"`
}

var peerNames = map[string]string{
	"logreg":  "scikit-learn LogisticRegression",
	"mlp":     "scikit-learn MLPClassifier (64,32)",
	"xgboost": "xgboost (hist)",
}

// matrix summarises an exported feature CSV.
type matrix struct {
	Features  int
	Rows      map[string]int
	Positives map[string]int
	TestY     []float64 // labels of the test rows, in file order
}

func main() {
	log.SetFlags(0)
	flag.Parse()
	ctx := context.Background()

	peers := *flagPeers
	if peers == "" {
		peers = locate("quality/peers.py")
	}
	fmt.Printf("go %s, GOOS/GOARCH %s/%s, NumCPU %d, GOMAXPROCS %d\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), runtime.GOMAXPROCS(0))

	if *flagFeatures != "" {
		m, err := readMatrix(*flagFeatures)
		check(err)
		rows, err := runPeers(peers, *flagFeatures, m)
		check(err)
		printTable(*flagFeatures, m, rows, "")
		return
	}

	dir := *flagKeep
	if dir == "" {
		d, err := os.MkdirTemp("", "cai-quality-")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	} else {
		check(os.MkdirAll(dir, 0o755))
	}
	dir, err := filepath.Abs(dir)
	check(err)

	for _, ds := range strings.Split(*flagDatasets, ",") {
		switch strings.TrimSpace(ds) {
		case "cdnow":
			path := *flagCDNOW
			if path == "" {
				path = locate("../examples/data/cdnow/cdnow_master.csv")
			}
			path, err := filepath.Abs(path)
			check(err)
			feat := filepath.Join(dir, "cdnow_features.csv")
			setup := fmt.Sprintf("CREATE TABLE purchases FROM %s", quote(path))
			model := fmt.Sprintf("CREATE MODEL churn AS PREDICT CHURN FOR EACH customer_id FROM purchases "+
				"GOAL amount > 0 WITHIN 90 DAYS AS OF '1998-03-31' WITH (seed = 7, export = %s)", quote(feat))
			runDataset(ctx, "CDNOW churn (90 days, AS OF 1998-03-31)", setup, model, "churn", feat, peers)
		case "gen":
			gdir := filepath.Join(dir, "gen")
			cfg := gen.Config{Profiles: *flagProfiles, Seed: 1, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Days: 365}
			t0 := time.Now()
			check(gen.WriteParquet(cfg, gdir))
			fmt.Printf("generated %d profiles (seed 1, 2024-01-01 + 365 days) as Parquet in %.1fs\n\n", cfg.Profiles,
				time.Since(t0).Seconds())
			feat := filepath.Join(dir, "gen_features.csv")
			setup := fmt.Sprintf("CREATE TABLE events FROM %s; CREATE TABLE profiles FROM %s",
				quote(filepath.Join(gdir, "events.parquet")), quote(filepath.Join(gdir, "profiles.parquet")))
			model := fmt.Sprintf("CREATE MODEL buy AS PREDICT CONVERSION FOR profiles KEY profile_id FROM events "+
				"GOAL event_type = 'purchase' WITHIN 30 DAYS LOOKBACK 180 DAYS AS OF '2024-12-01' "+
				"WITH (seed = 3, export = %s)", quote(feat))
			runDataset(ctx, fmt.Sprintf("Generated conversion (%d profiles, 30 days, AS OF 2024-12-01)", cfg.Profiles),
				setup, model, "buy", feat, peers)
		case "":
		default:
			log.Fatalf("unknown dataset %q (want cdnow, gen)", ds)
		}
	}
}

// runDataset trains cai (which exports the matrix), then the peers on the
// exported matrix, and prints the table.
func runDataset(ctx context.Context, title, setup, model, name, feat, peers string) {
	fmt.Printf("== %s\n", title)
	fmt.Printf("load average at start: %s\n", loadavg())
	defer func() { fmt.Printf("load average at end: %s\n\n", loadavg()) }()
	db, err := cai.Open(cai.Options{})
	check(err)
	defer db.Close()
	t0 := time.Now()
	_, err = db.Exec(ctx, setup)
	check(err)
	fmt.Printf("loaded in %.1fs\n", time.Since(t0).Seconds())
	t0 = time.Now()
	res, err := db.Exec(ctx, model)
	check(err)
	create := time.Since(t0)
	fmt.Printf("%s\nCREATE MODEL (features + export + fit + importance) %.1fs\n", res.Message, create.Seconds())

	ev, err := floatRows(ctx, db, "EVALUATE "+name)
	check(err)
	desc, err := stringRows(ctx, db, "DESCRIBE MODEL "+name)
	check(err)
	fit, err := time.ParseDuration(desc["fit_time"])
	if err != nil {
		log.Fatalf("DESCRIBE MODEL %s: fit_time %q: %v", name, desc["fit_time"], err)
	}
	fmt.Printf("cai network: %s\ncai rows: %s\n", desc["network"], desc["rows"])

	m, err := readMatrix(feat)
	check(err)
	if int(ev["test_rows"]) != m.Rows["test"] || int(ev["test_positives"]) != m.Positives["test"] {
		log.Fatalf("EVALUATE %s reports %v test rows (%v positive), the export has %d (%d positive)",
			name, ev["test_rows"], ev["test_positives"], m.Rows["test"], m.Positives["test"])
	}
	fmt.Printf("EVALUATE test rows = exported test rows: %d (%d positive)\n", m.Rows["test"], m.Positives["test"])

	rows := []row{{Model: "cai (Gorgonia MLP)", AUC: ev["auc"], PRAUC: ev["pr_auc"], LogLoss: ev["log_loss"],
		TrainSeconds: fit.Seconds()}}
	pr, err := runPeers(peers, feat, m)
	check(err)
	rows = append(rows, pr...)

	var xgbAUC = math.NaN()
	for _, r := range pr {
		if r.Model == peerNames["xgboost"] {
			xgbAUC = r.AUC
		}
	}
	d := rows[0].AUC - xgbAUC
	verdict := "met"
	if !(d >= -0.005) {
		verdict = "not met"
	}
	printTable(title, m, rows, fmt.Sprintf("cai AUC - xgboost AUC = %+.4f (target ≥ -0.005): %s", d, verdict))
}

// runPeers runs peers.py on the feature CSV and re-scores its test
// probabilities with ml.Evaluate.
func runPeers(peers, feat string, m *matrix) ([]row, error) {
	pred, err := os.MkdirTemp("", "cai-quality-pred-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(pred)
	cmd := exec.Command(*flagPython, peers, feat, "--pred-dir", pred)
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=2", "OPENBLAS_NUM_THREADS=2", "MKL_NUM_THREADS=2", "PYTHONWARNINGS=ignore")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var rows []row
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var pl peerLine
		if err := json.Unmarshal(sc.Bytes(), &pl); err != nil {
			return nil, fmt.Errorf("peers.py: %q: %v", sc.Text(), err)
		}
		if pl.Info != nil {
			fmt.Printf("peers: %v\n", pl.Info)
			continue
		}
		p, err := readFloats(filepath.Join(pred, pl.Model+".txt"))
		if err != nil {
			return nil, err
		}
		if len(p) != len(m.TestY) {
			return nil, fmt.Errorf("peers.py %s: %d test probabilities for %d test rows", pl.Model, len(p), len(m.TestY))
		}
		ev := ml.Evaluate(m.TestY, p)
		diff := math.Max(math.Abs(ev.AUC-pl.AUC), math.Max(math.Abs(ev.PRAUC-pl.PRAUC), math.Abs(ev.LogLoss-pl.LogLoss)))
		note := ""
		if pl.BestIteration != nil {
			note = fmt.Sprintf(", best iteration %d", *pl.BestIteration)
		}
		if pl.NIter != nil {
			note = fmt.Sprintf(", %d iterations", *pl.NIter)
		}
		fmt.Printf("peer %-8s fit %.2fs wall, %.2fs CPU%s; ml.Evaluate vs scikit-learn metrics: max |diff| %.1e\n",
			pl.Model, pl.TrainSeconds, pl.CPUSeconds, note, diff)
		if diff > 1e-6 {
			return nil, fmt.Errorf("peers.py %s: metrics differ from ml.Evaluate by %g", pl.Model, diff)
		}
		name := peerNames[pl.Model]
		if name == "" {
			name = pl.Model
		}
		rows = append(rows, row{Model: name, AUC: ev.AUC, PRAUC: ev.PRAUC, LogLoss: ev.LogLoss, TrainSeconds: pl.TrainSeconds})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("peers.py: %v", err)
	}
	return rows, nil
}

func printTable(title string, m *matrix, rows []row, last string) {
	fmt.Printf("\n### %s\n\n", title)
	fmt.Printf("Rows: train %d (%d positive), validation %d (%d positive), test %d (%d positive); %d features.\n\n",
		m.Rows["train"], m.Positives["train"], m.Rows["validation"], m.Positives["validation"],
		m.Rows["test"], m.Positives["test"], m.Features)
	fmt.Println("| model | test AUC | PR-AUC | log loss | train time (s) |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Printf("| %s | %.4f | %.4f | %.4f | %.2f |\n", r.Model, r.AUC, r.PRAUC, r.LogLoss, r.TrainSeconds)
	}
	if last != "" {
		fmt.Printf("\n%s\n", last)
	}
	fmt.Println()
}

// readMatrix reads an exported feature CSV: <identity>, cutoff, split,
// label, features....
func readMatrix(path string) (*matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	h, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(h) < 4 || h[1] != "cutoff" || h[2] != "split" || h[3] != "label" {
		return nil, fmt.Errorf("%s: want columns <identity>, cutoff, split, label, ...; got %q", path, h)
	}
	m := &matrix{Features: len(h) - 4, Rows: map[string]int{}, Positives: map[string]int{}}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		y, err := strconv.Atoi(rec[3])
		if err != nil || (y != 0 && y != 1) {
			return nil, fmt.Errorf("%s: label %q", path, rec[3])
		}
		s := rec[2]
		m.Rows[s]++
		m.Positives[s] += y
		if s == "test" {
			m.TestY = append(m.TestY, float64(y))
		}
	}
	return m, nil
}

func readFloats(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []float64
	for _, l := range strings.Fields(string(b)) {
		v, err := strconv.ParseFloat(l, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// floatRows reads a (string, float) result, such as EVALUATE's.
func floatRows(ctx context.Context, db *cai.DB, sql string) (map[string]float64, error) {
	out := map[string]float64{}
	err := eachRow(ctx, db, sql, func(rec arrow.RecordBatch, i int) error {
		k, ok := rec.Column(0).(*array.String)
		v, ok2 := rec.Column(1).(*array.Float64)
		if !ok || !ok2 {
			return fmt.Errorf("%s: unexpected schema %v", sql, rec.Schema())
		}
		out[k.Value(i)] = v.Value(i)
		return nil
	})
	return out, err
}

// stringRows reads a (string, string) result, such as DESCRIBE MODEL's;
// repeated keys keep the first value.
func stringRows(ctx context.Context, db *cai.DB, sql string) (map[string]string, error) {
	out := map[string]string{}
	err := eachRow(ctx, db, sql, func(rec arrow.RecordBatch, i int) error {
		k, ok := rec.Column(0).(*array.String)
		v, ok2 := rec.Column(1).(*array.String)
		if !ok || !ok2 {
			return fmt.Errorf("%s: unexpected schema %v", sql, rec.Schema())
		}
		if _, dup := out[k.Value(i)]; !dup {
			out[k.Value(i)] = v.Value(i)
		}
		return nil
	})
	return out, err
}

func eachRow(ctx context.Context, db *cai.DB, sql string, fn func(arrow.RecordBatch, int) error) error {
	rr, err := db.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			if err := fn(rec, i); err != nil {
				return err
			}
		}
	}
	return rr.Err()
}

// locate finds rel relative to the working directory (bench) or, failing
// that, to this source file's module root.
func locate(rel string) string {
	if _, err := os.Stat(rel); err == nil {
		return rel
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "..", "..", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return rel
}

// loadavg returns the 1, 5 and 15 minute load averages (Linux), or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
