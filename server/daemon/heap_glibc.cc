// glibc malloc, tuned for a long-lived daemon with a handful of threads.
#include <malloc.h>

#include "server/daemon/heap.h"

namespace haven {

void TuneHeap() {
  // Fewer arenas than glibc's eight per core: fewer half-empty heaps to
  // hold on to. Two made import's threads wait on each other (daemon CPU
  // for 100k entries 6.2 s -> 9.4 s); eight do not measurably.
  mallopt(M_ARENA_MAX, 8);
  // glibc raises its trim threshold (up to 64 MB) as large blocks are
  // freed, and malloc_trim() never shrinks the top of a second arena: after
  // stats on a 100k vault, up to 35 MB stayed resident once locked. A fixed
  // threshold bounds that. Fixing it also fixes the mmap threshold, at
  // 128 KiB unless set: batches of sealed records (a few MB) would then be
  // mapped and zeroed afresh each time (import at 100k: 17k -> 28k
  // entries/s with 32 MB), so big blocks stay on the heap, where the trim
  // after each big call gives them back.
  mallopt(M_TRIM_THRESHOLD, 1 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

void ReturnFreeHeapPages() { malloc_trim(0); }

// mallinfo2() counts free chunks whether or not malloc_trim() has given
// their pages back, so glibc has no counter that answers this.
std::optional<size_t> HeapFreeResidentBytes() { return std::nullopt; }

// No index heap apart: TuneHeap installs none, so IndexHeapScope does nothing.
std::optional<size_t> ReleaseIndexHeap() { return std::nullopt; }

std::string HeapAllocatorName() { return "glibc malloc"; }

}  // namespace haven
