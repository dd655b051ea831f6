// An index snapshot's plaintext (ViewIndex::Snapshot / Restore): what it
// restores answers every query as the index it was taken from, and any
// cut or damaged snapshot is refused rather than half taken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/journal/view_index.h"
#include "tests/journal/view_index_test_support.h"

namespace haven {
namespace {

using testing_support::Id;
using testing_support::Words;

std::vector<std::string> Found(const ViewIndex& index, std::vector<std::string> words,
                               SearchFilter filter = {}) {
  std::vector<std::string> ids;
  for (const auto& m : index.Search(words, {}, filter, SIZE_MAX)) ids.push_back(m.id());
  return ids;
}

std::vector<std::string> Listed(const ViewIndex& index, const IndexQuery& q) {
  std::vector<std::string> ids;
  index.entries().Visit(q, [&](const IndexedEntry& e) {
    ids.push_back(e.id + "@" + std::to_string(e.at_us) + ":" + *e.type);
    return true;
  });
  return ids;
}

// A small index that has seen edits, deletions and a removal.
void Fill(ViewIndex* index) {
  for (int i = 0; i < 40; ++i) {
    index->Upsert(Id(i), i * 10, i % 3 ? "checkin" : "letter", i % 7 == 0,
                  Words({i % 2 ? "odd gentle" : "even kind"}, {i % 5 ? "home" : "out"}));
  }
  index->Upsert(Id(4), 5, "walk", false, Words({"rewritten words"}));
  index->Remove(Id(9));
}

TEST(ViewIndexSnapshot, RestoresAnIndexThatAnswersAlike) {
  ViewIndex index;
  Fill(&index);
  const std::string plain = index.Snapshot();
  ViewIndex restored;
  ASSERT_TRUE(restored.Restore(plain).ok());
  for (const auto& words : std::vector<std::vector<std::string>>{
           {"gentle"}, {"kind"}, {"even"}, {"rewritten"}, {"odd", "gentle"}}) {
    EXPECT_EQ(Found(restored, words), Found(index, words));
  }
  SearchFilter out;
  out.tags = {"out"};
  out.include_deleted = true;
  EXPECT_EQ(Found(restored, {"kind"}, out), Found(index, {"kind"}, out));
  for (const IndexQuery& q : {IndexQuery{}, IndexQuery{.include_deleted = true},
                              IndexQuery{.type = "letter", .since_us = 50, .until_us = 300}}) {
    EXPECT_EQ(Listed(restored, q), Listed(index, q));
    EXPECT_EQ(restored.entries().Count(q), index.entries().Count(q));
  }
  EXPECT_EQ(restored.entries().Resolve(Id(33).substr(0, 24)).value_or(""), Id(33));
  EXPECT_FALSE(restored.entries().Contains(Id(9)));
  // It keeps working as an index: an edit after the restore.
  restored.Upsert(Id(1), 1, "checkin", false, Words({"fresh"}));
  EXPECT_THAT(Found(restored, {"fresh"}), ::testing::ElementsAre(Id(1)));
  EXPECT_THAT(Found(restored, {"odd"}), ::testing::Not(::testing::Contains(Id(1))));
}

TEST(ViewIndexSnapshot, ACutSnapshotIsRefused) {
  ViewIndex index;
  Fill(&index);
  const std::string plain = index.Snapshot();
  for (size_t size = 0; size < plain.size(); ++size) {
    ViewIndex restored;
    EXPECT_FALSE(restored.Restore(std::string_view(plain).substr(0, size)).ok()) << size;
  }
  ViewIndex longer;
  EXPECT_FALSE(longer.Restore(plain + "x").ok());
}

TEST(ViewIndexSnapshot, DamagedBytesAreRefusedOrStillConsistent) {
  ViewIndex index;
  Fill(&index);
  const std::string plain = index.Snapshot();
  for (size_t at = 0; at < plain.size(); ++at) {
    std::string damaged = plain;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    ViewIndex restored;
    if (!restored.Restore(damaged).ok()) continue;
    // A changed time, id or word may still decode: it must then hold
    // together as an index.
    size_t visited = 0;
    restored.entries().Visit({.include_deleted = true}, [&](const IndexedEntry&) {
      ++visited;
      return true;
    });
    EXPECT_EQ(visited, restored.entries().size()) << at;
  }
}

TEST(ViewIndexSnapshot, RestoresOnlyIntoAnEmptyIndex) {
  ViewIndex index;
  Fill(&index);
  ViewIndex other;
  other.Upsert(Id(1), 1, "checkin", false, Words({"x"}));
  EXPECT_FALSE(other.Restore(index.Snapshot()).ok());
  ViewIndex empty;
  ViewIndex restored;
  EXPECT_TRUE(restored.Restore(empty.Snapshot()).ok());
  EXPECT_EQ(restored.entries().size(), 0u);
}

}  // namespace
}  // namespace haven
