// Package expr holds bound, typed scalar expressions and their vectorised
// evaluation over Arrow record batches.
//
// The planner builds expressions (it resolves names to column indexes and
// checks types); the executor evaluates them a batch at a time. Evaluation
// works on typed Go slices that alias the Arrow buffers where the layout
// allows (int64, float64, timestamps) and produces new Arrow arrays through
// builders with an explicit allocator. No row is ever boxed into an
// interface{}.
package expr
