// The merge rules of docs/design.md, "Merge", converge: every arrival order
// of the same records gives the same entry. And an entry read from its
// state gives each field value as the JSON parser would.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "server/journal/merge.h"
#include "tests/journal/merge_test_support.h"

namespace haven {
namespace {

using namespace merge_testing;  // NOLINT: the records of merge_test_support.h

// Eight records from three devices: a create, concurrent edits of different
// and of the same field (one with an equal clock), a delete that missed an
// edit, a delete that saw everything and a restore.
std::vector<Rec> EightRecords() {
  Rec create =
      Create(kDeviceA, 1, 10, {{"mood", 5}, {"note", "first"}, {"resilience", 3}}, {"morning"});
  create.body.set_derived_json(R"({"d":1})");
  Rec b_mood = Edit(kDeviceB, 1, 20, {{"mood", 6}});
  Rec c_note = Edit(kDeviceC, 1, 20, {{"note", "from C"}});
  Rec a_mood = Edit(kDeviceA, 2, 20, {{"mood", 7}});  // ties with b_mood; B > A
  Rec b_tags = Edit(kDeviceB, 2, 30, {}, {"resilience"});
  b_tags.body.set_has_tags(true);
  b_tags.body.add_tags("evening");
  b_tags.body.set_derived_json(R"({"d":2})");
  Rec c_delete = Delete(kDeviceC, 2, 40, {{kDeviceA, 1}, {kDeviceB, 2}, {kDeviceC, 1}});
  Rec a_delete = Delete(kDeviceA, 3, 50, {{kDeviceA, 2}, {kDeviceB, 2}, {kDeviceC, 2}});
  Rec b_restore = Restore(kDeviceB, 3, 60, {{kDeviceA, 3}, {kDeviceB, 2}, {kDeviceC, 2}});
  return {create, b_mood, c_note, a_mood, b_tags, c_delete, a_delete, b_restore};
}

TEST(MergeConvergenceTest, EveryPermutationOfEightRecordsGivesTheSameEntry) {
  std::vector<Rec> records = EightRecords();
  std::vector<size_t> order(records.size());
  std::iota(order.begin(), order.end(), 0);
  const std::string expected = View(FoldInOrder(records, order));
  size_t permutations = 0;
  do {
    std::string view = View(FoldInOrder(records, order));
    if (view != expected) {
      std::string sequence;
      for (size_t i : order) sequence += std::to_string(i) + " ";
      FAIL() << "order " << sequence << "gives\n" << view << "\nnot\n" << expected;
    }
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 40320u);

  Entry e = StateToEntry(FoldInOrder(records, {0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_FALSE(e.deleted);
  EXPECT_EQ(e.fields, (nlohmann::json{{"mood", 6}, {"note", "from C"}}));
  EXPECT_EQ(e.tags, std::vector<std::string>{"evening"});
  EXPECT_EQ(e.derived, (nlohmann::json{{"d", 2}}));
}

TEST(MergeConvergenceTest, RandomOrdersOfElevenRecordsIncludingAFinalDelete) {
  std::vector<Rec> records = EightRecords();
  records.push_back(Edit(kDeviceC, 3, 55, {{"connection", 4}}));  // concurrent with the restore
  records.push_back(Edit(kDeviceC, 4, 70, {{"mood", 2}}));
  records.push_back(
      Delete(kDeviceA, 4, 80, {{kDeviceA, 3}, {kDeviceB, 3}, {kDeviceC, 4}}));  // saw all
  std::vector<size_t> order(records.size());
  std::iota(order.begin(), order.end(), 0);
  const EntryState reference = FoldInOrder(records, order);
  const std::string expected = View(reference);
  EXPECT_TRUE(IsDeleted(reference));
  EXPECT_EQ(StateToEntry(reference).fields,
            (nlohmann::json{{"mood", 2}, {"note", "from C"}, {"connection", 4}}));
  std::mt19937 rng(20261120);
  for (int round = 0; round < 3000; ++round) {
    std::shuffle(order.begin(), order.end(), rng);
    EntryState state = FoldInOrder(records, order);
    ASSERT_EQ(View(state), expected) << "round " << round;
    ASSERT_EQ(IsDeleted(state), true);
  }
}

// Whole numbers skip the JSON parser when an entry is built from its state;
// every value must come out exactly as the parser would give it, and a text
// that is not JSON as null (never nlohmann's "discarded", which dumps as
// text that is not JSON either).
TEST(StateToEntryTest, FieldValuesReadAsTheJsonParserReadsThem) {
  const std::vector<std::string> texts = {"0",
                                          "7",
                                          "10",
                                          "-3",
                                          "-0",
                                          "007",
                                          "-",
                                          "+5",
                                          "2.5",
                                          "-1e3",
                                          "1e2",
                                          "\"a note\"",
                                          "true",
                                          "null",
                                          "[1,2]",
                                          "{\"a\":1}",
                                          "999999999999999999",
                                          "9223372036854775807",
                                          "18446744073709551615",
                                          "123456789012345678901",
                                          " 5",
                                          "5 "};
  for (const std::string& text : texts) {
    EntryState state;
    state.set_has_create(true);
    state.set_type("checkin");
    (*state.mutable_fields())["v"].set_value_json(text);
    nlohmann::json want = nlohmann::json::parse(text, nullptr, false);
    if (want.is_discarded()) want = nullptr;
    nlohmann::json got = StateToEntry(state).fields["v"];
    EXPECT_EQ(got.type(), want.type()) << text;
    EXPECT_EQ(got.dump(), want.dump()) << text;
  }
}

// A stored value nested deeper than kRecordJsonLimits (only a row written
// before pulled records were checked can hold one) reads as null.
TEST(StateToEntryTest, AValueNestedTooDeepReadsAsNull) {
  EntryState state;
  state.set_has_create(true);
  state.set_type("checkin");
  (*state.mutable_fields())["deep"].set_value_json(std::string(100000, '[') +
                                                   std::string(100000, ']'));
  (*state.mutable_fields())["ok"].set_value_json(std::string(16, '[') + std::string(16, ']'));
  state.set_derived_json("{\"d\":" + std::string(17, '[') + std::string(17, ']') + "}");
  Entry entry = StateToEntry(state);
  EXPECT_TRUE(entry.fields["deep"].is_null());
  EXPECT_EQ(entry.fields["ok"].dump(), std::string(16, '[') + std::string(16, ']'));
  EXPECT_EQ(entry.derived, nlohmann::json::object());
}

}  // namespace
}  // namespace haven
