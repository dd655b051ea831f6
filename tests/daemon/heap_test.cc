// The daemon's allocator gives freed memory back when asked: an idle,
// locked daemon relies on it (docs/performance.md, "Idle memory").
#include "server/daemon/heap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace haven {
namespace {

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

TEST(HeapTest, FreedPagesGoBackToTheSystemWhenAsked) {
  TuneHeap();
  ReturnFreeHeapPages();
  const size_t before = ResidentBytes();
  constexpr size_t kBlock = 64 << 10, kBlocks = 1024;  // 64 MiB, as a big call might hold
  std::vector<char*> blocks;
  for (size_t i = 0; i < kBlocks; ++i) {
    blocks.push_back(static_cast<char*>(malloc(kBlock)));
    ASSERT_NE(blocks.back(), nullptr);
    std::memset(blocks.back(), 0x5a, kBlock);
  }
  ASSERT_GT(ResidentBytes(), before + 48 * (1 << 20));
  for (char* b : blocks) free(b);
  ReturnFreeHeapPages();
  EXPECT_LT(ResidentBytes(), before + 8 * (1 << 20));
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
