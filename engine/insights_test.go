package engine

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/ml"
	"github.com/cai-dev/cai/parser/ast"
)

// smallModel is a conversion model on the small generated data set in
// testdata/csv (800 profiles, 2024), fast to train.
const smallModel = `CREATE TABLE gen_events FROM 'testdata/csv/gen_events.csv';
CREATE TABLE gen_profiles FROM 'testdata/csv/gen_profiles.csv';
CREATE MODEL buy AS PREDICT CONVERSION FOR gen_profiles KEY profile_id FROM gen_events
  GOAL event_type = 'purchase' WITHIN 30 DAYS LOOKBACK 180 DAYS WITH (seed = 1, min_class = 50, epochs = 5);`

// openSmall opens an engine with the small model trained.
func openSmall(t *testing.T, opts Options) *Engine {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	opts.Mem = mem
	e, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	mustRun(t, e, smallModel)
	return e
}

// mustRun runs statements and returns the last result's message or
// rows, as the data-driven tests print them.
func mustRun(t *testing.T, e *Engine, sql string) string {
	t.Helper()
	out := runCase(e, sql)
	if strings.Contains(out, "error: ") {
		t.Fatalf("%s\n%s", sql, out)
	}
	return out
}

// trainTime is the training time in a CREATE MODEL message.
var trainTime = regexp.MustCompile(`\((\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|ms|s)\)$`)

func maskTimes(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "created model ") {
			lines[i] = trainTime.ReplaceAllString(l, "(TIME)")
		}
	}
	return strings.Join(lines, "\n")
}

// TestInsightsInvariants checks the per-bucket summary against the
// scored profiles it summarises.
func TestInsightsInvariants(t *testing.T) {
	e := openSmall(t, Options{})
	ctx := context.Background()
	mf, err := e.loadModel(ast.Pos{}, "buy")
	if err != nil {
		t.Fatal(err)
	}
	b := e.binder(nil)
	defer b.Release()
	s, err := e.score(ctx, b, mf, 0)
	if err != nil {
		t.Fatal(err)
	}
	bis := bucketFactors(s, insightsTop)
	if len(bis) != 3 || bis[0].Bucket != "high" || bis[1].Bucket != "medium" || bis[2].Bucket != "low" {
		t.Fatalf("buckets %+v", bis)
	}
	total := 0
	groups := groupColumns(mf)
	for _, bi := range bis {
		total += bi.Profiles
		if bi.Profiles == 0 || len(bi.Factors) == 0 || len(bi.Factors) > insightsTop {
			t.Fatalf("bucket %s: %d profiles, %d factors", bi.Bucket, bi.Profiles, len(bi.Factors))
		}
		seen := map[string]bool{}
		for i, f := range bi.Factors {
			if f.Rank != i+1 {
				t.Errorf("%s: rank %d at %d", bi.Bucket, f.Rank, i)
			}
			if seen[f.Code] {
				t.Errorf("%s: %s twice", bi.Bucket, f.Code)
			}
			seen[f.Code] = true
			if f.Coverage <= 0 || f.Coverage > 1 || f.Coverage != float64(f.Profiles)/float64(bi.Profiles) {
				t.Errorf("%s/%s: coverage %v of %d/%d", bi.Bucket, f.Code, f.Coverage, f.Profiles, bi.Profiles)
			}
			if i > 0 && f.Profiles > bi.Factors[i-1].Profiles {
				t.Errorf("%s: not sorted by coverage at %d", bi.Bucket, i)
			}
			if !(f.MeanImpact > 0) {
				t.Errorf("%s/%s: mean impact %v (factors push toward the outcome)", bi.Bucket, f.Code, f.MeanImpact)
			}
			inGroup := false
			for _, j := range groups[f.Code] {
				inGroup = inGroup || mf.Columns[j].Name == f.Feature
			}
			if !inGroup {
				t.Errorf("%s/%s: feature %s is not one of the factor's columns", bi.Bucket, f.Code, f.Feature)
			}
			if f.Binary && (f.TypicalBucket < 0 || f.TypicalBucket > 1 || f.TypicalOverall < 0 || f.TypicalOverall > 1) {
				t.Errorf("%s/%s: shares %v %v", bi.Bucket, f.Code, f.TypicalBucket, f.TypicalOverall)
			}
		}
	}
	if total != len(s.prob) {
		t.Fatalf("buckets hold %d profiles, %d scored", total, len(s.prob))
	}
	// The coverage of the top factor of a bucket agrees with counting the
	// factors column of PREDICT(buy).
	top := bis[0].Factors[0]
	out := mustRun(t, e, fmt.Sprintf(`SELECT COUNT(*) FROM PREDICT(buy) WHERE bucket = 'high' AND has_factor(factors, '%s');`, top.Code))
	if want := fmt.Sprintf("%d", top.Profiles); strings.TrimSpace(strings.Split(out, "\n")[1]) != want {
		t.Errorf("high bucket with factor %s: PREDICT says\n%s\ninsights say %s", top.Code, out, want)
	}
	// The statement returns the same rows.
	res := mustRun(t, e, "INSIGHTS buy;")
	lines := strings.Split(strings.TrimSpace(res), "\n")
	if lines[0] != "bucket:VARCHAR | rank:BIGINT | code:VARCHAR | coverage:DOUBLE | mean_impact:DOUBLE | typical_in_bucket:DOUBLE | typical_overall:DOUBLE | feature:VARCHAR" {
		t.Errorf("header %s", lines[0])
	}
	n := 0
	for _, bi := range bis {
		n += len(bi.Factors)
	}
	if len(lines)-1 != n {
		t.Errorf("INSIGHTS returned %d rows, want %d", len(lines)-1, n)
	}
}

func TestColumnTypical(t *testing.T) {
	m := ml.Matrix{Rows: 5, Cols: 2, Data: []float64{1, 0, 3, 1, math.NaN(), 1, 2, 0, 10, 1}}
	all := func(int) bool { return true }
	if got := columnTypical(m, 0, false, all); got != 3 { // 1 2 3 10 → upper median
		t.Errorf("median %v", got)
	}
	if got := columnTypical(m, 1, true, all); got != 0.6 {
		t.Errorf("share %v", got)
	}
	if got := columnTypical(m, 0, false, func(i int) bool { return i == 2 }); !math.IsNaN(got) {
		t.Errorf("all missing %v", got)
	}
}

// groupColumns lists the input columns of each factor.
func groupColumns(mf *modelFile) map[string][]int {
	m := map[string][]int{}
	for j, c := range mf.Columns {
		m[c.Group] = append(m[c.Group], j)
	}
	return m
}
