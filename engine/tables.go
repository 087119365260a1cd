package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/expr"
	"github.com/cai-dev/cai/parser/ast"
	"github.com/cai-dev/cai/planner"
	"github.com/cai-dev/cai/storage"
)

func (e *Engine) createTable(ctx context.Context, st *ast.CreateTable, params []any) (*Result, error) {
	if !st.OrReplace {
		if t, err := e.cat.Table(st.Name); err == nil {
			t.Release()
			if st.IfNotExists {
				return &Result{Message: fmt.Sprintf("table %s already exists", st.Name)}, nil
			}
			return nil, planner.Errorf(st.At, planner.ErrExists, "table %q already exists (use CREATE OR REPLACE TABLE)", st.Name)
		}
	}
	var (
		schema  *arrow.Schema
		batches []arrow.RecordBatch
		err     error
	)
	if st.From != nil {
		schema, batches, err = e.load(ctx, st.From)
	} else {
		var res *Result
		if res, err = e.exec(ctx, st.As, params); err == nil {
			if !res.HasRows() {
				return nil, planner.Errorf(st.As.Pos(), planner.ErrInvalid, "CREATE TABLE ... AS needs a query that returns rows")
			}
			schema, batches = res.Schema, res.Batches
		}
	}
	if err != nil {
		return nil, err
	}
	t := catalog.NewTable(st.Name, schema, batches)
	defer t.Release()
	if err := e.cat.PutTable(t, st.OrReplace); err != nil {
		return nil, err
	}
	return &Result{Message: fmt.Sprintf("created table %s (%d rows, %d columns)", st.Name, t.Rows, schema.NumFields())}, nil
}

// readOptions turns FORMAT and WITH (...) into storage options. Known
// keys: delimiter, header, sample_rows, null; a key naming a column sets
// its type ('TIMESTAMP', 'VARCHAR', ...), and timestamp = 'col' marks
// col as the timestamp column.
func readOptions(src *ast.FileSource) (storage.ReadOptions, error) {
	var opts storage.ReadOptions
	if src.Format != "" {
		f, err := storage.ParseFormat(strings.ToLower(src.Format))
		if err != nil {
			return opts, planner.Errorf(src.At, planner.ErrInvalid, "%v", err)
		}
		opts.Format = f
	}
	for _, o := range src.Options {
		val, err := optionString(o)
		if err != nil {
			return opts, err
		}
		switch strings.ToLower(o.Key) {
		case "delimiter", "delim", "sep":
			if len([]rune(val)) != 1 {
				return opts, planner.Errorf(o.At, planner.ErrInvalid, "delimiter must be one character, got %q", val)
			}
			opts.Delimiter = []rune(val)[0]
		case "header":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return opts, planner.Errorf(o.At, planner.ErrInvalid, "header must be true or false, got %q", val)
			}
			opts.NoHeader = !b
		case "sample_rows":
			n, err := strconv.Atoi(val)
			if err != nil {
				return opts, planner.Errorf(o.At, planner.ErrInvalid, "sample_rows must be an integer, got %q", val)
			}
			opts.SampleRows = n
		case "null":
			opts.NullValues = []string{val}
		case "timestamp", "ts":
			opts.TimestampColumns = append(opts.TimestampColumns, val)
		default:
			t, err := expr.ParseTypeName(strings.ToUpper(val))
			if err != nil {
				return opts, planner.Errorf(o.At, planner.ErrInvalid, "option %s: %v (a column override needs a type such as 'TIMESTAMP', 'VARCHAR', 'BIGINT', 'DOUBLE')", o.Key, err)
			}
			if opts.Types == nil {
				opts.Types = map[string]arrow.DataType{}
			}
			opts.Types[o.Key] = t
		}
	}
	return opts, nil
}

// optionString renders a WITH option's literal value as text.
func optionString(o ast.Option) (string, error) {
	switch v := o.Value.(type) {
	case *ast.StringLit:
		return v.Value, nil
	case *ast.NumberLit:
		return v.Text, nil
	case *ast.BoolLit:
		return strconv.FormatBool(v.Value), nil
	case *ast.Ident:
		return strings.Join(v.Parts, "."), nil
	case *ast.Duration:
		return fmt.Sprintf("%d %s", v.N, v.Unit), nil
	}
	return "", planner.Errorf(o.At, planner.ErrInvalid, "option %s needs a literal value", o.Key)
}

