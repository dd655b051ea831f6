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

std::string HeapAllocatorName() {
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  return std::string("jemalloc ") + version;
}

}  // namespace haven
