package ast

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Dump renders n as an indented tree, one node per line: its type, then
// each field that is set, children indented below. It is meant for
// golden tests and debugging. Positions and source text are left out,
// except that a top-level statement (with a position) shows its own
// position and Text.
func Dump(n Node) string {
	var d dumper
	if s, ok := n.(Stmt); ok && s.Pos().Line > 0 {
		d.printf("%s @%s", typeName(reflect.TypeOf(n)), s.Pos())
		d.printf("\n  Text: %s", strconv.Quote(s.Source()))
		d.fields(reflect.ValueOf(n).Elem(), 1, "")
	} else {
		d.value(reflect.ValueOf(n), 0)
	}
	d.WriteString("\n")
	return d.String()
}

type dumper struct{ strings.Builder }

func (d *dumper) printf(format string, args ...any) { fmt.Fprintf(d, format, args...) }

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// value writes v's one-line head, then (for a compound node) its fields
// on the following lines at depth+1. The caller ends the last line.
func (d *dumper) value(v reflect.Value, depth int) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if leaf, ok := leafText(v); ok {
		d.WriteString(leaf)
		return
	}
	d.WriteString(v.Type().Name())
	if v.Kind() != reflect.Struct {
		return
	}
	inline := ""
	for _, name := range []string{"Op", "Name"} {
		if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			d.printf(" %s", plain(f.String()))
			inline = name
			break
		}
	}
	d.fields(v, depth+1, inline)
}

// leafText renders literals and names in one line.
func leafText(v reflect.Value) (string, bool) {
	if !v.CanAddr() {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	switch n := v.Addr().Interface().(type) {
	case *Ident:
		parts := make([]string, len(n.Parts))
		for i, p := range n.Parts {
			parts[i] = QuoteIdent(p)
		}
		return "Ident " + strings.Join(parts, "."), true
	case *NumberLit:
		return "NumberLit " + n.Text, true
	case *StringLit:
		return "StringLit " + QuoteString(n.Value), true
	case *BoolLit:
		return fmt.Sprintf("BoolLit %t", n.Value), true
	case *NullLit:
		return "NullLit", true
	case *Param:
		return fmt.Sprintf("Param ?%d", n.Index), true
	case *Duration:
		return fmt.Sprintf("Duration %d %s", n.N, n.Unit), true
	}
	return "", false
}

// fields writes the set fields of struct v, each on a new line at depth,
// except the one named skip (already shown in the head).
func (d *dumper) fields(v reflect.Value, depth int, skip string) {
	indent := strings.Repeat("  ", depth)
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		if sf.Name == "At" || sf.Name == "StmtBase" || sf.Name == skip || f.IsZero() {
			continue
		}
		d.printf("\n%s%s:", indent, sf.Name)
		if f.Kind() != reflect.Slice || f.Type().Elem().Kind() == reflect.String {
			d.WriteString(" ")
		}
		d.field(f, depth)
	}
}

func (d *dumper) field(f reflect.Value, depth int) {
	switch f.Kind() {
	case reflect.String:
		d.WriteString(plain(f.String()))
	case reflect.Bool, reflect.Int, reflect.Int64:
		d.printf("%v", f.Interface())
	case reflect.Pointer:
		if f.Elem().Kind() == reflect.Bool {
			d.printf("%t", f.Elem().Bool())
			return
		}
		d.value(f, depth)
	case reflect.Interface, reflect.Struct:
		d.value(f, depth)
	case reflect.Slice:
		d.slice(f, depth)
	default:
		d.printf("%v", f.Interface())
	}
}

func (d *dumper) slice(f reflect.Value, depth int) {
	if f.Type().Elem().Kind() == reflect.String {
		items := make([]string, f.Len())
		for i := range items {
			items[i] = plain(f.Index(i).String())
		}
		d.printf("[%s]", strings.Join(items, ", "))
		return
	}
	indent := strings.Repeat("  ", depth+1)
	for i := 0; i < f.Len(); i++ {
		d.printf("\n%s- ", indent)
		d.value(f.Index(i), depth+1)
	}
}

// plain shows a string bare when that is unambiguous, else Go-quoted.
func plain(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\r\n\"'\\[],") || strconv.Quote(s) != `"`+s+`"` {
		return strconv.Quote(s)
	}
	return s
}
