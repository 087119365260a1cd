package exec

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/planner"
)

// table builds an in-memory table of n rows in batches of size rows:
// id (0..n-1) and grp (id % 3).
func table(t *testing.T, mem memory.Allocator, n, size int) *catalog.Table {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: expr.IntType}, {Name: "grp", Type: expr.IntType}}, nil)
	var batches []arrow.RecordBatch
	for off := 0; off < n; off += size {
		b := array.NewRecordBuilder(mem, schema)
		for i := off; i < min(n, off+size); i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
			b.Field(1).(*array.Int64Builder).Append(int64(i % 3))
		}
		batches = append(batches, b.NewRecordBatch())
		b.Release()
	}
	return catalog.NewTable("t", schema, batches)
}

func scanNode(tb *catalog.Table) *planner.Scan {
	return &planner.Scan{Table: tb, Name: "t", Cols: []int{0, 1}, Out: planner.Schema{{Name: "id", T: expr.IntType}, {Name: "grp", T: expr.IntType}}}
}

// TestOperatorContract: every operator ends with io.EOF (again and
// again), Close is safe twice, and all memory comes back.
func TestOperatorContract(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tb := table(t, mem, 1000, 128)
	defer tb.Release()
	scan := scanNode(tb)
	grp := &expr.Col{Idx: 1, Name: "grp", T: expr.IntType}
	id := &expr.Col{Idx: 0, Name: "id", T: expr.IntType}
	cond, _ := expr.NewCompare(">", id, expr.IntConst(900))
	nodes := map[string]planner.Node{
		"scan":   scan,
		"filter": &planner.Filter{Input: scan, Cond: cond},
		"project": &planner.Project{Input: scan, Exprs: []expr.Expr{grp},
			Out: planner.Schema{{Name: "grp", T: expr.IntType}}},
		"aggregate": &planner.Aggregate{Input: scan, Groups: []expr.Expr{grp},
			Aggs: []*planner.AggCall{{Func: planner.AggSum, Arg: id, T: expr.IntType}},
			Out:  planner.Schema{{Name: "grp", T: expr.IntType}, {Name: "sum", T: expr.IntType}}},
		"sort":     &planner.Sort{Input: scan, Keys: []planner.SortKey{{Expr: id, Desc: true}}},
		"limit":    &planner.Limit{Input: scan, Count: 10, Offset: 995},
		"distinct": &planner.Distinct{Input: &planner.Project{Input: scan, Exprs: []expr.Expr{grp}, Out: planner.Schema{{Name: "grp", T: expr.IntType}}}},
		"join": &planner.Join{Left: scan, Right: scan, Kind: planner.JoinInner, LeftKeys: []expr.Expr{id}, RightKeys: []expr.Expr{id},
			Out: append(append(planner.Schema{}, scan.Out...), scan.Out...)},
	}
	wantRows := map[string]int64{"scan": 1000, "filter": 99, "project": 1000, "aggregate": 3, "sort": 1000, "limit": 5, "distinct": 3, "join": 1000}
	for name, n := range nodes {
		op, err := Build(n, mem)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var rows int64
		for {
			b, err := op.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			rows += b.NumRows()
			b.Release()
		}
		for k := 0; k < 2; k++ {
			if _, err := op.Next(context.Background()); !errors.Is(err, io.EOF) {
				t.Errorf("%s: Next after the end = %v, want io.EOF", name, err)
			}
		}
		if rows != wantRows[name] {
			t.Errorf("%s: %d rows, want %d", name, rows, wantRows[name])
		}
		if err := op.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
		if err := op.Close(); err != nil {
			t.Errorf("%s: second Close: %v", name, err)
		}
	}
}

// TestCloseEarlyAndCancel: closing before draining frees everything, and
// a canceled context stops a scan.
func TestCloseEarlyAndCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tb := table(t, mem, 1000, 100)
	defer tb.Release()
	id := &expr.Col{Idx: 0, Name: "id", T: expr.IntType}
	op, err := Build(&planner.Sort{Input: scanNode(tb), Keys: []planner.SortKey{{Expr: id}}}, mem)
	if err != nil {
		t.Fatal(err)
	}
	b, err := op.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	op.Close()
	op.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	op, err = Build(scanNode(tb), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if _, err := op.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled scan: %v", err)
	}
}
