// The Journal over a real store: writes, reads, edits, deletes, history
// and reopening. Import is in journal_import_test.cc, verification in
// journal_doctor_test.cc, synced records in journal_sync_test.cc.
#include "server/journal/journal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

using absl::StatusCode;
using nlohmann::json;
using testing::At;

class JournalTest : public testing::JournalTestBase {};

TEST_F(JournalTest, LogThenGet) {
  LogInput in;
  in.type = "checkin";
  in.field_text = {{"mood", "7"}};
  in.fields_json = {{"note", "a calm morning"}};
  in.at_us = At(8) + 123456;  // entry times are whole seconds
  in.tags = {"morning", " calm ", "morning"};
  auto logged = journal_->Log(in);
  ASSERT_TRUE(logged.ok()) << logged.status();
  EXPECT_EQ(logged->id.size(), 24u);
  EXPECT_EQ(logged->type, "checkin");
  EXPECT_EQ(logged->at_us, At(8));
  EXPECT_EQ(logged->fields, (json{{"mood", 7}, {"note", "a calm morning"}}));
  EXPECT_EQ(logged->tags, (std::vector<std::string>{"calm", "morning"}));
  EXPECT_FALSE(logged->deleted);
  EXPECT_EQ(LocalHead(), 1u);

  auto got = journal_->Get(logged->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(EntryToJson(*got), EntryToJson(*logged));
  auto by_prefix = journal_->Get(logged->id.substr(0, 6));
  ASSERT_TRUE(by_prefix.ok()) << by_prefix.status();
  EXPECT_EQ(by_prefix->id, logged->id);
  EXPECT_EQ(journal_->live_entries(), 1u);
}

TEST_F(JournalTest, InvalidInputWritesNothing) {
  struct Case {
    const char* name;
    LogInput in;
  };
  auto input = [](std::string type, json fields, std::vector<std::string> tags = {}) {
    LogInput in;
    in.type = std::move(type);
    in.fields_json = std::move(fields);
    in.tags = std::move(tags);
    in.at_us = At(1);
    return in;
  };
  LogInput bad_text = input("checkin", json::object());
  bad_text.field_text = {{"mood", "very good"}};
  const Case cases[] = {
      {"unknown type", input("gratitude", {{"mood", 5}})},
      {"missing required", input("checkin", {{"note", "x"}})},
      {"out of range", input("checkin", {{"mood", 11}})},
      {"unknown field", input("checkin", {{"mood", 5}, {"colour", "blue"}})},
      {"wrong kind", input("checkin", {{"mood", "five"}})},
      {"bad tag", input("checkin", {{"mood", 5}}, {"two words"})},
      {"fields not an object", input("checkin", json::array({1, 2}))},
      {"unparsable text", bad_text},
  };
  for (const Case& c : cases) {
    auto logged = journal_->Log(c.in);
    EXPECT_EQ(logged.status().code(), StatusCode::kInvalidArgument) << c.name;
  }
  EXPECT_EQ(LocalHead(), 0u);
  EXPECT_TRUE(Dump().empty());
}

TEST_F(JournalTest, OversizedEntryIsRefusedAndWritesNothing) {
  LogInput in;
  in.type = "letter";
  in.fields_json = {{"issue", "too much"}, {"letter", std::string(300 * 1024, 'w')}};
  in.at_us = At(1);
  absl::Status status = absl::UnknownError("Log threw");
  try {
    status = journal_->Log(in).status();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "Log threw " << e.what();
  }
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(LocalHead(), 0u) << "an unopenable record was written to the log";
  EXPECT_TRUE(Dump().empty());
  // The journal still works afterwards.
  MustLog("checkin", {{"mood", 5}}, At(2));
  EXPECT_EQ(LocalHead(), 1u);
}

// Stats reads the whole history on several threads, by a pass over the
// view when most entries match and through the index when few do; both
// must give exactly what List gives.
TEST_F(JournalTest, ParallelScanFindsExactlyWhatListFinds) {
  std::vector<Entry> logged;
  for (int i = 0; i < 40; ++i) {
    logged.push_back(MustLog(
        i % 10 == 0 ? "mindfulness" : "checkin",
        i % 10 == 0 ? nlohmann::json{{"minutes", 5 + i}} : nlohmann::json{{"mood", i % 11}},
        At(i + 1), i % 3 == 0 ? std::vector<std::string>{"morning"} : std::vector<std::string>{}));
  }
  ASSERT_TRUE(journal_->Remove(logged[7].id).ok());
  ASSERT_TRUE(journal_->Remove(logged[20].id).ok());
  auto scanned = [&](const ListFilter& f) {
    std::mutex mu;
    std::vector<std::string> ids;
    absl::Status s = journal_->ScanParallel(f, 3, [&](int worker, const v1::EntryState& state) {
      EXPECT_GE(worker, 0);
      EXPECT_LT(worker, 3);
      std::lock_guard<std::mutex> lock(mu);
      ids.push_back(state.entry_id());
    });
    EXPECT_TRUE(s.ok()) << s;
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  auto listed = [&](const ListFilter& f) {
    std::vector<std::string> ids = ListIds(f);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  ListFilter all, few, tagged, window, with_deleted;
  few.type = "mindfulness";  // 3 of 38 live: read through the index
  tagged.tags = {"morning"};
  window.since_us = At(5);
  window.until_us = At(30);
  with_deleted.include_deleted = true;
  for (const ListFilter& f : {all, few, tagged, window, with_deleted}) {
    EXPECT_EQ(scanned(f), listed(f));
  }
  EXPECT_EQ(scanned(all).size(), 38u);
  EXPECT_EQ(scanned(few).size(), 3u);  // entry 20 is deleted
  EXPECT_EQ(scanned(with_deleted).size(), 40u);
}

TEST_F(JournalTest, ListIsNewestFirstWithFilters) {
  Entry e1 = MustLog("checkin", {{"mood", 1}}, At(1), {"home"});
  Entry e2 = MustLog("checkin", {{"mood", 2}}, At(2), {"work", "home"});
  Entry e4 = MustLog("checkin", {{"mood", 4}}, At(4), {"work"});
  Entry e3 = MustLog("mindfulness", {{"minutes", 10}}, At(3), {"home"});
  Entry e5 = MustLog("checkin", {{"mood", 5}}, At(5));

  EXPECT_EQ(ListIds({}), (std::vector<std::string>{e5.id, e4.id, e3.id, e2.id, e1.id}));
  ListFilter by_type;
  by_type.type = "mindfulness";
  EXPECT_EQ(ListIds(by_type), std::vector<std::string>{e3.id});
  ListFilter window;
  window.since_us = At(2);
  window.until_us = At(4);  // exclusive
  EXPECT_EQ(ListIds(window), (std::vector<std::string>{e3.id, e2.id}));
  ListFilter tags;
  tags.tags = {"home"};
  EXPECT_EQ(ListIds(tags), (std::vector<std::string>{e3.id, e2.id, e1.id}));
  tags.tags = {"home", "work"};
  EXPECT_EQ(ListIds(tags), std::vector<std::string>{e2.id});
  ListFilter limited;
  limited.limit = 2;
  EXPECT_EQ(ListIds(limited), (std::vector<std::string>{e5.id, e4.id}));
  ListFilter oldest;
  oldest.oldest_first = true;
  oldest.limit = 2;
  EXPECT_EQ(ListIds(oldest), (std::vector<std::string>{e1.id, e2.id}));
  ListFilter combined;
  combined.type = "checkin";
  combined.tags = {"home"};
  combined.limit = 1;
  EXPECT_EQ(ListIds(combined), std::vector<std::string>{e2.id});

  size_t total = 0;
  auto listed = journal_->List(limited, &total);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  EXPECT_EQ(total, 5u) << "total counts matches before the limit";
}

TEST_F(JournalTest, ListTotalWithTagFilterCountsMatchesBeforeTheLimit) {
  for (int i = 0; i < 3; ++i) MustLog("checkin", {{"mood", i}}, At(i), {"x"});
  MustLog("checkin", {{"mood", 9}}, At(9));
  ListFilter filter;
  filter.tags = {"x"};
  filter.limit = 1;
  size_t total = 0;
  auto listed = journal_->List(filter, &total);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), 1u);
  EXPECT_EQ(total, 3u);
}

TEST_F(JournalTest, PrefixResolution) {
  Entry a = MustLog("checkin", {{"mood", 1}}, At(1), {}, "abcdef000000000000000001");
  Entry b = MustLog("checkin", {{"mood", 2}}, At(2), {}, "abcdef000000000000000002");
  ASSERT_EQ(a.id, "abcdef000000000000000001");
  EXPECT_EQ(journal_->Get("abcdef").status().code(), StatusCode::kInvalidArgument) << "ambiguous";
  EXPECT_EQ(journal_->Get("abcdef00000000000000000").status().code(), StatusCode::kInvalidArgument)
      << "ambiguous";
  EXPECT_EQ(journal_->Get("abcde").status().code(), StatusCode::kInvalidArgument) << "short";
  EXPECT_EQ(journal_->Get("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(journal_->Get("123456").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(journal_->Get("abcdef000000000000000003").status().code(), StatusCode::kNotFound);
  // Something that cannot be an id is simply not found (exit 4), like git.
  EXPECT_EQ(journal_->Get("zzzzzz").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(journal_->Get("abcdef0000000000000000010").status().code(), StatusCode::kNotFound)
      << "too long";
  EXPECT_EQ(journal_->Get("abcdef000000000000000002")->fields["mood"], 2);
  EXPECT_EQ(journal_->Get("ABCDEF000000000000000001")->id, a.id);
  EXPECT_EQ(journal_->Get("abcdef0000000000000000").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(journal_->Get(b.id.substr(0, 23) + "2")->id, b.id);
}

TEST_F(JournalTest, EditWritesOnlyChangedFields) {
  Entry e = MustLog("checkin", {{"mood", 5}, {"resilience", 3}, {"note", "n"}}, At(1), {"t"});
  EditInput edit;
  edit.id = e.id.substr(0, 8);
  edit.field_text = {{"mood", "6"}, {"resilience", "3"}};
  edit.tags = std::vector<std::string>{"t"};
  edit.at_us = At(1);
  auto edited = journal_->Edit(edit);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->fields, (json{{"mood", 6}, {"resilience", 3}, {"note", "n"}}));
  EXPECT_EQ(LocalHead(), 2u);
  auto history = journal_->History(e.id);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1]["kind"], "edit");
  EXPECT_EQ((*history)[1]["changes"], (json{{"mood", 6}}));
  EXPECT_EQ(EntryToJson(*journal_->Get(e.id)), EntryToJson(*edited));
}

TEST_F(JournalTest, EditThatChangesNothingReturnsTheEntryAndWritesNothing) {
  Entry e = MustLog("checkin", {{"mood", 5}}, At(1), {"t"});
  EditInput same;
  same.id = e.id;
  same.field_text = {{"mood", "5"}};
  same.tags = std::vector<std::string>{"t", "t"};
  same.at_us = At(1) + 500;  // the same whole second
  auto result = journal_->Edit(same);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(EntryToJson(*result), EntryToJson(e));
  EXPECT_EQ(LocalHead(), 1u);

  EditInput nothing;
  nothing.id = e.id;
  EXPECT_EQ(journal_->Edit(nothing).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LocalHead(), 1u);
}

TEST_F(JournalTest, EditUnsetsAndValidates) {
  Entry e = MustLog("checkin", {{"mood", 5}, {"note", "n"}}, At(1));
  EditInput unset;
  unset.id = e.id;
  unset.unset_fields = {"note"};
  auto edited = journal_->Edit(unset);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->fields, (json{{"mood", 5}}));
  EXPECT_EQ(LocalHead(), 2u);

  EditInput bad;
  bad.id = e.id;
  bad.unset_fields = {"mood"};  // required
  EXPECT_EQ(journal_->Edit(bad).status().code(), StatusCode::kInvalidArgument);
  bad.unset_fields = {"colour"};
  EXPECT_EQ(journal_->Edit(bad).status().code(), StatusCode::kInvalidArgument);
  bad.unset_fields.clear();
  bad.field_text = {{"mood", "42"}};
  EXPECT_EQ(journal_->Edit(bad).status().code(), StatusCode::kInvalidArgument);
  bad.field_text = {{"colour", "blue"}};
  EXPECT_EQ(journal_->Edit(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LocalHead(), 2u);
  EXPECT_EQ(journal_->Get(e.id)->fields, (json{{"mood", 5}}));

  EditInput missing;
  missing.id = "ffffff";
  missing.field_text = {{"mood", "1"}};
  EXPECT_EQ(journal_->Edit(missing).status().code(), StatusCode::kNotFound);
}

TEST_F(JournalTest, DerivedValuesFollowEdits) {
  Entry e =
      MustLog("break",
              {{"situation", "a hard call"}, {"distress_before", 7}, {"distress_after", 3}}, At(1));
  EXPECT_EQ(e.derived["distress_change"], -4);
  EditInput edit;
  edit.id = e.id;
  edit.field_text = {{"distress_after", "6"}};
  auto edited = journal_->Edit(edit);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->derived["distress_change"], -1);
  EXPECT_EQ(journal_->Get(e.id)->derived["distress_change"], -1);
}

TEST_F(JournalTest, RemoveAndRestore) {
  Entry keep = MustLog("checkin", {{"mood", 5}}, At(1));
  Entry e = MustLog("checkin", {{"mood", 6}}, At(2));
  auto removed = journal_->Remove(e.id.substr(0, 10));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->deleted);
  EXPECT_EQ(LocalHead(), 3u);
  EXPECT_EQ(ListIds({}), std::vector<std::string>{keep.id});
  ListFilter with_deleted;
  with_deleted.include_deleted = true;
  EXPECT_EQ(ListIds(with_deleted), (std::vector<std::string>{e.id, keep.id}));
  EXPECT_EQ(journal_->live_entries(), 1u);
  EXPECT_EQ(journal_->deleted_entries(), 1u);
  EXPECT_TRUE(journal_->Get(e.id)->deleted);

  EXPECT_TRUE(journal_->Remove(e.id)->deleted);
  EXPECT_EQ(LocalHead(), 3u) << "removing a deleted entry writes nothing";

  EditInput edit;
  edit.id = e.id;
  edit.field_text = {{"mood", "1"}};
  EXPECT_EQ(journal_->Edit(edit).status().code(), StatusCode::kFailedPrecondition);

  auto restored = journal_->Restore(e.id);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(restored->deleted);
  EXPECT_EQ(restored->fields["mood"], 6);
  EXPECT_EQ(LocalHead(), 4u);
  EXPECT_EQ(ListIds({}), (std::vector<std::string>{e.id, keep.id}));
  EXPECT_EQ(journal_->live_entries(), 2u);
  EXPECT_FALSE(journal_->Restore(e.id)->deleted);
  EXPECT_EQ(LocalHead(), 4u) << "restoring a live entry writes nothing";
}

