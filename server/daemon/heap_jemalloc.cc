// jemalloc, linked into havend in place of glibc malloc.
#include <jemalloc/jemalloc.h>

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/daemon/heap.h"
#include "server/util/index_heap.h"

// Read by jemalloc at its first allocation, before main(). A background
// thread returns pages that have stayed free for the decay time (10 s)
// while the daemon sits idle: without it jemalloc purges only when some
// thread allocates. One such thread is enough for a daemon this size.
// Two arenas, not jemalloc's four per core: each arena keeps a partly used
// slab of every size it served, and the blocks that outlive a lock were
// spread over eight of them on two cores (idle after serving 1M entries
// and locked: 29.7 / 29.1 MB with eight, 28.9 with two; import and unlock
// no slower; docs/performance-notes.md, "Idle after lock at 1M").
extern "C" {
const char* malloc_conf = "background_thread:true,max_background_threads:1,narenas:2";
}

#define HAVEN_STRINGIFY_(x) #x
#define HAVEN_STRINGIFY(x) HAVEN_STRINGIFY_(x)

namespace haven {
namespace {

constexpr unsigned kNoArena = UINT32_MAX;

void FlushThreadCache() { (void)mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0); }

// Runs "arena.<arena>.<op>" (purge, destroy); true when it did.
bool ArenaDo(unsigned arena, const char* op) {
  const std::string name = absl::StrCat("arena.", arena, ".", op);
  return mallctl(name.c_str(), nullptr, nullptr, nullptr, 0) == 0;
}

// Bytes allocated in `arena`, from fresh statistics: blocks that threads
// keep in their caches count, so 0 means no block of it is anywhere.
// SIZE_MAX when jemalloc cannot tell.
size_t ArenaAllocated(unsigned arena) {
  uint64_t epoch = 1;
  size_t epoch_size = sizeof(epoch);
  if (mallctl("epoch", &epoch, &epoch_size, &epoch, epoch_size) != 0) return SIZE_MAX;
  size_t total = 0;
  for (const char* kind : {"small", "large"}) {
    const std::string name = absl::StrCat("stats.arenas.", arena, ".", kind, ".allocated");
    size_t value = 0;
    size_t size = sizeof(value);
    if (mallctl(name.c_str(), &value, &size, nullptr, 0) != 0) return SIZE_MAX;
    total += value;
  }
  return total;
}

// The index heap: a jemalloc arena of its own, made at the first scope
// after a release. A thread in a scope is bound to it ("thread.arena") with
// its cache flushed on the way in and out, so that the index's blocks all
// come from the arena and none stays cached once the thread leaves. Freed
// whole, the arena is destroyed: its extents and the metadata jemalloc kept
// for them (never returned otherwise) go back to the system.
class ArenaIndexHeap final : public IndexHeap {
 public:
  void Enter() override {
    unsigned arena;
    {
      absl::MutexLock lock(&mu_);
      if (arena_ == kNoArena) {
        size_t size = sizeof(arena_);
        if (mallctl("arenas.create", &arena_, &size, nullptr, 0) != 0) arena_ = kNoArena;
      }
      if (arena_ == kNoArena) return;  // the usual arenas serve
      ++threads_;
      arena = arena_;
    }
    FlushThreadCache();  // blocks of the usual arena, which would serve the index
    size_t size = sizeof(usual_arena_);
    if (mallctl("thread.arena", &usual_arena_, &size, &arena, sizeof(arena)) != 0) {
      absl::MutexLock lock(&mu_);
      --threads_;
      return;
    }
    entered_ = true;
  }

  void Leave() override {
    if (!entered_) return;
    entered_ = false;
    FlushThreadCache();  // the index arena's blocks, back to it
    (void)mallctl("thread.arena", nullptr, nullptr, &usual_arena_, sizeof(usual_arena_));
    absl::MutexLock lock(&mu_);
    --threads_;
  }

  // ReleaseIndexHeap. Under mu_, so no thread enters the arena meanwhile.
  size_t Release() {
    absl::MutexLock lock(&mu_);
    if (arena_ == kNoArena) return 0;
    // A thread inside may be about to allocate: only its free pages go.
    const size_t left = threads_ == 0 ? ArenaAllocated(arena_) : SIZE_MAX;
    if (left == 0 && ArenaDo(arena_, "destroy")) {
      arena_ = kNoArena;
      return 0;
    }
    ArenaDo(arena_, "purge");
    return left == 0 ? SIZE_MAX : left;  // 0 only when handed back
  }

 private:
  absl::Mutex mu_;
  unsigned arena_ ABSL_GUARDED_BY(mu_) = kNoArena;
  int threads_ ABSL_GUARDED_BY(mu_) = 0;  // bound to arena_ now
  // The calling thread's: whether it is bound, and to what it goes back.
  static thread_local bool entered_;
  static thread_local unsigned usual_arena_;
};

thread_local bool ArenaIndexHeap::entered_ = false;
thread_local unsigned ArenaIndexHeap::usual_arena_ = 0;

ArenaIndexHeap& TheIndexHeap() {
  static ArenaIndexHeap* heap = new ArenaIndexHeap;  // never freed: scopes may outlive main()
  return *heap;
}

}  // namespace

// malloc_conf above is read before main().
void TuneHeap() { InstallIndexHeap(&TheIndexHeap()); }

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

std::optional<size_t> ReleaseIndexHeap() { return TheIndexHeap().Release(); }

std::string HeapAllocatorName() {
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  return std::string("jemalloc ") + version;
}

}  // namespace haven
