// The merge rules of docs/design.md, "Merge", as pure functions: per-field
// last-writer-wins by (hlc, device), deletes that cover only what they saw,
// restores and idempotence. Convergence under every arrival order is in
// merge_convergence_test.cc.
#include "server/journal/merge.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "tests/journal/merge_test_support.h"

namespace haven {
namespace {

using namespace merge_testing;  // NOLINT: the records of merge_test_support.h

TEST(MergeTest, CreateGivesTheEntry) {
  EntryState state = Fold({Create(kDeviceA, 1, 1, {{"mood", 5}}, {"morning"})});
  ASSERT_TRUE(state.has_create());
  Entry e = StateToEntry(state);
  EXPECT_EQ(e.id, kEntryId);
  EXPECT_EQ(e.type, "checkin");
  EXPECT_EQ(e.fields, (nlohmann::json{{"mood", 5}}));
  EXPECT_EQ(e.tags, std::vector<std::string>{"morning"});
  EXPECT_EQ(e.at_us, 1790000000000000);
  EXPECT_FALSE(e.deleted);
  EXPECT_FALSE(IsDeleted(state));
}

TEST(MergeTest, ConcurrentEditsOfDifferentFieldsBothSurvive) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}, {"note", "first"}});
  Rec on_b = Edit(kDeviceB, 1, 10, {{"mood", 6}});
  Rec on_c = Edit(kDeviceC, 1, 5, {{"note", "second"}});
  for (const auto& order : {std::vector<Rec>{create, on_b, on_c}, {create, on_c, on_b}}) {
    EXPECT_EQ(FieldsOf(Fold(order)), (nlohmann::json{{"mood", 6}, {"note", "second"}}));
  }
}

TEST(MergeTest, SameFieldHigherHlcWins) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec later = Edit(kDeviceA, 2, 20, {{"mood", 8}});  // device A < B, but later
  Rec earlier = Edit(kDeviceB, 1, 10, {{"mood", 2}});
  EXPECT_EQ(FieldsOf(Fold({create, earlier, later}))["mood"], 8);
  EXPECT_EQ(FieldsOf(Fold({create, later, earlier}))["mood"], 8);
}

TEST(MergeTest, SameFieldEqualHlcHigherDeviceWins) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec on_a = Edit(kDeviceA, 2, 10, {{"mood", 1}});
  Rec on_c = Edit(kDeviceC, 1, 10, {{"mood", 3}});
  Rec on_b = Edit(kDeviceB, 1, 10, {{"mood", 2}});
  EXPECT_EQ(FieldsOf(Fold({create, on_a, on_b, on_c}))["mood"], 3);
  EXPECT_EQ(FieldsOf(Fold({create, on_c, on_b, on_a}))["mood"], 3);
  EXPECT_EQ(FieldsOf(Fold({on_b, on_c, create, on_a}))["mood"], 3);
}

TEST(MergeTest, TimeAndTagsAreLastWriterWinsRegisters) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}}, {"a"}, 1000000);
  Rec new_time = Edit(kDeviceB, 1, 10, {});
  new_time.body.set_has_at(true);
  new_time.body.set_at_us(2000000);
  Rec new_tags = Edit(kDeviceC, 1, 10, {});
  new_tags.body.set_has_tags(true);
  new_tags.body.add_tags("b");
  new_tags.body.add_tags("c");
  Rec older_tags = Edit(kDeviceA, 2, 5, {});
  older_tags.body.set_has_tags(true);  // cleared every tag, but earlier
  for (const auto& order : {std::vector<Rec>{create, new_time, new_tags, older_tags},
                            {older_tags, new_tags, new_time, create}}) {
    Entry e = StateToEntry(Fold(order));
    EXPECT_EQ(e.at_us, 2000000);
    EXPECT_EQ(e.tags, (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(e.fields["mood"], 5);
  }
}

TEST(MergeTest, UnsetFieldIsAnOrderedWrite) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}, {"note", "x"}});
  Rec unset = Edit(kDeviceA, 2, 10, {}, {"note"});
  Rec older_set = Edit(kDeviceB, 1, 5, {{"note", "y"}});
  Rec newer_set = Edit(kDeviceB, 2, 20, {{"note", "z"}});
  EXPECT_EQ(FieldsOf(Fold({create, older_set, unset})), (nlohmann::json{{"mood", 5}}));
  EXPECT_EQ(FieldsOf(Fold({create, unset, older_set})), (nlohmann::json{{"mood", 5}}));
  EXPECT_EQ(FieldsOf(Fold({create, newer_set, unset}))["note"], "z");
}