// load reads a file (or glob) into batches, reporting progress.
func (e *Engine) load(ctx context.Context, src *ast.FileSource) (*arrow.Schema, []arrow.RecordBatch, error) {
	path, err := e.checkPath(src.At, src.Path, false)
	if err != nil {
		return nil, nil, err
	}
	opts, err := readOptions(src)
	if err != nil {
		return nil, nil, err
	}
	r, err := storage.Open(ctx, e.mem, path, opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, planner.Errorf(src.At, ErrFile, "%v", err)
	}
	defer r.Close()
	var batches []arrow.RecordBatch
	var rows int64
	for {
		b, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			releaseBatches(batches)
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, planner.Errorf(src.At, ErrFile, "%v", err)
		}
		batches = append(batches, b)
		rows += b.NumRows()
		e.progress("loading "+src.Path, rows, 0)
	}
	return r.Schema(), batches, nil
}

func releaseBatches(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

func (e *Engine) copyTo(ctx context.Context, st *ast.Copy, params []any) (*Result, error) {
	path, err := e.checkPath(st.At, st.Path, true)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, planner.Errorf(st.At, ErrFile, "cannot write %q: directory %q does not exist", st.Path, dir)
		}
	}
	var src ast.Stmt = st.Query
	if src == nil {
		src = &ast.Select{StmtBase: st.StmtBase, Items: []*ast.SelectItem{{At: st.At, Star: true}},
			From: &ast.TableName{At: st.At, Name: st.Table}}
	}
	res, err := e.exec(ctx, src, params)
	if err != nil {
		return nil, err
	}
	defer res.Release()
	if !res.HasRows() {
		return nil, planner.Errorf(st.At, planner.ErrInvalid, "COPY needs a query that returns rows")
	}
	var opts storage.WriteOptions
	if st.Format != "" {
		if opts.Format, err = storage.ParseFormat(strings.ToLower(st.Format)); err != nil {
			return nil, planner.Errorf(st.At, planner.ErrInvalid, "%v", err)
		}
	}
	i := 0
	next := func() (arrow.RecordBatch, error) {
		if i >= len(res.Batches) {
			return nil, io.EOF
		}
		i++
		return res.Batches[i-1], nil
	}
	if err := storage.Write(ctx, e.mem, path, res.Schema, next, opts); err != nil {
		return nil, planner.Errorf(st.At, ErrFile, "%v", err)
	}
	return &Result{Message: fmt.Sprintf("wrote %d rows to %s", res.NumRows(), st.Path)}, nil
}

func (e *Engine) drop(st *ast.Drop) (*Result, error) {
	if st.IfExists && !e.exists(st.Kind, st.Name) {
		return &Result{Message: fmt.Sprintf("%s %s does not exist, skipped", strings.ToLower(st.Kind), st.Name)}, nil
	}
	var err error
	switch st.Kind {
	case "TABLE":
		err = e.cat.DropTable(st.Name, st.IfExists)
	case "MODEL":
		e.predicted.drop(st.Name)
		err = e.cat.DropModel(st.Name, st.IfExists)
	case "SEGMENT":
		err = e.cat.DropSegment(st.Name, st.IfExists)
	default:
		return nil, planner.Errorf(st.At, planner.ErrInvalid, "cannot drop %s", st.Kind)
	}
	if err != nil {
		return nil, notFound(st.At, err)
	}
	return &Result{Message: fmt.Sprintf("dropped %s %s", strings.ToLower(st.Kind), st.Name)}, nil
}

// notFound turns a catalog lookup error into a positioned one.
func notFound(pos ast.Pos, err error) error {
	var nf *catalog.NotFoundError
	if errors.As(err, &nf) {
		kind := planner.ErrUnknownTable
		if nf.Kind == "model" {
			kind = planner.ErrUnknownModel
		}
		return &planner.Error{Pos: pos, Kind: &wrapped{kind: kind, err: err}, Msg: err.Error()}
	}
	return err
}

// exists reports whether a table, model or segment is in the catalog.
func (e *Engine) exists(kind, name string) bool {
	var names []string
	switch kind {
	case "TABLE":
		names = e.cat.Tables()
	case "MODEL":
		names = e.cat.Models()
	case "SEGMENT":
		names = e.cat.Segments()
	}
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}
