package repl

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/cai-dev/cai/engine"
	"github.com/cai-dev/cai/output"
	"github.com/cai-dev/cai/parser/ast"
)

// commands are the backslash commands, for \help and completion.
var commands = []struct{ name, args, help string }{
	{`\help`, "", "show this help"},
	{`\d`, "[name]", "list tables, models and segments, or describe one"},
	{`\format`, "[table|csv|json]", "show or set the output format"},
	{`\timing`, "[on|off]", "toggle printing how long each statement took"},
	{`\chart`, "[on|off]", "toggle bar charts of lift, histograms and DESCRIBE"},
	{`\q`, "", "quit (or Ctrl-D)"},
}

const statementHelp = `Statements end with ';' and may span lines.
  CREATE [OR REPLACE] TABLE t FROM 'events.parquet' [FORMAT CSV|JSON|PARQUET|ARROW] [WITH (...)];
  CREATE [OR REPLACE] TABLE t AS SELECT ... | PREDICT ...;
  SELECT ... FROM t [JOIN u ON ...] [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT n];
  COPY (SELECT ...) TO 'out.csv';   COPY t TO 'out.parquet';
  SHOW TABLES | MODELS | SEGMENTS;  DESCRIBE [MODEL] name;  DROP TABLE|MODEL|SEGMENT [IF EXISTS] name;
  EXPLAIN <statement>;
  CREATE [OR REPLACE] MODEL m AS PREDICT CHURN|CONVERSION FOR profiles FROM events
    GOAL event_type = 'purchase' WITHIN 30 DAYS [LOOKBACK 365 DAYS] [WHERE ...] [AS OF '2024-06-30'];
  PREDICT USING m [AS OF '...'] [WHERE ...];   SELECT ... FROM PREDICT(m) WHERE bucket = 'high';
  EVALUATE m [BY DECILE];   BACKTEST m AS OF '2024-03-31';   DESCRIBE MODEL m;
  CREATE [OR REPLACE] SEGMENT s AS SELECT ...;   REFRESH SEGMENT s;
`

// command runs one backslash command line.
func (s *Session) command(ctx context.Context, w io.Writer, line string) error {
	fields := strings.Fields(line)
	name, args := fields[0], fields[1:]
	switch name {
	case `\q`, `\quit`:
		return ErrQuit
	case `\help`, `\h`, `\?`:
		s.help(w)
		return nil
	case `\timing`:
		return toggle(w, &s.timing, "Timing", args)
	case `\chart`:
		return toggle(w, &s.chart, "Charts", args)
	case `\format`:
		return s.setFormat(w, args)
	case `\d`:
		switch len(args) {
		case 0:
			return s.list(w)
		case 1:
			return s.describe(ctx, w, args[0])
		}
		return fmt.Errorf(`usage: \d [name]`)
	}
	return fmt.Errorf(`unknown command %s (\help lists the commands)`, name)
}

func (s *Session) help(w io.Writer) {
	fmt.Fprint(w, statementHelp)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-28s %s\n", strings.TrimSpace(c.name+" "+c.args), c.help)
	}
	fmt.Fprintln(w, "Tab completes keywords and names; Ctrl-C cancels a running statement.")
}

// toggle flips (or sets, given on or off) a boolean setting and says
// where it stands.
func toggle(w io.Writer, b *bool, what string, args []string) error {
	switch {
	case len(args) == 0:
		*b = !*b
	case len(args) == 1 && strings.EqualFold(args[0], "on"):
		*b = true
	case len(args) == 1 && strings.EqualFold(args[0], "off"):
		*b = false
	default:
		return fmt.Errorf("usage: \\%s [on|off]", strings.ToLower(what))
	}
	state := "off"
	if *b {
		state = "on"
	}
	fmt.Fprintf(w, "%s %s.\n", what, state)
	return nil
}

func (s *Session) setFormat(w io.Writer, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(w, "Format is %s.\n", s.format)
		return nil
	}
	f, err := output.ParseFormat(args[0])
	if err != nil || len(args) > 1 {
		return fmt.Errorf(`usage: \format table|csv|json`)
	}
	if f == output.Parquet {
		return fmt.Errorf(`\format parquet is not available at the prompt (use COPY ... TO 'file.parquet')`)
	}
	s.format = f
	fmt.Fprintf(w, "Format is %s.\n", f)
	return nil
}

// list prints the tables, models and segments in the catalog.
func (s *Session) list(w io.Writer) error {
	cat := s.db.Engine().Catalog()
	var names, kinds []string
	for _, group := range []struct {
		kind  string
		names []string
	}{{"table", cat.Tables()}, {"model", cat.Models()}, {"segment", cat.Segments()}} {
		for _, n := range group.names {
			names, kinds = append(names, n), append(kinds, group.kind)
		}
	}
	if len(names) == 0 {
		fmt.Fprintln(w, "No tables, models or segments.")
		return nil
	}
	r := s.stringsResult([]string{"name", "kind"}, names, kinds)
	defer r.Release()
	return output.Write(w, s.format, r)
}

// stringsResult builds a result of string columns.
func (s *Session) stringsResult(header []string, cols ...[]string) *engine.Result {
	mem := s.db.Engine().Mem()
	fields := make([]arrow.Field, len(header))
	arrs := make([]arrow.Array, len(header))
	for i, h := range header {
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true}
		b := array.NewStringBuilder(mem)
		b.AppendValues(cols[i], nil)
		arrs[i] = b.NewArray()
		b.Release()
	}
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecordBatch(schema, arrs, int64(len(cols[0])))
	for _, a := range arrs {
		a.Release()
	}
	return &engine.Result{Schema: schema, Batches: []arrow.RecordBatch{rec}}
}

// describe runs DESCRIBE on a table, model or segment.
func (s *Session) describe(ctx context.Context, w io.Writer, name string) error {
	name = unquote(name)
	stmt := "DESCRIBE " + ast.QuoteIdent(name) + ";"
	if slices.ContainsFunc(s.db.Engine().Catalog().Segments(), func(n string) bool { return strings.EqualFold(n, name) }) {
		stmt = "DESCRIBE SEGMENT " + ast.QuoteIdent(name) + ";"
	}
	return s.run(ctx, w, stmt)
}

// unquote strips the double quotes of a quoted identifier.
func unquote(name string) string {
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		return strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
	}
	return name
}
