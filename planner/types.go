package planner

import "github.com/apache/arrow-go/v18/arrow"

type (
	arrowDataType = arrow.DataType
	structType    = *arrow.StructType
)
