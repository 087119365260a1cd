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
// preprocessing, epochs, calibration); the peers' fit calls only. cai's
// CPU time is the median of -refits calls of ml.Train on the exported
// matrix (with PREDICT's options and the statement's seed; the column
// kinds are inferred from the feature names, and the refits' test AUC
// should equal EVALUATE's).
//
// For iterating on ml.Train alone, on a matrix kept with -keep:
//
//	go run ./cmd/quality -fit /tmp/q/cdnow_features.csv -runs 5 -v
//	go run ./cmd/quality -fit /tmp/q/gen_features.csv -seed 3 -cpuprofile gen.prof
//
// -no-peers skips the python peers.
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
	"github.com/cai-dev/cai/bench/internal/measure"
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
	flagNoPeers  = flag.Bool("no-peers", false, "train and evaluate cai only (no python)")
	flagRefits   = flag.Int("refits", 3, "after CREATE MODEL, time ml.Train this many times on the exported matrix for cai's CPU time (0: skip)")
	flagFit      = flag.String("fit", "", "only time ml.Train (no engine, no peers) on this exported feature CSV")
	flagRuns     = flag.Int("runs", 3, "with -fit: number of fits")
	flagSeed     = flag.Int64("seed", 7, "with -fit: training seed (the statements use 7 for cdnow, 3 for gen)")
	flagL2       = flag.Float64("l2", 0.001, "with -fit: weight decay (PREDICT's default 1e-3)")
	flagBatch    = flag.Int("batch", 0, "with -fit: batch size (0: ml's default)")
	flagLR       = flag.Float64("lr", 0, "with -fit: learning rate (0: ml's default)")
	flagPatience = flag.Int("patience", 0, "with -fit: early-stopping patience (0: ml's default)")
	flagTol      = flag.Float64("tol", 0, "with -fit: early-stopping tolerance (0: ml's default)")
	flagEpochs   = flag.Int("epochs", 0, "with -fit: maximum epochs (0: ml's default)")
	flagVerbose  = flag.Bool("v", false, "with -fit: print every epoch")
	flagProfile  = flag.String("cpuprofile", "", "with -fit: write a CPU profile of the fits here")
)

// row is one line of a result table.
type row struct {
	Model        string
	AUC, PRAUC   float64
	LogLoss      float64
	TrainSeconds float64
	CPUSeconds   float64 // NaN: not measured
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

	if *flagFit != "" {
		opt := ml.Options{Seed: *flagSeed, L2: *flagL2, BatchSize: *flagBatch, LearningRate: *flagLR, Patience: *flagPatience, Epochs: *flagEpochs, Tolerance: *flagTol}
		if *flagVerbose {
			opt.Progress = func(s ml.EpochStats) {
				fmt.Printf("  epoch %2d  train %.5f  val %.5f  %v  %.2fs\n", s.Epoch, s.TrainLoss, s.ValLoss, s.Best, s.Elapsed.Seconds())
			}
		}
		_, _, err := fitOnly(*flagFit, *flagRuns, opt, *flagProfile)
		check(err)
		return
	}
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
			runDataset(ctx, "CDNOW churn (90 days, AS OF 1998-03-31)", setup, model, "churn", feat, peers, 7)
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
				setup, model, "buy", feat, peers, 3)
		case "":
		default:
			log.Fatalf("unknown dataset %q (want cdnow, gen)", ds)
		}
	}
}

// runDataset trains cai (which exports the matrix), then the peers on the
// exported matrix, and prints the table.
func runDataset(ctx context.Context, title, setup, model, name, feat, peers string, seed int64) {
	fmt.Printf("== %s\n", title)
	fmt.Printf("load average at start: %s\n", measure.LoadAvg())
	defer func() { fmt.Printf("load average at end: %s\n\n", measure.LoadAvg()) }()
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
		TrainSeconds: fit.Seconds(), CPUSeconds: math.NaN()}}
	refit := ""
	if *flagRefits > 0 {
		// DESCRIBE MODEL gives the fit's wall time only; refitting on the
		// exported matrix gives its CPU time too.
		fmt.Printf("cai ml.Train refits on the exported matrix (PREDICT's options, seed %d):\n", seed)
		wall, cpu, err := fitOnly(feat, *flagRefits, ml.Options{Seed: seed, L2: 0.001}, "")
		check(err)
		rows[0].CPUSeconds = cpu
		refit = fmt.Sprintf("cai train CPU time: median of %d refits of ml.Train on the exported matrix (their median wall time %.2f s).", *flagRefits, wall)
	}
	if *flagNoPeers {
		printTable(title, m, rows, refit)
		return
	}
	pr, err := runPeers(peers, feat, m)
	check(err)
	rows = append(rows, pr...)

	xgb := row{AUC: math.NaN(), TrainSeconds: math.NaN()}
	for _, r := range pr {
		if r.Model == peerNames["xgboost"] {
			xgb = r
		}
	}
	xgbAUC := xgb.AUC
	d := rows[0].AUC - xgbAUC
	verdict := "met"
	if !(d >= -0.005) {
		verdict = "not met"
	}
	last := fmt.Sprintf("cai AUC - xgboost AUC = %+.4f (target ≥ -0.005): %s. Train wall time cai / xgboost = %.2f.",
		d, verdict, rows[0].TrainSeconds/xgb.TrainSeconds)
	if refit != "" {
		last += "\n" + refit
	}
	printTable(title, m, rows, last)
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
		rows = append(rows, row{Model: name, AUC: ev.AUC, PRAUC: ev.PRAUC, LogLoss: ev.LogLoss,
			TrainSeconds: pl.TrainSeconds, CPUSeconds: pl.CPUSeconds})
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
	fmt.Println("| model | test AUC | PR-AUC | log loss | train wall (s) | train CPU (s) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		cpu := "-"
		if !math.IsNaN(r.CPUSeconds) {
			cpu = fmt.Sprintf("%.2f", r.CPUSeconds)
		}
		fmt.Printf("| %s | %.4f | %.4f | %.4f | %.2f | %s |\n", r.Model, r.AUC, r.PRAUC, r.LogLoss, r.TrainSeconds, cpu)
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

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
