package repl

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cai-dev/cai"
)

// TestChartModel: with \chart on, EVALUATE ... BY DECILE and a score
// distribution query are drawn as bar charts after their tables.
func TestChartModel(t *testing.T) {
	db, err := cai.Open(cai.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	data, _ := filepath.Abs("../engine/testdata/csv")
	s := NewSession(db, Options{})
	run := func(line string) string {
		var buf bytes.Buffer
		if err := s.Eval(context.Background(), &buf, line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return buf.String()
	}
	run(`CREATE TABLE ev FROM '` + data + `/gen_events.csv';`)
	run(`CREATE MODEL m AS PREDICT CONVERSION FOR EACH profile_id FROM ev GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (seed = 1, min_class = 50, epochs = 3);`)
	run(`\chart`)
	deciles := run(`EVALUATE m BY DECILE;`)
	if strings.Count(deciles, "█") < 10 {
		t.Errorf("EVALUATE BY DECILE drew no bars:\n%s", deciles)
	}
	dist := run(`SELECT bucket, COUNT(*) AS count FROM PREDICT(m) GROUP BY bucket ORDER BY bucket;`)
	if strings.Count(dist, "█") < 3 || !strings.Contains(dist, "medium") {
		t.Errorf("score distribution drew no bars:\n%s", dist)
	}
}
