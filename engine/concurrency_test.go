package engine

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// concurrentQueries is the mix the goroutines run. Each one's output must
// not depend on what runs beside it.
var concurrentQueries = []string{
	"SELECT event_type, COUNT(*) AS n, SUM(amount) AS total, COUNT(DISTINCT customer_id) AS people FROM ev GROUP BY event_type ORDER BY event_type;",
	"SELECT p.country, COUNT(*) AS n, AVG(e.amount) AS avg_amount FROM ev e JOIN pr p ON e.customer_id = p.customer_id GROUP BY p.country ORDER BY p.country;",
	"SELECT p.customer_id, COUNT(e.ts) AS n FROM pr p LEFT JOIN ev e ON e.customer_id = p.customer_id AND e.event_type = 'purchase' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5;",
	"SELECT customer_id, probability, score, bucket FROM PREDICT(m) ORDER BY customer_id;",
	"PREDICT USING m WHERE bucket = 'high';",
	"SELECT bucket, COUNT(*) AS n FROM PREDICT(m) GROUP BY bucket ORDER BY bucket;",
	"CREATE OR REPLACE SEGMENT seg AS SELECT customer_id FROM PREDICT(m) WHERE bucket = 'high';",
	"REFRESH SEGMENT seg;",
	"SELECT COUNT(*) FROM seg;",
	"SHOW TABLES;",
	"SHOW MODELS;",
	"EVALUATE m;",
}

// TestConcurrency runs a mix of queries, scoring and segment statements
// from 8 goroutines against one engine; every output must equal the
// serial run's, and all Arrow memory must be returned.
func TestConcurrency(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e, err := Open(Options{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	setup := `CREATE TABLE ev FROM 'testdata/bad/events.csv';
CREATE TABLE pr FROM 'testdata/bad/profiles.csv';
CREATE MODEL m AS PREDICT CHURN FOR pr KEY customer_id FROM ev GOAL event_type = 'purchase' WITHIN 30 DAYS WITH (min_class = 1, epochs = 3);
CREATE SEGMENT seg AS SELECT customer_id FROM PREDICT(m) WHERE bucket = 'high';`
	if out, err := runAll(e, setup); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	want := make([]string, len(concurrentQueries))
	for i, q := range concurrentQueries {
		want[i] = runCase(e, q)
		if _, err := runAll(e, q); err != nil {
			t.Fatalf("serial %s: %v", q, err)
		}
	}
	// Run twice serially: the outputs must already be stable.
	for i, q := range concurrentQueries {
		if got := runCase(e, q); got != want[i] {
			t.Fatalf("serial run is not repeatable for %s:\n%s\nvs\n%s", q, got, want[i])
		}
	}

	const workers, iterations = 8, 20
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan string, workers*iterations)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < iterations; i++ {
				k := (g*7 + i) % len(concurrentQueries)
				got := runCase(e, concurrentQueries[k])
				if got != want[k] {
					errs <- fmt.Sprintf("goroutine %d iteration %d: %s\ngot:\n%s\nwant:\n%s", g, i, concurrentQueries[k], got, want[k])
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	n := 0
	for msg := range errs {
		if n < 5 {
			t.Error(msg)
		}
		n++
	}
	if n > 0 {
		t.Errorf("%d of %d concurrent statements differed from the serial run", n, workers*iterations)
	}
	t.Logf("%d goroutines x %d statements in %v", workers, iterations, time.Since(start))
}
