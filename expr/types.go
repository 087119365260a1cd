package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Kind is the engine's classification of an Arrow type.
type Kind uint8

// The kinds the engine computes with. Lists and structs pass through
// operators untouched and are handled by a few functions (has_factor,
// UNNEST, ...).
const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindTimestamp
	KindDuration
	KindList
	KindStruct
	KindOther
)

// Canonical Arrow types of the engine.
var (
	TimestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	DurationType  = &arrow.DurationType{Unit: arrow.Microsecond}
	IntType       = arrow.PrimitiveTypes.Int64
	FloatType     = arrow.PrimitiveTypes.Float64
	StringType    = arrow.BinaryTypes.String
	BoolType      = arrow.FixedWidthTypes.Boolean
	NullType      = arrow.Null
)

// KindOf classifies an Arrow data type.
func KindOf(dt arrow.DataType) Kind {
	switch dt.ID() {
	case arrow.NULL:
		return KindNull
	case arrow.BOOL:
		return KindBool
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return KindInt
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return KindFloat
	case arrow.STRING, arrow.LARGE_STRING:
		return KindString
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return KindTimestamp
	case arrow.DURATION:
		return KindDuration
	case arrow.LIST, arrow.LARGE_LIST:
		return KindList
	case arrow.STRUCT:
		return KindStruct
	}
	return KindOther
}

// CanonicalType returns the engine's Arrow type for a kind.
func CanonicalType(k Kind) arrow.DataType {
	switch k {
	case KindBool:
		return BoolType
	case KindInt:
		return IntType
	case KindFloat:
		return FloatType
	case KindString:
		return StringType
	case KindTimestamp:
		return TimestampType
	case KindDuration:
		return DurationType
	}
	return NullType
}

// TypeName is the SQL name of a type, as DESCRIBE shows it.
func TypeName(dt arrow.DataType) string {
	switch KindOf(dt) {
	case KindNull:
		return "NULL"
	case KindBool:
		return "BOOLEAN"
	case KindInt:
		return "BIGINT"
	case KindFloat:
		return "DOUBLE"
	case KindString:
		return "VARCHAR"
	case KindTimestamp:
		return "TIMESTAMP"
	case KindDuration:
		return "INTERVAL"
	case KindList:
		return TypeName(dt.(arrow.ListLikeType).Elem()) + "[]"
	case KindStruct:
		st := dt.(*arrow.StructType)
		s := "STRUCT("
		for i, f := range st.Fields() {
			if i > 0 {
				s += ", "
			}
			s += f.Name + " " + TypeName(f.Type)
		}
		return s + ")"
	}
	return dt.String()
}

// ParseTypeName maps a SQL type name (as in CAST or WITH overrides) to an
// Arrow type.
func ParseTypeName(name string) (arrow.DataType, error) {
	switch name {
	case "BIGINT", "INT", "INTEGER", "INT64", "SMALLINT", "TINYINT", "LONG":
		return IntType, nil
	case "DOUBLE", "FLOAT", "REAL", "FLOAT64", "DECIMAL", "NUMERIC":
		return FloatType, nil
	case "VARCHAR", "TEXT", "STRING", "CHAR":
		return StringType, nil
	case "BOOLEAN", "BOOL":
		return BoolType, nil
	case "TIMESTAMP", "DATE", "DATETIME", "TIMESTAMPTZ":
		return TimestampType, nil
	case "INTERVAL":
		return DurationType, nil
	}
	return nil, fmt.Errorf("unknown type %s", name)
}

// FactorType is the Arrow type of one influential factor.
var FactorType = arrow.StructOf(
	arrow.Field{Name: "code", Type: StringType, Nullable: true},
	arrow.Field{Name: "text", Type: StringType, Nullable: true},
	arrow.Field{Name: "value", Type: FloatType, Nullable: true},
	arrow.Field{Name: "typical", Type: FloatType, Nullable: true},
	arrow.Field{Name: "impact", Type: FloatType, Nullable: true},
	arrow.Field{Name: "importance", Type: StringType, Nullable: true},
)

// FactorsType is the type of the factors column of a prediction.
var FactorsType = arrow.ListOf(FactorType)
