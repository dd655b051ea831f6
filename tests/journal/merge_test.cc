// The merge rules of docs/design.md, "Merge", as pure functions: per-field
// last-writer-wins by (hlc, device), deletes that cover only what they saw,
// restores, idempotence, and convergence under every arrival order.
#include "server/journal/merge.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "server/model/entry_json.h"

namespace haven {
namespace {

using v1::EntryState;
using v1::RecordBody;

const std::string kDeviceA(16, '\x0a');
const std::string kDeviceB(16, '\x0b');
const std::string kDeviceC(16, '\x0c');
const std::string kEntryId = "0123456789abcdef01234567";
constexpr uint64_t kBaseMs = 1'790'000'000'000;  // late 2026

uint64_t Hlc(uint64_t tick) { return (kBaseMs + tick) << 16; }

struct Rec {
  RecordBody body;
  std::string device;
  uint64_t seq;
};

using Fields = std::map<std::string, nlohmann::json>;

Rec Create(const std::string& device, uint64_t seq, uint64_t tick, const Fields& fields,
           std::vector<std::string> tags = {}, int64_t at_us = 1'790'000'000'000'000) {
  Rec r{RecordBody(), device, seq};
  r.body.set_kind(RecordBody::CREATE);
  r.body.set_hlc(Hlc(tick));
  r.body.set_entry_id(kEntryId);
  r.body.set_type("checkin");
  r.body.set_type_version(1);
  r.body.set_has_at(true);
  r.body.set_at_us(at_us);
  r.body.set_has_tags(true);
  for (const auto& t : tags) r.body.add_tags(t);
  for (const auto& [name, value] : fields) (*r.body.mutable_set_fields())[name] = value.dump();
  return r;
}

Rec Edit(const std::string& device, uint64_t seq, uint64_t tick, const Fields& fields,
         std::vector<std::string> unset = {}) {
  Rec r{RecordBody(), device, seq};
  r.body.set_kind(RecordBody::EDIT);
  r.body.set_hlc(Hlc(tick));
  r.body.set_entry_id(kEntryId);
  r.body.set_type_version(1);
  for (const auto& [name, value] : fields) (*r.body.mutable_set_fields())[name] = value.dump();
  for (const auto& name : unset) r.body.add_unset_fields(name);
  return r;
}

using Seen = std::map<std::string, uint64_t>;  // raw device id -> seq

Rec Tombstone(RecordBody::Kind kind, const std::string& device, uint64_t seq, uint64_t tick,
              const Seen& seen) {
  Rec r{RecordBody(), device, seq};
  r.body.set_kind(kind);
  r.body.set_hlc(Hlc(tick));
  r.body.set_entry_id(kEntryId);
  for (const auto& [d, s] : seen) (*r.body.mutable_seen())[HexEncode(d)] = s;
  return r;
}

Rec Delete(const std::string& device, uint64_t seq, uint64_t tick, const Seen& seen) {
  return Tombstone(RecordBody::DELETE, device, seq, tick, seen);
}

Rec Restore(const std::string& device, uint64_t seq, uint64_t tick, const Seen& seen) {
  return Tombstone(RecordBody::RESTORE, device, seq, tick, seen);
}

EntryState Fold(const std::vector<Rec>& records) {
  EntryState state;
  for (const Rec& r : records) ApplyRecord(&state, r.body, r.device, r.seq);
  return state;
}

EntryState FoldInOrder(const std::vector<Rec>& records, const std::vector<size_t>& order) {
  EntryState state;
  for (size_t i : order) ApplyRecord(&state, records[i].body, records[i].device, records[i].seq);
  return state;
}

// Everything a person sees of the entry, as one comparable string.
std::string View(const EntryState& state) {
  return EntryToJson(StateToEntry(state)).dump() + (IsDeleted(state) ? " deleted" : " live");
}

nlohmann::json FieldsOf(const EntryState& state) { return StateToEntry(state).fields; }

TEST(MergeTest, CreateGivesTheEntry) {
  EntryState state = Fold({Create(kDeviceA, 1, 1, {{"mood", 5}}, {"morning"})});
  ASSERT_TRUE(state.has_create());
  Entry e = StateToEntry(state);
  EXPECT_EQ(e.id, kEntryId);
  EXPECT_EQ(e.type, "checkin");
  EXPECT_EQ(e.fields, (nlohmann::json{{"mood", 5}}));
  EXPECT_EQ(e.tags, std::vector<std::string>{"morning"});
  EXPECT_EQ(e.at_us, 1'790'000'000'000'000);
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
  Rec create = Create(kDeviceA, 1, 1, {{"mood", 5}}, {"a"}, 1'000'000);
  Rec new_time = Edit(kDeviceB, 1, 10, {});
  new_time.body.set_has_at(true);
  new_time.body.set_at_us(2'000'000);
  Rec new_tags = Edit(kDeviceC, 1, 10, {});
  new_tags.body.set_has_tags(true);
  new_tags.body.add_tags("b");
  new_tags.body.add_tags("c");
  Rec older_tags = Edit(kDeviceA, 2, 5, {});
  older_tags.body.set_has_tags(true);  // cleared every tag, but earlier
  for (const auto& order : {std::vector<Rec>{create, new_time, new_tags, older_tags},
                            {older_tags, new_tags, new_time, create}}) {
    Entry e = StateToEntry(Fold(order));
    EXPECT_EQ(e.at_us, 2'000'000);
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
