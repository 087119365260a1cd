package gen

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// EventSchema is the Arrow schema of the events Parquet files: the CSV
// columns with value, category and session_id nullable (null when empty).
var EventSchema = arrow.NewSchema([]arrow.Field{
	{Name: "profile_id", Type: arrow.BinaryTypes.String},
	{Name: "timestamp", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "event_type", Type: arrow.BinaryTypes.String},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "channel", Type: arrow.BinaryTypes.String},
	{Name: "category", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "session_id", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// ProfileSchema is the Arrow schema of profiles.parquet.
var ProfileSchema = arrow.NewSchema([]arrow.Field{
	{Name: "profile_id", Type: arrow.BinaryTypes.String},
	{Name: "country", Type: arrow.BinaryTypes.String},
	{Name: "tier", Type: arrow.BinaryTypes.String},
	{Name: "signup_date", Type: arrow.FixedWidthTypes.Date32},
	{Name: "age", Type: arrow.PrimitiveTypes.Int32},
	{Name: "email_opt_in", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "device", Type: arrow.BinaryTypes.String},
}, nil)

// rowGroupRows is the maximum number of rows in one Parquet row group.
const rowGroupRows = 512 * 1024

// parquetWriter appends rows to Arrow builders and hands full batches to a
// goroutine that encodes them with a pqarrow file writer, so that building
// the next batch overlaps with encoding and compressing the previous one.
// At most two finished batches are in memory at a time.
type parquetWriter struct {
	fw    *pqarrow.FileWriter
	b     *array.RecordBuilder
	rows  int
	batch int

	recs   chan arrow.RecordBatch
	done   chan struct{}
	failed atomic.Bool
	err    error // set by the encoding goroutine before failed or done
}

func newParquetWriter(w io.Writer, schema *arrow.Schema, mem memory.Allocator, batch int) (*parquetWriter, error) {
	props := parquet.NewWriterProperties(
		parquet.WithAllocator(mem),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(rowGroupRows),
		parquet.WithDictionaryDefault(true),
		// near-unique columns: dictionaries only cost time
		parquet.WithDictionaryFor("session_id", false),
		parquet.WithDictionaryFor("timestamp", false),
		parquet.WithEncodingFor("timestamp", parquet.Encodings.DeltaBinaryPacked),
	)
	aprops := pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem), pqarrow.WithStoreSchema())
	fw, err := pqarrow.NewFileWriter(schema, w, props, aprops)
	if err != nil {
		return nil, err
	}
	pw := &parquetWriter{
		fw: fw, b: array.NewRecordBuilder(mem, schema), batch: batch,
		recs: make(chan arrow.RecordBatch, 1), done: make(chan struct{}),
	}
	go pw.encode()
	return pw, nil
}

// encode writes the batches it receives until the channel is closed.
func (w *parquetWriter) encode() {
	defer close(w.done)
	for rec := range w.recs {
		if w.err == nil {
			if err := w.fw.WriteBuffered(rec); err != nil {
				w.err = err
				w.failed.Store(true)
			}
		}
		rec.Release()
	}
}

// row is called after a row was appended to the builders.
func (w *parquetWriter) row() error {
	w.rows++
	if w.rows >= w.batch {
		return w.flush()
	}
	return nil
}

func (w *parquetWriter) flush() error {
	if w.failed.Load() {
		return w.err
	}
	if w.rows == 0 {
		return nil
	}
	w.rows = 0
	w.recs <- w.b.NewRecordBatch()
	return nil
}

// Close writes the pending rows and the footer, closes the underlying writer
// if it is an io.Closer, and releases the builders.
func (w *parquetWriter) Close() error {
	err := w.flush()
	close(w.recs)
	<-w.done
	w.b.Release()
	if err == nil {
		err = w.err
	}
	if cerr := w.fw.Close(); err == nil {
		err = cerr
	}
	return err
}

// EventParquetWriter writes events to one Parquet file with EventSchema. It
// is not safe for concurrent use; encoding happens on a goroutine of its own.
type EventParquetWriter struct {
	w *parquetWriter

	pid, typ, ch, cat, sid *array.StringBuilder
	ts                     *array.TimestampBuilder
	val                    *array.Float64Builder
}

// NewEventParquetWriter starts a Parquet file of events on w, buffering
// batchRows rows (≤ 0: 65536) in Arrow builders allocated from mem. Close
// finishes the file; it also closes w if w is an io.Closer.
func NewEventParquetWriter(w io.Writer, mem memory.Allocator, batchRows int) (*EventParquetWriter, error) {
	if batchRows <= 0 {
		batchRows = 64 * 1024
	}
	pw, err := newParquetWriter(w, EventSchema, mem, batchRows)
	if err != nil {
		return nil, err
	}
	b := pw.b
	return &EventParquetWriter{
		w:   pw,
		pid: b.Field(0).(*array.StringBuilder),
		ts:  b.Field(1).(*array.TimestampBuilder),
		typ: b.Field(2).(*array.StringBuilder),
		val: b.Field(3).(*array.Float64Builder),
		ch:  b.Field(4).(*array.StringBuilder),
		cat: b.Field(5).(*array.StringBuilder),
		sid: b.Field(6).(*array.StringBuilder),
	}, nil
}

