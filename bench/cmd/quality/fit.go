package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/cai-dev/cai/bench/internal/measure"
	"github.com/cai-dev/cai/ml"
)

// fitOnly trains cai's network alone (ml.Train, no engine, no peers) on an
// exported feature CSV, runs times, prints the wall and CPU time of every
// fit and the test metrics, and returns the median wall and CPU seconds. It is for iterating on
// ml.Train: the column kinds are inferred from the feature names the
// engine gives them (see columnKind), and opt is what PREDICT would pass
// (weight decay 1e-3, the statement's seed).
func fitOnly(path string, runs int, opt ml.Options, profile string) (wall, cpu float64, err error) {
	cols, sets, err := readSplits(path)
	if err != nil {
		return 0, 0, err
	}
	fmt.Printf("%s: %d features; train %d, validation %d, test %d rows\n", path, len(cols),
		sets[0].X.Rows, sets[1].X.Rows, sets[2].X.Rows)
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, 0, err
		}
		defer pprof.StopCPUProfile()
	}
	var walls, cpus []float64
	for r := range runs {
		runtime.GC()
		t0, c0 := time.Now(), measure.CPUTime()
		m, err := ml.Train(context.Background(), cols, sets[0], sets[1], opt)
		if err != nil {
			return 0, 0, err
		}
		wall, cpu := time.Since(t0).Seconds(), (measure.CPUTime() - c0).Seconds()
		walls, cpus = append(walls, wall), append(cpus, cpu)
		ev := ml.Evaluate(sets[2].Y, m.Predict(sets[2].X))
		info := m.Info()
		fmt.Printf("run %d: fit %.2fs wall, %.2fs CPU; %d epochs (best %d), val loss %.5f; test AUC %.4f, PR-AUC %.4f, log loss %.4f\n",
			r+1, wall, cpu, info.Epochs, info.BestEpoch, info.ValLoss, ev.AUC, ev.PRAUC, ev.LogLoss)
	}
	wall, cpu = measure.Median(walls), measure.Median(cpus)
	fmt.Printf("median of %d: fit %.2fs wall, %.2fs CPU\n", runs, wall, cpu)
	return wall, cpu, nil
}

// columnKind infers the ml.Kind the engine gives a feature column from its
// name (features/spec.go, engine/predict_attrs.go).
func columnKind(name string) ml.Kind {
	switch {
	case strings.Contains(name, "="), name == "email_opt_in":
		return ml.KindBinary
	case strings.Contains(name, "_count_"), name == "active_days", name == "events_lookback":
		return ml.KindCount
	case strings.Contains(name, "days_since"), strings.HasSuffix(name, "_days"):
		return ml.KindDays
	case strings.HasPrefix(name, "goal_") && (strings.HasSuffix(name, "_sum") || strings.HasSuffix(name, "_avg")):
		return ml.KindAmount
	}
	return ml.KindNumeric
}

// readSplits reads an exported feature CSV into train, validation and test
// datasets.
func readSplits(path string) ([]ml.Column, [3]ml.Dataset, error) {
	var sets [3]ml.Dataset
	f, err := os.Open(path)
	if err != nil {
		return nil, sets, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	h, err := r.Read()
	if err != nil {
		return nil, sets, fmt.Errorf("%s: %v", path, err)
	}
	if len(h) < 5 || h[2] != "split" || h[3] != "label" {
		return nil, sets, fmt.Errorf("%s: want columns <identity>, cutoff, split, label, ...; got %q", path, h)
	}
	var cols []ml.Column
	for _, name := range h[4:] {
		cols = append(cols, ml.Column{Name: name, Kind: columnKind(name)})
	}
	part := map[string]int{"train": 0, "validation": 1, "test": 2}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, sets, fmt.Errorf("%s: %v", path, err)
		}
		p, ok := part[rec[2]]
		if !ok {
			return nil, sets, fmt.Errorf("%s: split %q", path, rec[2])
		}
		y, err := strconv.ParseFloat(rec[3], 64)
		if err != nil {
			return nil, sets, fmt.Errorf("%s: label %q", path, rec[3])
		}
		d := &sets[p]
		for _, s := range rec[4:] {
			v := math.NaN()
			if s != "" {
				if v, err = strconv.ParseFloat(s, 64); err != nil {
					return nil, sets, fmt.Errorf("%s: value %q", path, s)
				}
			}
			d.X.Data = append(d.X.Data, v)
		}
		d.X.Rows++
		d.X.Cols = len(cols)
		d.Y = append(d.Y, y)
	}
	return cols, sets, nil
}
