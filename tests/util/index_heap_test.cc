// IndexHeapScope (server/util/index_heap.h): the outermost scope on each
// thread enters the installed heap and leaves it, nested ones do nothing,
// and without a heap nothing happens.
#include "server/util/index_heap.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace haven {
namespace {

class CountingHeap final : public IndexHeap {
 public:
  void Enter() override {
    ++enters;
    ++inside;
  }
  void Leave() override {
    ++leaves;
    --inside;
  }
  std::atomic<int> enters = 0, leaves = 0, inside = 0;
};

class IndexHeapScopeTest : public ::testing::Test {
 protected:
  void SetUp() override { InstallIndexHeap(&heap_); }
  void TearDown() override { InstallIndexHeap(nullptr); }
  CountingHeap heap_;
};

TEST_F(IndexHeapScopeTest, OnlyTheOutermostScopeEntersAndLeaves) {
  {
    IndexHeapScope outer;
    EXPECT_EQ(heap_.inside, 1);
    {
      IndexHeapScope inner;
      IndexHeapScope innermost;
      EXPECT_EQ(heap_.enters, 1);
    }
    EXPECT_EQ(heap_.leaves, 0);
  }
  EXPECT_EQ(heap_.enters, 1);
  EXPECT_EQ(heap_.leaves, 1);
  { IndexHeapScope again; }
  EXPECT_EQ(heap_.enters, 2);
  EXPECT_EQ(heap_.inside, 0);
}

TEST_F(IndexHeapScopeTest, EachThreadEntersForItself) {
  IndexHeapScope here;
  std::thread other([] { IndexHeapScope there; });
  other.join();
  EXPECT_EQ(heap_.enters, 2);
  EXPECT_EQ(heap_.leaves, 1);
  EXPECT_EQ(heap_.inside, 1);
}

TEST_F(IndexHeapScopeTest, AScopeLeavesTheHeapItEntered) {
  CountingHeap later;
  {
    IndexHeapScope scope;
    InstallIndexHeap(&later);
  }
  EXPECT_EQ(heap_.leaves, 1);
  EXPECT_EQ(later.leaves, 0);
}

TEST(IndexHeapScopeNoHeapTest, WithoutAHeapScopesDoNothing) {
  InstallIndexHeap(nullptr);
  IndexHeapScope outer;
  IndexHeapScope inner;
  SUCCEED();
}

}  // namespace
}  // namespace haven