TEST(MergeTest, DeleteThatSawEverythingHidesTheEntry) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec edit = Edit(kDeviceB, 1, 10, {{"mood", 6}});
  Rec del = Delete(kDeviceA, 2, 20, {{kDeviceA, 1}, {kDeviceB, 1}});
  EXPECT_TRUE(IsDeleted(Fold({create, edit, del})));
  EXPECT_TRUE(IsDeleted(Fold({del, edit, create})));
  EXPECT_TRUE(StateToEntry(Fold({create, edit, del})).deleted);
}

TEST(MergeTest, EditNotSeenByTheDeleteKeepsTheEntry) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec del = Delete(kDeviceA, 2, 20, {{kDeviceA, 1}});  // never saw B's edit
  Rec edit = Edit(kDeviceB, 1, 15, {{"mood", 6}});
  for (const auto& order :
       {std::vector<Rec>{create, del, edit}, {create, edit, del}, {edit, del, create}}) {
    EntryState state = Fold(order);
    EXPECT_FALSE(IsDeleted(state));
    EXPECT_EQ(FieldsOf(state)["mood"], 6);
  }
  // Even an unseen edit with an older clock survives: edits are never lost.
  Rec old_edit = Edit(kDeviceC, 1, 2, {{"note", "kept"}});
  EXPECT_FALSE(IsDeleted(Fold({create, old_edit, del})));
}

TEST(MergeTest, DeleteCoversOnlyTheSequencesItSaw) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec first = Edit(kDeviceB, 3, 10, {{"mood", 6}});
  Rec second = Edit(kDeviceB, 4, 12, {{"mood", 7}});
  Rec del = Delete(kDeviceA, 2, 20, {{kDeviceA, 1}, {kDeviceB, 3}});
  EXPECT_TRUE(IsDeleted(Fold({create, first, del})));
  EXPECT_FALSE(IsDeleted(Fold({create, first, del, second})));
}

TEST(MergeTest, RestoreAfterDeleteBringsTheEntryBack) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec del = Delete(kDeviceA, 2, 10, {{kDeviceA, 1}});
  Rec restore = Restore(kDeviceB, 1, 20, {{kDeviceA, 2}});
  for (const auto& order :
       {std::vector<Rec>{create, del, restore}, {restore, del, create}, {create, restore, del}}) {
    EntryState state = Fold(order);
    EXPECT_FALSE(IsDeleted(state));
    EXPECT_EQ(FieldsOf(state)["mood"], 5);
  }
}

TEST(MergeTest, DeleteAndRestoreOrderByHlcNotArrival) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec del = Delete(kDeviceA, 2, 10, {{kDeviceA, 1}});
  Rec restore = Restore(kDeviceB, 1, 20, {{kDeviceA, 2}});
  Rec del_again = Delete(kDeviceC, 1, 30, {{kDeviceA, 2}, {kDeviceB, 1}});
  EXPECT_TRUE(IsDeleted(Fold({create, del, restore, del_again})));
  EXPECT_TRUE(IsDeleted(Fold({del_again, restore, del, create})));
  EXPECT_TRUE(IsDeleted(Fold({create, del_again, del, restore})));
}

TEST(MergeTest, DeleteAndRestoreWithEqualHlcTieBreakOnDevice) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec del_c = Delete(kDeviceC, 1, 10, {{kDeviceA, 1}});
  Rec restore_b = Restore(kDeviceB, 1, 10, {{kDeviceA, 1}});
  EXPECT_TRUE(IsDeleted(Fold({create, del_c, restore_b})));
  EXPECT_TRUE(IsDeleted(Fold({create, restore_b, del_c})));
  Rec del_a = Delete(kDeviceA, 2, 10, {{kDeviceA, 1}});
  EXPECT_FALSE(IsDeleted(Fold({create, del_a, restore_b})));
  EXPECT_FALSE(IsDeleted(Fold({create, restore_b, del_a})));
}

