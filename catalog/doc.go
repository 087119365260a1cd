// Package catalog keeps the named objects of a cai session: tables, models
// and segments.
//
// A [Catalog] lives in memory by default ([Options].Dir == ""). With a
// directory it is persistent, laid out as
//
//	DIR/LOCK                  flock(2) lock, held while the catalog is open
//	DIR/tables/<name>.arrow   Arrow IPC file
//	DIR/models/<name>.model   CAIMODEL container (see below)
//	DIR/segments/<name>.arrow Arrow IPC file; definition, computed_at and
//	                          model in the schema metadata
//
// <name> is the lower-cased name with every byte outside [a-z0-9_-] escaped
// as %XX; the original spelling is kept inside the file.
//
// # Names
//
// Names are case-insensitive: they are stored as given and matched
// lower-cased. Tables, models and segments have separate namespaces.
// Lookups of unknown names return a [*NotFoundError] (matching
// [ErrNotFound]) with spelling suggestions from [Suggest].
//
// # Ownership
//
// A [*Table] is immutable and reference counted. [Catalog.PutTable] and
// [Catalog.PutSegment] Retain what they are given (the caller keeps and
// eventually Releases its own reference); [Catalog.Table] and
// [Catalog.Segment] return Retained values that the caller Releases.
// Replacing or dropping an object releases only the catalog's reference, so
// a reader holding a table is unaffected. Models are copied in and out.
//
// # Durability
//
// Every write goes to DIR/<kind>/.tmp-<random>, is fsynced, renamed over the
// target and the directory is fsynced; a drop removes the file and fsyncs the
// directory. A process killed at any moment therefore leaves either the old
// or the new version of an object. Leftover temporary files are removed by
// [Open]. If a write fails, the old version stays, on disk and in memory.
//
// # Loading and broken files
//
// [Open] reads every model completely (they are small and checksummed) and
// only the footer and schema of every table and segment file; record batches
// are read into the catalog's allocator on the first lookup and then kept
// in memory until the object is replaced or dropped or the catalog closed.
//
// A file that cannot be decoded (bad magic, bad checksum, unreadable IPC)
// does not make Open fail: the object is still listed, its lookup returns a
// [*CorruptError] (matching [ErrCorrupt]) naming the file, and
// [Catalog.Errors] reports all such problems. Dropping or replacing the
// object repairs the catalog.
//
// # Model files
//
// A model file is the 8-byte magic "CAIMODEL", a little-endian uint32 format
// version, a uint32 header length and a JSON header (name, definition,
// created_at, meta), a uint64 blob length and the blob, and finally the
// little-endian CRC-32 (IEEE) of everything before it.
//
// # Concurrency
//
// A Catalog is safe for concurrent use. Only one process may open a
// directory at a time; a second [Open] fails with [ErrLocked].
package catalog
