// The daemon's memory allocator, behind the few calls the rest of havend
// needs (docs/performance.md, "Idle memory"). havend links jemalloc where
// it is available: after a big import or a whole-history scan, glibc
// malloc kept 5-6 MB of pages that small long-lived allocations (RocksDB's
// table metadata, gRPC's buffers) pinned in half-empty arenas, and the
// idle, locked daemon stayed above 30 MB. Builds without jemalloc (or with
// the sanitizers) use glibc malloc, tuned. With jemalloc the unlocked
// index also gets a heap of its own (server/util/index_heap.h), handed back
// whole after lock.
#ifndef HAVEN_SERVER_DAEMON_HEAP_H_
#define HAVEN_SERVER_DAEMON_HEAP_H_

#include <cstddef>
#include <optional>
#include <string>

namespace haven {

// Sets the allocator up for a long-lived daemon, the index heap
// (server/util/index_heap.h) included where the allocator has one. Call
// before any thread starts.
void TuneHeap();

// Returns the heap's free pages to the system now. Safe from any thread;
// takes a few milliseconds after a big call.
void ReturnFreeHeapPages();

// Bytes of freed heap memory the allocator still keeps resident (pages it
// has not returned to the system), from the allocator's own counters, so
// it does not depend on what else the process or the machine holds;
// nullopt where the allocator keeps no such counter (glibc malloc).
std::optional<size_t> HeapFreeResidentBytes();

// After the index was freed (at lock): hands the index heap back to the
// system whole when nothing is left in it (jemalloc: destroys its arena,
// metadata included; the next scope makes a new one), or else returns its
// free pages. Returns the bytes still allocated in it, 0 exactly when it
// was handed back (or there was none), SIZE_MAX when it cannot tell (a
// thread is inside a scope: then only free pages go back). nullopt where
// the allocator keeps no index heap apart (glibc malloc: scopes do nothing
// there). Safe from any thread.
std::optional<size_t> ReleaseIndexHeap();

// "jemalloc 5.3.0-…" or "glibc malloc", for the daemon's start-up log.
std::string HeapAllocatorName();

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_HEAP_H_
