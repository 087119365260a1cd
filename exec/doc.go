// Package exec runs logical plans: it turns planner nodes into vectorised
// operators that pull Arrow record batches from their inputs.
//
// # The operator contract
//
// An Operator produces record batches through Next(ctx). Each batch
// returned is owned by the caller, who must Release it. Next returns
// io.EOF after the last batch, and keeps returning io.EOF. Close releases
// what the operator holds (including its inputs) and is safe to call more
// than once, also before the input is drained. Operators check ctx between
// batches so a cancelled statement stops promptly. Every allocation goes
// through the memory.Allocator passed to Build.
package exec