TEST_F(JournalTest, HistoryKeepsEveryVersion) {
  Entry e = MustLog("checkin", {{"mood", 5}}, At(1), {"a"});
  EditInput edit;
  edit.id = e.id;
  edit.field_text = {{"mood", "8"}};
  edit.tags = std::vector<std::string>{"b"};
  ASSERT_TRUE(journal_->Edit(edit).ok());
  ASSERT_TRUE(journal_->Remove(e.id).ok());
  ASSERT_TRUE(journal_->Restore(e.id).ok());
  auto history = journal_->History(e.id.substr(0, 6));
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 4u);
  std::vector<std::string> kinds;
  for (const auto& item : *history) {
    kinds.push_back(item["kind"].get<std::string>());
    EXPECT_EQ(item["device"], HexEncode(identity_.device_id));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"create", "edit", "delete", "restore"}));
  EXPECT_EQ((*history)[0]["seq"], 1);
  EXPECT_EQ((*history)[3]["seq"], 4);
  EXPECT_EQ((*history)[0]["changes"]["mood"], 5);
  EXPECT_EQ((*history)[1]["changes"], (json{{"mood", 8}, {"tags", {"b"}}}));
  EXPECT_EQ(journal_->History("ffffff").status().code(), StatusCode::kNotFound);
}

