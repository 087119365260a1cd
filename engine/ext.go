package engine

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
	"github.com/cai-dev/cai/storage"
)

// extensions implements planner.Extensions for the engine.
type extensions struct{ e *Engine }

// BindFile binds FROM 'path': the file is read when the plan runs.
func (x *extensions) BindFile(b *planner.Binder, t *ast.FileTable) (planner.Node, error) {
	path, err := x.e.checkPath(t.At, t.Path, false)
	if err != nil {
		return nil, err
	}
	r, err := storage.Open(context.Background(), x.e.mem, path, storage.ReadOptions{})
	if err != nil {
		return nil, planner.Errorf(t.At, ErrFile, "%v", err)
	}
	schema := r.Schema()
	r.Close()
	src := &planner.Source{Label: "ReadFile " + t.Path}
	for _, f := range schema.Fields() {
		src.Out = append(src.Out, planner.Column{Name: f.Name, T: f.Type})
	}
	src.Run = func(ctx context.Context, mem memory.Allocator) ([]arrow.RecordBatch, error) {
		r, err := storage.Open(ctx, mem, path, storage.ReadOptions{})
		if err != nil {
			return nil, err
		}
		defer r.Close()
		var out []arrow.RecordBatch
		for {
			rec, err := r.Next(ctx)
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				releaseBatches(out)
				return nil, err
			}
			out = append(out, rec)
		}
	}
	return src, nil
}

// BindPredict binds PREDICT(model) in FROM and PREDICT statements used
// as queries.
func (x *extensions) BindPredict(b *planner.Binder, n ast.Node) (planner.Node, error) {
	return x.e.bindPredict(b, n)
}
