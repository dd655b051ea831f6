// The heap the unlocked index lives in (docs/performance.md, "Idle memory").
//
// The view's index is the one structure of the daemon that grows with the
// whole journal and goes away whole at lock. Allocated among the daemon's
// other blocks, it left behind, after it was freed, the allocator's record
// of every extent it had used (jemalloc keeps those for good) and pages that
// a few longer-lived blocks still held: about 3 MB at a million entries. So
// the daemon gives it a heap of its own (server/daemon/heap.h), which it
// hands back whole once the index is gone.
//
// Code that builds, changes, encodes or frees the index does so inside an
// IndexHeapScope, and nothing else: whatever a scope allocates must be freed
// inside a scope too (on any thread), or the heap cannot be handed back.
// Reads of the index open no scope, since what they return outlives them.
// Without an installed heap (tests, the glibc build) scopes do nothing.
#ifndef HAVEN_SERVER_UTIL_INDEX_HEAP_H_
#define HAVEN_SERVER_UTIL_INDEX_HEAP_H_

namespace haven {

// What an allocator provides for the index (server/daemon/heap.h).
// Thread-safe: threads enter and leave independently.
class IndexHeap {
 public:
  virtual ~IndexHeap() = default;
  // Until Leave, this thread's allocations come from the index heap; its
  // frees go back to whichever heap the block came from.
  virtual void Enter() = 0;
  // This thread allocates from its usual heap again, and keeps none of the
  // index heap's blocks cached.
  virtual void Leave() = 0;
};

// Installs `heap` for the scopes opened from now on (nullptr: none). Once,
// before the first scope opens; `heap` must outlive every scope.
void InstallIndexHeap(IndexHeap* heap);

// Enters the installed index heap for its lifetime. Scopes nest on a
// thread: only the outermost enters and leaves, so a bulk change may open
// one around many small ones at the cost of one.
class IndexHeapScope {
 public:
  IndexHeapScope();
  ~IndexHeapScope();
  IndexHeapScope(const IndexHeapScope&) = delete;
  IndexHeapScope& operator=(const IndexHeapScope&) = delete;

 private:
  IndexHeap* entered_;  // what the destructor leaves; nullptr when nested or none
};

}  // namespace haven

#endif  // HAVEN_SERVER_UTIL_INDEX_HEAP_H_
