// The daemon's allocator gives freed memory back when asked: an idle,
// locked daemon relies on it (docs/performance.md, "Idle memory").
#include "server/daemon/heap.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "server/util/index_heap.h"

namespace haven {
namespace {

// The allocator's own count of freed pages it still holds, not the
// process's RSS: RSS also moves with what the kernel does under load (lazy
// frees, huge pages), which made an RSS bound fail on a busy machine.
TEST(HeapTest, FreedPagesGoBackToTheSystemWhenAsked) {
  TuneHeap();
  if (!HeapFreeResidentBytes().has_value()) {
    GTEST_SKIP() << HeapAllocatorName() << " keeps no count of free resident pages; "
                 << "the idle-memory benchmark (docs/performance.md) covers it";
  }
  constexpr size_t kBlock = 64 << 10, kBlocks = 1024;  // 64 MiB, as a big call might hold
  std::vector<char*> blocks;
  for (size_t i = 0; i < kBlocks; ++i) {
    blocks.push_back(static_cast<char*>(malloc(kBlock)));
    ASSERT_NE(blocks.back(), nullptr);
    std::memset(blocks.back(), 0x5a, kBlock);
  }
  for (char* b : blocks) free(b);
  // jemalloc's background thread may already be returning some, and a
  // purge that meets it at work can leave pages to it (seen once in a CI
  // run on a loaded host: 39 MB left); what is certain is that the
  // allocator holds (almost) none once asked, if need be again. Asked a
  // bounded number of times, the condition checked after each.
  constexpr size_t kBound = kBlock * kBlocks / 64;
  size_t after = SIZE_MAX;
  for (int ask = 0; ask < 100 && after >= kBound; ++ask) {
    if (ask > 0) std::this_thread::yield();  // let the background thread finish its pass
    ReturnFreeHeapPages();
    after = *HeapFreeResidentBytes();
  }
  EXPECT_LT(after, kBound) << "free pages still resident after the purge";
}

// The index heap (server/util/index_heap.h): what a scope allocates is
// counted there, what is allocated outside is not, and the heap goes back
// whole only once nothing of it is left, wherever it is freed from.
TEST(HeapTest, TheIndexHeapGoesBackWholeOnlyOnceEmpty) {
  TuneHeap();
  if (!ReleaseIndexHeap().has_value()) {
    GTEST_SKIP() << HeapAllocatorName() << " keeps no index heap apart";
  }
  constexpr size_t kBlock = 48, kBlocks = 20000;
  std::vector<std::unique_ptr<char[]>> blocks;
  blocks.reserve(kBlocks);
  {
    IndexHeapScope heap;
    for (size_t i = 0; i < kBlocks; ++i) blocks.push_back(std::make_unique<char[]>(kBlock));
  }
  auto outside = std::make_unique<char[]>(kBlock);  // from the usual heap
  const size_t held = *ReleaseIndexHeap();
  EXPECT_GE(held, kBlock * kBlocks);
  EXPECT_NE(held, SIZE_MAX);
  // Freed on another thread, in a scope, while this one asks: not before
  // that thread has left.
  absl::Notification freed, asked;
  std::thread other([&] {
    IndexHeapScope heap;
    blocks.clear();
    freed.Notify();
    asked.WaitForNotification();
  });
  freed.WaitForNotification();
  EXPECT_EQ(*ReleaseIndexHeap(), SIZE_MAX) << "a thread is in it: it cannot tell";
  asked.Notify();
  other.join();
  EXPECT_EQ(*ReleaseIndexHeap(), 0u);
}

TEST(HeapTest, NamesTheAllocator) {
  const std::string name = HeapAllocatorName();
#ifdef HAVEN_HEAP_JEMALLOC
  EXPECT_EQ(name.rfind("jemalloc", 0), 0u) << name;
#else
  EXPECT_EQ(name, "glibc malloc");
#endif
}

}  // namespace
}  // namespace haven
