// Command gen writes a deterministic synthetic data set of consumer
// experience events and profiles (see package
// github.com/cai-dev/cai/examples/gen for the generative model).
//
// Usage:
//
//	go run ./examples/gen/cmd/gen -profiles 50000 -seed 1 -start 2024-01-01 -days 365 -format parquet -out DIR [-files N]
//
// It writes DIR/events.<ext> and DIR/profiles.<ext>, where ext is csv, jsonl
// or parquet; with -format parquet and -files N > 1 the events are split into
// DIR/events-000.parquet ... by profile range. -prefix P puts P in front of
// every file name. Progress and a final summary (events, time, events/s) go
// to stderr only when stderr is a terminal, or with -v for the summary.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/cai-dev/cai/examples/gen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		profiles = flag.Int("profiles", 10000, "number of profiles")
		seed     = flag.Int64("seed", 1, "random seed")
		start    = flag.String("start", "2024-01-01", "first day (YYYY-MM-DD, UTC)")
		days     = flag.Int("days", 365, "number of days")
		format   = flag.String("format", "parquet", "output format: csv, json or parquet")
		out      = flag.String("out", "", "output directory (required)")
		files    = flag.Int("files", 1, "parquet only: split events into this many files")
		batch    = flag.Int("batch", 64*1024, "parquet only: rows per Arrow record batch")
		prefix   = flag.String("prefix", "", "prefix for the file names (e.g. xdm_ for xdm_events.jsonl)")
		verbose  = flag.Bool("v", false, "print a summary line to stderr even when it is not a terminal")
	)
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if *out == "" {
		return fmt.Errorf("-out DIR is required")
	}
	st, err := time.Parse(time.DateOnly, *start)
	if err != nil {
		return fmt.Errorf("-start: %v", err)
	}
	if *profiles < 0 || *days <= 0 {
		return fmt.Errorf("-profiles must be ≥ 0 and -days > 0")
	}
	cfg := gen.Config{Profiles: *profiles, Seed: *seed, Start: st, Days: *days}

	began := time.Now()
	var nevents int64
	tty := isTerminal(os.Stderr)
	last := time.Time{}
	progress := func(p int, e int64) {
		nevents = e
		if !tty || (p < *profiles && time.Since(last) < 200*time.Millisecond) {
			return
		}
		last = time.Now()
		el := time.Since(began).Seconds()
		fmt.Fprintf(os.Stderr, "\rprofiles %d/%d  events %d  %.0f events/s ", p, *profiles, e, float64(e)/el)
	}
	opts := []gen.Option{gen.WithProgress(progress), gen.WithPrefix(*prefix)}
	switch *format {
	case "csv":
		err = gen.WriteCSV(cfg, *out, opts...)
	case "json", "jsonl":
		err = gen.WriteJSON(cfg, *out, opts...)
	case "parquet":
		opts = append(opts, gen.WithFiles(*files), gen.WithBatchRows(*batch))
		err = gen.WriteParquet(cfg, *out, opts...)
	default:
		return fmt.Errorf("unknown -format %q (csv, json or parquet)", *format)
	}
	if tty {
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		return err
	}
	if !tty && !*verbose {
		return nil
	}
	el := time.Since(began)
	fmt.Fprintf(os.Stderr, "wrote %d profiles, %d events to %s in %s (%.0f events/s)\n",
		*profiles, nevents, *out, el.Round(time.Millisecond), float64(nevents)/el.Seconds())
	return nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
