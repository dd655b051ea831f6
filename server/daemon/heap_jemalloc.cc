// jemalloc, linked into havend in place of glibc malloc.
#include <jemalloc/jemalloc.h>

#include "server/daemon/heap.h"

// Read by jemalloc at its first allocation, before main(). A background
// thread returns pages that have stayed free for the decay time (10 s)
// while the daemon sits idle: without it jemalloc purges only when some
// thread allocates. One such thread is enough for a daemon this size.
extern "C" {
const char* malloc_conf = "background_thread:true,max_background_threads:1";
}

#define HAVEN_STRINGIFY_(x) #x
#define HAVEN_STRINGIFY(x) HAVEN_STRINGIFY_(x)

namespace haven {

void TuneHeap() {}  // malloc_conf above is read before main()

void ReturnFreeHeapPages() {
  // This thread's cache first, so that what it holds is purged too; other
  // threads' caches are small and flushed as those threads work.
  (void)mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  (void)mallctl("arena." HAVEN_STRINGIFY(MALLCTL_ARENAS_ALL) ".purge", nullptr, nullptr, nullptr,
                0);
}

std::optional<size_t> HeapFreeResidentBytes() {
  // The statistics are a snapshot taken when the epoch advances.
  uint64_t epoch = 1;
  size_t epoch_size = sizeof(epoch);
  if (mallctl("epoch", &epoch, &epoch_size, &epoch, epoch_size) != 0) return std::nullopt;
  size_t pages = 0;
  for (const char* name : {"stats.arenas." HAVEN_STRINGIFY(MALLCTL_ARENAS_ALL) ".pdirty",
                           "stats.arenas." HAVEN_STRINGIFY(MALLCTL_ARENAS_ALL) ".pmuzzy"}) {
    size_t value = 0;
    size_t size = sizeof(value);
    if (mallctl(name, &value, &size, nullptr, 0) != 0) return std::nullopt;
    pages += value;
  }
  size_t page = 0;
  size_t page_size = sizeof(page);
  if (mallctl("arenas.page", &page, &page_size, nullptr, 0) != 0) return std::nullopt;
  return pages * page;
}

std::string HeapAllocatorName() {
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  return std::string("jemalloc ") + version;
}

}  // namespace haven
