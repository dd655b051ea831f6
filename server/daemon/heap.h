// The daemon's memory allocator, behind the two calls the rest of havend
// needs (docs/performance.md, "Idle memory"). havend links jemalloc where
// it is available: after a big import or a whole-history scan, glibc
// malloc kept 5-6 MB of pages that small long-lived allocations (RocksDB's
// table metadata, gRPC's buffers) pinned in half-empty arenas, and the
// idle, locked daemon stayed above 30 MB. Builds without jemalloc (or with
// the sanitizers) use glibc malloc, tuned.
#ifndef HAVEN_SERVER_DAEMON_HEAP_H_
#define HAVEN_SERVER_DAEMON_HEAP_H_

#include <cstddef>
#include <optional>
#include <string>

namespace haven {

// Sets the allocator up for a long-lived daemon. Call before any thread
// starts.
void TuneHeap();

// Returns the heap's free pages to the system now. Safe from any thread;
// takes a few milliseconds after a big call.
void ReturnFreeHeapPages();

// Bytes of freed heap memory the allocator still keeps resident (pages it
// has not returned to the system), from the allocator's own counters, so
// it does not depend on what else the process or the machine holds;
// nullopt where the allocator keeps no such counter (glibc malloc).
std::optional<size_t> HeapFreeResidentBytes();

// "jemalloc 5.3.0-…" or "glibc malloc", for the daemon's start-up log.
std::string HeapAllocatorName();

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_HEAP_H_
