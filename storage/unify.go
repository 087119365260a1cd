package storage

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
)

// unifyType returns the type that can hold values of both a and b. Equal
// types stay; arrow.Null (unknown) gives way to the other type; BIGINT and
// DOUBLE widen to DOUBLE; lists unify their elements and structs their
// fields (by name). Every other mix widens to VARCHAR, which holds the text
// of any value, so unification never fails.
func unifyType(a, b arrow.DataType) arrow.DataType {
	switch {
	case arrow.TypeEqual(a, b):
		return a
	case a.ID() == arrow.NULL:
		return b
	case b.ID() == arrow.NULL:
		return a
	case isNumeric(a) && isNumeric(b):
		return arrow.PrimitiveTypes.Float64
	case a.ID() == arrow.LIST && b.ID() == arrow.LIST:
		return arrow.ListOf(unifyType(a.(*arrow.ListType).Elem(), b.(*arrow.ListType).Elem()))
	case a.ID() == arrow.STRUCT && b.ID() == arrow.STRUCT:
		return unifyStructs(a.(*arrow.StructType), b.(*arrow.StructType))
	}
	return arrow.BinaryTypes.String
}

func isNumeric(dt arrow.DataType) bool {
	return dt.ID() == arrow.INT64 || dt.ID() == arrow.FLOAT64
}

func unifyStructs(a, b *arrow.StructType) arrow.DataType {
	fields := append([]arrow.Field(nil), a.Fields()...)
	for _, f := range b.Fields() {
		if i, ok := a.FieldIdx(f.Name); ok {
			fields[i].Type = unifyType(fields[i].Type, f.Type)
		} else {
			fields = append(fields, f)
		}
	}
	return arrow.StructOf(fields...)
}

// unifySchemas merges the schemas of several files: columns appear in the
// order they are first seen, and a column's type is the unification of its
// types in the files that have it. Unknown (arrow.Null) types that remain
// become VARCHAR.
func unifySchemas(schemas []*arrow.Schema) *arrow.Schema {
	var fields []arrow.Field
	index := map[string]int{}
	for _, s := range schemas {
		for _, f := range s.Fields() {
			if i, ok := index[f.Name]; ok {
				fields[i].Type = unifyType(fields[i].Type, f.Type)
				continue
			}
			index[f.Name] = len(fields)
			fields = append(fields, arrow.Field{Name: f.Name, Type: f.Type, Nullable: true})
		}
	}
	for i := range fields {
		fields[i].Type = knownType(fields[i].Type)
	}
	return arrow.NewSchema(fields, nil)
}

// knownType replaces arrow.Null, at any depth, with VARCHAR.
func knownType(dt arrow.DataType) arrow.DataType {
	switch dt.ID() {
	case arrow.NULL:
		return arrow.BinaryTypes.String
	case arrow.LIST:
		return arrow.ListOf(knownType(dt.(*arrow.ListType).Elem()))
	case arrow.STRUCT:
		st := dt.(*arrow.StructType)
		fields := make([]arrow.Field, st.NumFields())
		for i, f := range st.Fields() {
			fields[i] = arrow.Field{Name: f.Name, Type: knownType(f.Type), Nullable: true}
		}
		return arrow.StructOf(fields...)
	}
	return dt
}

// uniqueNames makes column names unique and non-empty: an empty name
// becomes column_N (N counting from 1), and a repeated name gets a _1, _2,
// ... suffix.
func uniqueNames(names []string) []string {
	out := make([]string, len(names))
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		if n == "" {
			n = "column_" + strconv.Itoa(i+1)
		}
		base := n
		for k := 1; seen[n]; k++ {
			n = base + "_" + strconv.Itoa(k)
		}
		seen[n] = true
		out[i] = n
	}
	return out
}
