package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ErrMemoryBudget is returned when a statement would take the engine's
// Arrow memory past Options.MemoryBudget.
var ErrMemoryBudget = errors.New("memory budget exceeded")

// budgetError is the cause with which running statements are canceled
// when the budget is exceeded.
type budgetError struct {
	want, used, limit int64
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("memory budget exceeded: %d MiB in use, %d MiB more requested, budget %d MiB (raise it with the memory budget option, or reduce the data: fewer columns, a shorter LOOKBACK, a WHERE filter)",
		e.used>>20, e.want>>20, e.limit>>20)
}

func (e *budgetError) Unwrap() error { return ErrMemoryBudget }

// budgetAllocator counts the bytes held through it. Arrow allocators
// cannot fail (and compute kernels allocate on their own goroutines, where
// a panic could not be recovered), so going over the limit does not
// refuse the allocation: it cancels every running statement with a
// budgetError cause. Operators check their context between batches, so a
// statement stops after at most one more batch of work.
type budgetAllocator struct {
	inner   memory.Allocator
	limit   int64
	used    atomic.Int64
	mu      sync.Mutex
	running map[int]context.CancelCauseFunc
	next    int
}

func (a *budgetAllocator) reserve(n int64) {
	u := a.used.Add(n)
	if n > 0 && u > a.limit {
		a.mu.Lock()
		for _, cancel := range a.running {
			cancel(&budgetError{want: n, used: u - n, limit: a.limit})
		}
		a.mu.Unlock()
	}
}

// track registers a running statement; done unregisters it.
func (a *budgetAllocator) track(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	a.mu.Lock()
	if a.running == nil {
		a.running = map[int]context.CancelCauseFunc{}
	}
	id := a.next
	a.next++
	a.running[id] = cancel
	a.mu.Unlock()
	return ctx, func() {
		a.mu.Lock()
		delete(a.running, id)
		a.mu.Unlock()
		cancel(nil)
	}
}

// Allocate implements memory.Allocator.
func (a *budgetAllocator) Allocate(size int) []byte {
	a.reserve(int64(size))
	return a.inner.Allocate(size)
}

// Reallocate implements memory.Allocator.
func (a *budgetAllocator) Reallocate(size int, b []byte) []byte {
	a.reserve(int64(size - len(b)))
	return a.inner.Reallocate(size, b)
}

// Free implements memory.Allocator.
func (a *budgetAllocator) Free(b []byte) {
	a.used.Add(-int64(len(b)))
	a.inner.Free(b)
}
