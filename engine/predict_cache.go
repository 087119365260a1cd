package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/cai-dev/cai/storage"
)

// The result of PREDICT(m) is a function of the model and the tables it
// reads (tables never change: a new version is a new catalog.Table with a
// new ID) and of the cutoff. Segments, queries and refreshes read the same
// prediction over and over, and computing it means a pass over every event
// (features), the network over every profile and, above all, the factors.
// predictCache keeps the last result of each model, so a repeated PREDICT
// costs a lookup. An entry is replaced by the model's next scoring with a
// different key, dropped with the model, and the whole cache is bounded in
// bytes (oldest use out first).

// predictKey names one result of PREDICT(m).
type predictKey struct {
	model      string    // model name
	trainedAt  time.Time // the model's version
	definition string
	cutoff     int64  // as requested; 0 = the default (after the latest event)
	events     uint64 // catalog.Table IDs
	profiles   uint64 // 0 for FOR EACH
}

type predictEntry struct {
	key   predictKey
	rec   arrow.RecordBatch
	bytes int64
	used  int64 // use counter value at the last hit
}

// predictCacheBytes bounds the Arrow bytes the cache holds. At 1M profiles
// with 5 factors a result takes ~0.4 GB.
const predictCacheBytes = 1 << 30

type predictCache struct {
	misses  atomic.Int64 // results computed (tests read it)
	mu      sync.Mutex
	entries map[string]*predictEntry // by model name
	bytes   int64
	clock   int64
	limit   int64
}

// get returns the cached result for k, retained for the caller, or nil.
func (c *predictCache) get(k predictKey) arrow.RecordBatch {
	c.mu.Lock()
	defer c.mu.Unlock()
	en := c.entries[k.model]
	if en == nil || en.key != k {
		return nil
	}
	c.clock++
	en.used = c.clock
	en.rec.Retain()
	return en.rec
}

// put stores rec (retaining it) as model k.model's result, replacing the
// model's previous one; results larger than the limit are not kept.
func (c *predictCache) put(k predictKey, rec arrow.RecordBatch) {
	size := storage.RecordBytes(rec)
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.limit
	if limit == 0 {
		limit = predictCacheBytes
	}
	c.dropLocked(k.model)
	if size > limit {
		return
	}
	for c.bytes+size > limit {
		var oldest *predictEntry
		for _, en := range c.entries {
			if oldest == nil || en.used < oldest.used {
				oldest = en
			}
		}
		c.dropLocked(oldest.key.model)
	}
	if c.entries == nil {
		c.entries = map[string]*predictEntry{}
	}
	c.clock++
	rec.Retain()
	c.entries[k.model] = &predictEntry{key: k, rec: rec, bytes: size, used: c.clock}
	c.bytes += size
}

// drop forgets model's result (the model was dropped or replaced).
func (c *predictCache) drop(model string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(model)
}

func (c *predictCache) dropLocked(model string) {
	if en := c.entries[model]; en != nil {
		en.rec.Release()
		c.bytes -= en.bytes
		delete(c.entries, model)
	}
}

// clear releases every entry.
func (c *predictCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name := range c.entries {
		c.dropLocked(name)
	}
}
