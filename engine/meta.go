package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
)

// rowsBuilder assembles a small result table column by column from Go
// values (metadata statements only; never on data paths).
type rowsBuilder struct {
	e      *Engine
	fields []arrow.Field
	bs     []array.Builder
}

func (e *Engine) newRows(cols ...arrow.Field) *rowsBuilder {
	rb := &rowsBuilder{e: e, fields: cols}
	for _, f := range cols {
		rb.bs = append(rb.bs, array.NewBuilder(e.mem, f.Type))
	}
	return rb
}

func col(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

// add appends one row: int64/int, float64, string, bool, nil; timestamps
// as expr.TimeConst-style int64 micros need the timestamp column type.
func (rb *rowsBuilder) add(vals ...any) {
	for i, v := range vals {
		b := rb.bs[i]
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.Int64Builder:
			switch x := v.(type) {
			case int:
				b.Append(int64(x))
			case int64:
				b.Append(x)
			}
		case *array.Float64Builder:
			b.Append(v.(float64))
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(int64)))
		default:
			panic(fmt.Sprintf("rowsBuilder: unsupported builder %T", b))
		}
	}
}

func (rb *rowsBuilder) result() *Result {
	schema := arrow.NewSchema(rb.fields, nil)
	cols := make([]arrow.Array, len(rb.bs))
	for i, b := range rb.bs {
		cols[i] = b.NewArray()
		b.Release()
	}
	rows := int64(0)
	if len(cols) > 0 {
		rows = int64(cols[0].Len())
	}
	rec := array.NewRecordBatch(schema, cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return &Result{Schema: schema, Batches: []arrow.RecordBatch{rec}}
}

func (e *Engine) show(st *ast.Show) (*Result, error) {
	switch st.What {
	case "TABLES":
		rb := e.newRows(col("name", expr.StringType), col("rows", expr.IntType), col("columns", expr.IntType))
		for _, n := range e.cat.Tables() {
			t, err := e.cat.Table(n)
			if err != nil {
				rb.add(n, nil, nil)
				continue
			}
			rb.add(n, t.Rows, t.Schema.NumFields())
			t.Release()
		}
		return rb.result(), nil
	case "MODELS":
		return e.showModels()
	case "SEGMENTS":
		rb := e.newRows(col("name", expr.StringType), col("size", expr.IntType), col("computed_at", expr.TimestampType), col("model", expr.StringType), col("definition", expr.StringType))
		for _, n := range e.cat.Segments() {
			s, err := e.cat.Segment(n)
			if err != nil {
				rb.add(n, nil, nil, nil, nil)
				continue
			}
			rb.add(s.Name, s.Members.Rows, s.ComputedAt.UnixMicro(), s.Model, s.Definition)
			s.Release()
		}
		return rb.result(), nil
	}
	return nil, planner.Errorf(st.At, planner.ErrInvalid, "SHOW %s is not supported (use TABLES, MODELS or SEGMENTS)", st.What)
}

func (e *Engine) describe(ctx context.Context, st *ast.Describe) (*Result, error) {
	if st.Kind == "MODEL" {
		return e.describeModel(ctx, st)
	}
	if st.Kind == "" {
		if t, err := e.cat.Table(st.Name); err == nil {
			t.Release()
		} else if _, merr := e.cat.Model(st.Name); merr == nil {
			return e.describeModel(ctx, st)
		}
	}
	b := e.binder(nil)
	defer b.Release()
	n, err := b.ScanTable(st.At, st.Name, "")
	if err != nil {
		return nil, err
	}
	rb := e.newRows(col("column_name", expr.StringType), col("column_type", expr.StringType))
	for _, c := range n.Schema() {
		rb.add(c.Name, expr.TypeName(c.T))
	}
	return rb.result(), nil
}

func (e *Engine) explain(ctx context.Context, st *ast.Explain, params []any) (*Result, error) {
	if st.Format == ast.ExplainSQL {
		return e.explainSQL(ctx, st, params)
	}
	var text string
	switch inner := st.Stmt.(type) {
	case *ast.Select, *ast.PredictUsing:
		b := e.binder(params)
		defer b.Release()
		node, err := b.BindQuery(inner)
		if err != nil {
			return nil, err
		}
		text = planner.Format(node)
	case *ast.CreateTable:
		if inner.As == nil {
			text = fmt.Sprintf("Load %q into table %s", inner.From.Path, inner.Name)
			break
		}
		return e.explain(ctx, &ast.Explain{StmtBase: st.StmtBase, Stmt: inner.As}, params)
	case *ast.Copy:
		if inner.Query == nil {
			text = fmt.Sprintf("Write %s to %q", inner.Table, inner.Path)
			break
		}
		return e.explain(ctx, &ast.Explain{StmtBase: st.StmtBase, Stmt: inner.Query}, params)
	case *ast.Predict, *ast.CreateModel:
		return e.explainPredict(ctx, inner, params)
	default:
		text = fmt.Sprintf("%T runs directly (no plan)", inner)
		text = strings.TrimPrefix(text, "*ast.")
	}
	rb := e.newRows(col("plan", expr.StringType))
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		rb.add(line)
	}
	return rb.result(), nil
}