func appendOrNull(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
	} else {
		b.Append(s)
	}
}

// Write appends one event.
func (w *EventParquetWriter) Write(e Event) error {
	w.pid.Append(e.ProfileID)
	w.ts.Append(arrow.Timestamp(e.Timestamp.UnixMicro()))
	w.typ.Append(e.EventType)
	if e.Value != 0 {
		w.val.Append(e.Value)
	} else {
		w.val.AppendNull()
	}
	w.ch.Append(e.Channel)
	appendOrNull(w.cat, e.Category)
	appendOrNull(w.sid, e.SessionID)
	return w.w.row()
}

// Close finishes the file.
func (w *EventParquetWriter) Close() error { return w.w.Close() }

// ProfileParquetWriter writes profiles to one Parquet file with ProfileSchema.
type ProfileParquetWriter struct {
	w *parquetWriter
}

// NewProfileParquetWriter starts a Parquet file of profiles on w (see
// NewEventParquetWriter).
func NewProfileParquetWriter(w io.Writer, mem memory.Allocator, batchRows int) (*ProfileParquetWriter, error) {
	if batchRows <= 0 {
		batchRows = 64 * 1024
	}
	pw, err := newParquetWriter(w, ProfileSchema, mem, batchRows)
	if err != nil {
		return nil, err
	}
	return &ProfileParquetWriter{w: pw}, nil
}

// Write appends one profile.
func (w *ProfileParquetWriter) Write(p Profile) error {
	b := w.w.b
	b.Field(0).(*array.StringBuilder).Append(p.ProfileID)
	b.Field(1).(*array.StringBuilder).Append(p.Country)
	b.Field(2).(*array.StringBuilder).Append(p.Tier)
	b.Field(3).(*array.Date32Builder).Append(arrow.Date32FromTime(p.SignupDate))
	b.Field(4).(*array.Int32Builder).Append(int32(p.Age))
	b.Field(5).(*array.BooleanBuilder).Append(p.EmailOptIn)
	b.Field(6).(*array.StringBuilder).Append(p.Device)
	return w.w.row()
}

// Close finishes the file.
func (w *ProfileParquetWriter) Close() error { return w.w.Close() }

// EventFileNames returns the names of the event files WriteParquet writes
// for n files: events.parquet for n ≤ 1, else events-000.parquet, ....
func EventFileNames(n int) []string {
	if n <= 1 {
		return []string{"events.parquet"}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("events-%03d.parquet", i)
	}
	return out
}

// WriteParquet writes dir/profiles.parquet and the events, to
// dir/events.parquet or, with WithFiles(n), to n files of contiguous profile
// ranges (see EventFileNames). Rows go to pqarrow in record batches
// (WithBatchRows) and row groups of up to 512Ki rows, so memory stays
// bounded whatever the size. Options: WithFiles, WithBatchRows,
// WithAllocator, WithPrefix, WithProgress.
func WriteParquet(cfg Config, dir string, opts ...Option) (err error) {
	o := buildOptions(opts)
	ncfg, err := cfg.normalized()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := EventFileNames(o.files)
	for i := range names {
		names[i] = o.prefix + names[i]
	}

	pf, err := os.Create(filepath.Join(dir, o.prefix+"profiles.parquet"))
	if err != nil {
		return err
	}
	pw, err := NewProfileParquetWriter(pf, o.mem, o.batchRows)
	if err != nil {
		pf.Close()
		return err
	}
	defer func() {
		if cerr := pw.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()

	var ew *EventParquetWriter
	defer func() {
		if ew != nil {
			if cerr := ew.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	file := -1
	next := 0 // first profile index of the next file
	open := func() error {
		if ew != nil {
			w := ew
			ew = nil
			if err := w.Close(); err != nil {
				return err
			}
		}
		file++
		next = int((int64(file) + 1) * int64(ncfg.Profiles) / int64(len(names)))
		f, err := os.Create(filepath.Join(dir, names[file]))
		if err != nil {
			return err
		}
		ew, err = NewEventParquetWriter(f, o.mem, o.batchRows)
		if err != nil {
			f.Close()
		}
		return err
	}
	if err := open(); err != nil {
		return err
	}

	c := counter{fn: o.progress}
	err = Generate(ncfg, func(e Event) error {
		c.events++
		return ew.Write(e)
	}, func(p Profile) error {
		for c.profiles >= next && file+1 < len(names) {
			if err := open(); err != nil {
				return err
			}
		}
		c.profile()
		return pw.Write(p)
	})
	if err != nil {
		return err
	}
	// files for empty profile ranges (more files than profiles)
	for file+1 < len(names) {
		if err := open(); err != nil {
			return err
		}
	}
	c.done()
	return nil
}
