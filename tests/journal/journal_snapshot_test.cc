// The index snapshot between a lock and the next unlock (docs/design.md,
// "Index snapshot"): taken when the view has not moved, and then giving
// the same lists and searches as a full rebuild; a write since, a damaged
// file, changed keys or markers mean a rebuild, silently correct.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "server/journal/vault_state.h"
#include "server/journal/view.h"
#include "server/search/search_query.h"
#include "tests/journal/journal_test_support.h"

namespace haven::testing {
namespace {

class JournalSnapshotTest : public JournalTestBase {
 protected:
  void SetUp() override {
    snapshot_path_ = dir_.Join("index.snapshot");
    JournalTestBase::SetUp();
    // A few entries, one edited (its words replaced), one deleted.
    for (int i = 0; i < 30; ++i) {
      const std::string note = i % 2 ? "a calm morning walk" : "kind words at night";
      ids_.push_back(MustLog("checkin", {{"mood", i % 10}, {"note", note}}, At(i), {"t"}).id);
    }
    EditInput edit;
    edit.id = ids_[3];
    edit.fields_json = {{"note", "rain and tea"}};
    ASSERT_TRUE(journal_->Edit(edit).ok());
    ASSERT_TRUE(journal_->Remove(ids_[4]).ok());
  }

  // Every answer the index gives: lists and searches.
  std::vector<std::string> Answers() const {
    std::vector<std::string> out = Dump();
    ListFilter live;
    for (const auto& id : ListIds(live)) out.push_back("live " + id);
    for (const char* word : {"calm", "kind", "rain", "morning"}) {
      for (bool deleted : {false, true}) {
        SearchFilter filter;
        filter.include_deleted = deleted;
        auto query = ParseSearchQuery({word});
        size_t total = 0;
        auto hits = journal_->Search(*query, filter, 100, &total);
        EXPECT_TRUE(hits.ok()) << hits.status();
        out.push_back(std::string(word) + " total " + std::to_string(total));
        if (hits.ok()) {
          for (const auto& hit : *hits) out.push_back(std::string(word) + " " + hit.entry.id);
        }
      }
    }
    return out;
  }

  void Relock() {
    journal_.reset();
    OpenJournal();
  }

  std::vector<std::string> ids_;
};

TEST_F(JournalSnapshotTest, AnUnlockTakesTheSnapshotAndAnswersAsARebuildDoes) {
  const std::vector<std::string> before = Answers();
  journal_.reset();
  ASSERT_TRUE(std::filesystem::exists(snapshot_path_));
  OpenJournal();
  EXPECT_TRUE(journal_->index_from_snapshot());
  EXPECT_FALSE(std::filesystem::exists(snapshot_path_));  // used once
  EXPECT_EQ(Answers(), before);
  // A full rebuild answers the same.
  snapshot_path_.clear();
  Relock();
  EXPECT_FALSE(journal_->index_from_snapshot());
  EXPECT_EQ(Answers(), before);
}

TEST_F(JournalSnapshotTest, WritesAfterATakenSnapshotAreKeptInStep) {
  Relock();
  ASSERT_TRUE(journal_->index_from_snapshot());
  MustLog("checkin", {{"mood", 1}, {"note", "calm again"}}, At(100));
  ASSERT_TRUE(journal_->Remove(ids_[1]).ok());
  const std::vector<std::string> after = Answers();
  Relock();
  EXPECT_TRUE(journal_->index_from_snapshot());
  EXPECT_EQ(Answers(), after);
}

TEST_F(JournalSnapshotTest, AWriteSinceTheSnapshotMeansARebuild) {
  journal_.reset();
  // Another journal, without snapshots, writes while the file is there.
  const std::string path = snapshot_path_;
  snapshot_path_.clear();
  OpenJournal();
  MustLog("checkin", {{"mood", 2}, {"note", "calm late entry"}}, At(200));
  const std::vector<std::string> after = Answers();
  journal_.reset();
  snapshot_path_ = path;
  OpenJournal();
  EXPECT_FALSE(journal_->index_from_snapshot());
  EXPECT_EQ(Answers(), after);
}

TEST_F(JournalSnapshotTest, ADamagedSnapshotMeansARebuild) {
  const std::vector<std::string> before = Answers();
  journal_.reset();
  std::string bytes;
  {
    std::ifstream in(snapshot_path_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 100u);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  std::ofstream(snapshot_path_, std::ios::binary | std::ios::trunc) << bytes;
  OpenJournal();
  EXPECT_FALSE(journal_->index_from_snapshot());
  EXPECT_FALSE(std::filesystem::exists(snapshot_path_));
  EXPECT_EQ(Answers(), before);
}

TEST_F(JournalSnapshotTest, ChangedKeysOrMarkersMeanARebuild) {
  const std::vector<std::string> before = Answers();
  // A passphrase change or rekey rewrites the wrapped key.
  journal_.reset();
  ASSERT_TRUE(store_->Put(Family::kMeta, kMetaWrappedKey, "another wrapping", true).ok());
  OpenJournal();
  EXPECT_FALSE(journal_->index_from_snapshot());
  EXPECT_EQ(Answers(), before);
  // An applied marker moved behind the journal's back.
  journal_.reset();
  ASSERT_TRUE(
      store_->Put(Family::kMeta, std::string(kAppliedPrefix) + "elsewhere", EncodeU64(3), true)
          .ok());
  OpenJournal();
  EXPECT_FALSE(journal_->index_from_snapshot());
  EXPECT_EQ(Answers(), before);
}

TEST_F(JournalSnapshotTest, ViewRowsChangedBehindTheJournalMeanARebuild) {
  const std::vector<std::string> before = Answers();
  journal_.reset();
  // Someone who can write the disk adds a row (it does not open: never shown).
  ASSERT_TRUE(store_->Put(Family::kView, std::string(32, 'k'), std::string(80, 'v'), true).ok());
  OpenJournal();
  EXPECT_FALSE(journal_->index_from_snapshot());
  EXPECT_EQ(Answers(), before);
}

TEST_F(JournalSnapshotTest, ASnapshotWithoutItsTokenIsNotUsed) {
  journal_.reset();
  DeleteKey(Family::kMeta, kSnapshotTokenKey);
  OpenJournal();
  EXPECT_FALSE(journal_->index_from_snapshot());
}

}  // namespace
}  // namespace haven::testing
