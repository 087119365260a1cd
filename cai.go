// Package cai embeds the cai engine in Go programs: load customer event
// data, query it with SQL, predict churn or conversion per profile with
// calibrated scores and influential factors, and build segments.
//
//	db, err := cai.Open(cai.Options{})          // in memory; Dir for a persistent catalog
//	defer db.Close()
//	_, err = db.Exec(ctx, "CREATE TABLE events FROM 'events.parquet'")
//	rr, err := db.Query(ctx, "SELECT event_type, COUNT(*) FROM events WHERE ts >= ? GROUP BY 1", since)
//	defer rr.Release()
//	for rr.Next() { rec := rr.RecordBatch(); ... }
//
// A DB is safe for concurrent use. Errors carry positions
// ("line:col: message") and match the kinds below with errors.Is.
package cai

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/cai-dev/cai/catalog"
	"github.com/cai-dev/cai/engine"
	"github.com/cai-dev/cai/parser"
	"github.com/cai-dev/cai/planner"
	"github.com/cai-dev/cai/storage"
)

// Error kinds, for errors.Is.
var (
	ErrSyntax        = parser.ErrSyntax
	ErrUnknownTable  = planner.ErrUnknownTable
	ErrUnknownColumn = planner.ErrUnknownColumn
	ErrUnknownModel  = planner.ErrUnknownModel
	ErrType          = planner.ErrType
	ErrInvalid       = planner.ErrInvalid
	ErrExists        = catalog.ErrExists
	ErrNotFound      = catalog.ErrNotFound
	ErrExecution     = engine.ErrExecution
	ErrCanceled      = engine.ErrCanceled
	ErrFile          = engine.ErrFile
	ErrAccess        = engine.ErrAccess
	ErrMemoryBudget  = engine.ErrMemoryBudget
	ErrNotEnoughData = engine.ErrNotEnoughData
)

// Options configure a DB.
type Options struct {
	// Dir keeps tables, models and segments in a directory, written
	// atomically; empty keeps everything in memory.
	Dir string
	// Mem allocates Arrow memory; nil uses memory.DefaultAllocator.
	Mem memory.Allocator
	// AllowedDirs confines the files statements may read and write
	// (FROM 'path', COPY TO, REPORT TO) to these directories.
	AllowedDirs []string
	// Progress receives progress of long steps; nil is quiet.
	Progress func(step string, done, total int64)
	// StatementTimeout cancels statements that run longer (ErrCanceled).
	StatementTimeout time.Duration
	// MemoryBudget caps the Arrow memory held by the database; a statement
	// that would exceed it fails with ErrMemoryBudget.
	MemoryBudget int64
	// AsOf is the session's AS OF time: now() returns it. Zero means the
	// wall clock.
	AsOf time.Time
}

// DB is an open cai database.
type DB struct {
	eng *engine.Engine
}

// Open opens a database.
func Open(opts Options) (*DB, error) {
	eng, err := engine.Open(engine.Options{Dir: opts.Dir, Mem: opts.Mem, AllowedDirs: opts.AllowedDirs, Progress: opts.Progress,
		StatementTimeout: opts.StatementTimeout, MemoryBudget: opts.MemoryBudget, AsOf: opts.AsOf})
	if err != nil {
		return nil, err
	}
	return &DB{eng: eng}, nil
}

// Engine exposes the underlying engine (used by the command line).
func (db *DB) Engine() *engine.Engine { return db.eng }

// Close closes the database. Tables registered or created in memory are
// dropped.
func (db *DB) Close() error { return db.eng.Close() }

// Result is the outcome of Exec: the last statement's message and row
// count.
type Result struct {
	// Message summarises the last statement ("created table t (10 rows,
	// 3 columns)"); empty for queries.
	Message string
	// Rows is the number of rows the last statement returned.
	Rows int64
}

// Exec runs one or more statements separated by ';'. args fill ?
// placeholders (int, int64, float64, string, bool, time.Time,
// time.Duration). Rows returned by queries are discarded.
func (db *DB) Exec(ctx context.Context, sql string, args ...any) (Result, error) {
	var out Result
	err := db.eng.Run(ctx, "", sql, args, func(r *engine.Result) error {
		out = Result{Message: r.Message, Rows: r.NumRows()}
		r.Release()
		return nil
	})
	return out, err
}

// Query runs statements and returns the rows of the last one as a
// record-batch reader, which the caller must Release. Batches stay valid
// until Release.
func (db *DB) Query(ctx context.Context, sql string, args ...any) (array.RecordReader, error) {
	var last *engine.Result
	err := db.eng.Run(ctx, "", sql, args, func(r *engine.Result) error {
		if last != nil {
			last.Release()
		}
		last = r
		return nil
	})
	if err != nil {
		if last != nil {
			last.Release()
		}
		return nil, err
	}
	if last == nil || !last.HasRows() {
		if last != nil {
			last.Release()
		}
		return nil, fmt.Errorf("%w: the statement returns no rows", ErrInvalid)
	}
	defer last.Release()
	return array.NewRecordReader(last.Schema, last.Batches)
}

// RegisterTable makes an Arrow table queryable under name, replacing a
// table of that name. Columns of engine types (int64, float64, string,
// bool, timestamp[us, UTC], lists) are shared, not copied; other types
// are converted.
func (db *DB) RegisterTable(name string, tbl arrow.Table) error {
	tr := array.NewTableReader(tbl, 64*1024)
	defer tr.Release()
	return db.RegisterReader(name, tr)
}

// RegisterReader drains a record reader into a table called name.
func (db *DB) RegisterReader(name string, rr array.RecordReader) error {
	mem := db.eng.Mem()
	var batches []arrow.RecordBatch
	var schema *arrow.Schema
	release := func() {
		for _, b := range batches {
			b.Release()
		}
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		cols := make([]arrow.Array, rec.NumCols())
		fields := make([]arrow.Field, rec.NumCols())
		for i := range cols {
			c, err := storage.Normalize(mem, rec.Column(i))
			if err != nil {
				for _, c := range cols[:i] {
					c.Release()
				}
				release()
				return fmt.Errorf("register %s: column %s: %w", name, rec.ColumnName(i), err)
			}
			cols[i] = c
			fields[i] = arrow.Field{Name: rec.ColumnName(i), Type: c.DataType(), Nullable: true}
		}
		schema = arrow.NewSchema(fields, nil)
		batches = append(batches, array.NewRecordBatch(schema, cols, rec.NumRows()))
		for _, c := range cols {
			c.Release()
		}
	}
	if err := rr.Err(); err != nil {
		release()
		return err
	}
	if schema == nil {
		schema = rr.Schema()
	}
	t := catalog.NewTable(name, schema, batches)
	defer t.Release()
	return db.eng.Catalog().PutTable(t, true)
}
