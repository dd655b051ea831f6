// The index lives in the index heap (server/util/index_heap.h) and nothing
// else does: once the journal is dropped, as at lock, the heap holds no
// block and is handed back whole (docs/performance.md, "Idle memory").
// With jemalloc the heap is an arena of its own; glibc builds keep none.
#include "server/daemon/heap.h"
#include "server/search/search_query.h"
#include "tests/journal/journal_test_support.h"

namespace haven::testing {
namespace {

class JournalHeapTest : public JournalTestBase {
 protected:
  void SetUp() override {
    TuneHeap();  // installs the index heap, before any index is built
    if (!ReleaseIndexHeap().has_value()) {
      GTEST_SKIP() << HeapAllocatorName() << " keeps no index heap apart";
    }
    snapshot_path_ = dir_.Join("index.snapshot");
    JournalTestBase::SetUp();
  }

  // Writes, edits, removes and searches: every way the index changes.
  void UseIndex(int first) {
    std::vector<std::string> ids;
    for (int i = first; i < first + 300; ++i) {
      const std::string note = i % 2 ? "a calm morning walk " : "kind words at night ";
      ids.push_back(MustLog("checkin", {{"mood", i % 10}, {"note", note + std::to_string(i)}},
                            At(i), {"t" + std::to_string(i % 7)})
                        .id);
    }
    EditInput edit;
    edit.id = ids[3];
    edit.fields_json = {{"note", "rain and tea"}};
    ASSERT_TRUE(journal_->Edit(edit).ok());
    ASSERT_TRUE(journal_->Remove(ids[4]).ok());
    size_t total = 0;
    auto hits = journal_->Search(*ParseSearchQuery({"calm"}), SearchFilter{}, 20, &total);
    ASSERT_TRUE(hits.ok()) << hits.status();
    EXPECT_GT(total, 0u);
  }
};

TEST_F(JournalHeapTest, TheIndexIsInItsHeapWhileOpenAndTheHeapGoesBackWhenDropped) {
  UseIndex(0);
  // Open, the index's blocks are in the heap: it is not handed back.
  EXPECT_GT(*ReleaseIndexHeap(), 0u);
  journal_.reset();  // seals the snapshot, frees the index
  EXPECT_EQ(*ReleaseIndexHeap(), 0u);
}

TEST_F(JournalHeapTest, AnIndexTakenFromTheSnapshotGoesBackToo) {
  UseIndex(0);
  journal_.reset();
  OpenJournal();
  ASSERT_TRUE(journal_->index_from_snapshot());
  EXPECT_GT(*ReleaseIndexHeap(), 0u);
  UseIndex(1000);
  journal_.reset();
  EXPECT_EQ(*ReleaseIndexHeap(), 0u);
}

TEST_F(JournalHeapTest, AnIndexBuiltFromTheRowsGoesBackToo) {
  UseIndex(0);
  snapshot_path_.clear();  // the next unlock opens every row
  journal_.reset();
  OpenJournal();
  ASSERT_FALSE(journal_->index_from_snapshot());
  EXPECT_GT(*ReleaseIndexHeap(), 0u);
  journal_.reset();
  EXPECT_EQ(*ReleaseIndexHeap(), 0u);
}

}  // namespace
}  // namespace haven::testing