TEST_F(JournalTest, ReopeningRebuildsTheSameEntries) {
  Entry a = MustLog("checkin", {{"mood", 1}}, At(1), {"x"});
  Entry b =
      MustLog("break", {{"situation", "s"}, {"distress_before", 5}, {"distress_after", 2}}, At(2));
  MustLog("mindfulness", {{"minutes", 12.5}}, At(3));
  EditInput edit;
  edit.id = a.id;
  edit.field_text = {{"mood", "2"}};
  ASSERT_TRUE(journal_->Edit(edit).ok());
  ASSERT_TRUE(journal_->Remove(b.id).ok());
  std::vector<std::string> before = Dump();
  ASSERT_EQ(before.size(), 3u);

  journal_.reset();  // lock
  OpenJournal();     // unlock
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(journal_->live_entries(), 2u);
  EXPECT_EQ(journal_->deleted_entries(), 1u);

  CloseAll();  // daemon restart
  OpenAll();
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(journal_->Get(a.id.substr(0, 6))->fields["mood"], 2);

  // Writing continues the sequence, and a new edit wins over older ones.
  edit.field_text = {{"mood", "3"}};
  auto edited = journal_->Edit(edit);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(LocalHead(), 6u);
  EXPECT_EQ(edited->fields["mood"], 3);
  size_t records = 0, entries = 0;
  EXPECT_TRUE(journal_->Verify(&records, &entries).empty());
  EXPECT_EQ(records, 6u);
}

}  // namespace
}  // namespace haven
