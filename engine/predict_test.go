package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

const genModel = `CREATE TABLE gen_events FROM 'testdata/csv/gen_events.csv';
CREATE TABLE gen_profiles FROM 'testdata/csv/gen_profiles.csv';
CREATE MODEL buy AS PREDICT CONVERSION FOR gen_profiles KEY profile_id FROM gen_events
  GOAL event_type = 'purchase' WITHIN 30 DAYS LOOKBACK 180 DAYS WITH (seed = 4, min_class = 50, epochs = 8);`

const genScores = "SELECT profile_id, probability, score, bucket, factor(factors, 1) AS f1 FROM PREDICT(buy) ORDER BY profile_id;"

// TestPredictDeterministic: same data, same statement, same seed, same
// scores — also in another engine that reopens the saved model.
func TestPredictDeterministic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	scores := func(opts Options, setup string) string {
		e, err := Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		if setup != "" {
			if out := runCase(e, setup); strings.Contains(out, "error") {
				t.Fatal(out)
			}
		}
		out := runCase(e, genScores)
		if strings.Contains(out, "error") || strings.Count(out, "\n") < 100 {
			t.Fatalf("scores: %.300s", out)
		}
		return out
	}
	a := scores(Options{Mem: mem}, genModel)
	b := scores(Options{Mem: mem, Dir: dir}, genModel)
	if a != b {
		t.Fatalf("two trainings with the same seed differ")
	}
	c := scores(Options{Mem: mem, Dir: dir}, "")
	if a != c {
		t.Fatalf("the model saved in one engine scores differently in another")
	}
}

// TestPredictResultSet checks the columns and invariants of a result set:
// probabilities in [0,1], score = share of lower probabilities, buckets
// by score, factors pushing toward the outcome, strongest first.
func TestPredictResultSet(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if out := runCase(e, genModel); strings.Contains(out, "error") {
		t.Fatal(out)
	}
	checks := map[string]string{
		"SELECT COUNT(*) FROM PREDICT(buy) WHERE probability < 0 OR probability > 1 OR probability IS NULL;":                                             "0",
		"SELECT COUNT(*) FROM PREDICT(buy) WHERE (score >= 75) <> (bucket = 'high') OR (score < 25) <> (bucket = 'low');":                                "0",
		"SELECT COUNT(*) FROM PREDICT(buy) WHERE percentile < 1 OR percentile > 100 OR percentile <> CAST(floor(score) AS BIGINT) + 1 AND score < 99.5;": "0",
		"SELECT COUNT(*) FROM PREDICT(buy) p, UNNEST(p.factors) AS f WHERE f.impact <= 0;":                                                               "0",
		"SELECT COUNT(*) FROM (SELECT p.profile_id, COUNT(*) AS n FROM PREDICT(buy) p, UNNEST(p.factors) AS f GROUP BY 1) t WHERE t.n > 5;":              "0",
		"SELECT MIN(score) < 1 AND MAX(score) > 99 FROM PREDICT(buy);":                                                                                   "true",
		"SELECT COUNT(*) > 0 FROM PREDICT(buy) WHERE has_factor(factors, factor(factors, 1)) AND factor_impact(factors, factor(factors, 1)) > 0;":        "true",
	}
	for sql, want := range checks {
		out := runCase(e, sql)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || lines[1] != want {
			t.Errorf("%s\n got %q, want %s", sql, out, want)
		}
	}
	// Factors are sorted by impact, strongest first.
	err = e.Run(context.Background(), "", "SELECT factors FROM PREDICT(buy);", nil, func(r *Result) error {
		defer r.Release()
		for _, b := range r.Batches {
			f, err := asFactorsForTest(b.Column(0))
			if err != nil {
				return err
			}
			for row := 0; row < f.rows(); row++ {
				imp := f.impacts(row)
				for k := 1; k < len(imp); k++ {
					if imp[k] > imp[k-1] {
						t.Fatalf("row %d: factors out of order: %v", row, imp)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