TEST(MergeTest, ApplyingARecordTwiceChangesNothing) {
  std::vector<Rec> records = {Create(kDeviceA, 1, 1, {{"mood", 5}}, {"x"}),
                              Edit(kDeviceB, 1, 10, {{"mood", 6}}),
                              Delete(kDeviceA, 2, 20, {{kDeviceA, 1}, {kDeviceB, 1}}),
                              Restore(kDeviceC, 1, 30, {{kDeviceA, 2}, {kDeviceB, 1}})};
  EntryState once = Fold(records);
  EntryState twice = once;
  for (const Rec& r : records) {
    EXPECT_FALSE(ApplyRecord(&twice, r.body, r.device, r.seq)) << r.seq;
  }
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(twice, once))
      << twice.DebugString() << "\nvs\n"
      << once.DebugString();
  // Interleaved duplicates converge on the same view too.
  EntryState interleaved;
  for (const Rec& r : records) {
    EXPECT_TRUE(ApplyRecord(&interleaved, r.body, r.device, r.seq));
    EXPECT_FALSE(ApplyRecord(&interleaved, r.body, r.device, r.seq));
  }
  EXPECT_EQ(View(interleaved), View(once));
}

TEST(MergeTest, EditArrivingBeforeItsCreate) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}, {"note", "from create"}}, {"t"});
  Rec edit = Edit(kDeviceB, 1, 10, {{"mood", 9}});
  EntryState state;
  ApplyRecord(&state, edit.body, edit.device, edit.seq);
  EXPECT_FALSE(state.has_create()) << "an edit alone is not an entry";
  ApplyRecord(&state, create.body, create.device, create.seq);
  ASSERT_TRUE(state.has_create());
  EXPECT_EQ(View(state), View(Fold({create, edit})));
  Entry e = StateToEntry(state);
  EXPECT_EQ(e.type, "checkin");
  EXPECT_EQ(e.fields, (nlohmann::json{{"mood", 9}, {"note", "from create"}}));
  EXPECT_EQ(e.tags, std::vector<std::string>{"t"});
}

// A device that upgraded a plugin edits with the newer type version; the
// view must not depend on whether that edit arrives before the create.
TEST(MergeTest, TypeVersionDoesNotDependOnArrivalOrder) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec edit = Edit(kDeviceB, 1, 10, {{"mood", 6}});
  edit.body.set_type_version(2);
  EXPECT_EQ(StateToEntry(Fold({create, edit})).type_version, 2u);
  EXPECT_EQ(StateToEntry(Fold({edit, create})).type_version, 2u);
}

// Derived values ride along with records; for equal clocks the device id
// must break the tie as it does for fields, or devices disagree.
TEST(MergeTest, DerivedValuesTieBreakOnDevice) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  Rec on_a = Edit(kDeviceA, 2, 10, {{"mood", 6}});
  on_a.body.set_derived_json(R"({"score":"a"})");
  Rec on_b = Edit(kDeviceB, 1, 10, {{"mood", 7}});
  on_b.body.set_derived_json(R"({"score":"b"})");
  std::string ab = View(Fold({create, on_a, on_b}));
  std::string ba = View(Fold({create, on_b, on_a}));
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(StateToEntry(Fold({create, on_b, on_a})).derived["score"], "b");
}

TEST(MergeTest, LaterDerivedValuesWin) {
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}});
  create.body.set_derived_json(R"({"score":1})");
  Rec edit = Edit(kDeviceB, 1, 10, {{"mood", 6}});
  edit.body.set_derived_json(R"({"score":2})");
  EXPECT_EQ(StateToEntry(Fold({create, edit})).derived["score"], 2);
  EXPECT_EQ(StateToEntry(Fold({edit, create})).derived["score"], 2);
}

}  // namespace
}  // namespace haven
