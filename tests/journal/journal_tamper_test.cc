// What someone who can write the disk, or a compromised device of the
// vault, can do to the journal: move view rows under other keys, roll a row
// back to an older version of itself, seal records with JSON nested too
// deep to show. None of it may be shown as an entry's content, crash a
// read, or go unreported by Verify (`haven doctor`).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "server/journal/merge.h"
#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

using nlohmann::json;
using testing::At;

bool Contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& line : lines) {
    if (line.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

class JournalTamperTest : public testing::JournalTestBase {
 protected:
  std::string Row(const std::string& entry_id) {
    auto row = store_->Get(Family::kView, Keys()->ViewKeyFor(entry_id));
    EXPECT_TRUE(row.ok() && row->has_value());
    return row.ok() && row->has_value() ? **row : std::string();
  }

  void PutRow(const std::string& entry_id, const std::string& sealed) {
    ASSERT_TRUE(store_->Put(Family::kView, Keys()->ViewKeyFor(entry_id), sealed, true).ok());
  }

  std::vector<std::string> Problems() {
    size_t records = 0, entries = 0;
    return journal_->Verify(&records, &entries);
  }

  // Seals `body` as the next record of another device and stores it as a
  // pull does; returns how many records the pull rejected.
  uint64_t PullFrom(const std::string& device, const v1::RecordBody& body) {
    RecordHeader header;
    header.version = kRecordFormatV1;  // a device not enrolled yet: no membership needed
    header.vault_id = identity_.vault_id;
    header.device_id = device;
    header.seq = log_->Head(device) + 1;
    Journal::OpenedBatch opened =
        journal_->OpenPulled({SealRecord(Keys()->record_key(), header, body.SerializeAsString())});
    const uint64_t rejected = opened.rejected;
    EXPECT_TRUE(journal_->StorePulled(std::move(opened), true).ok());
    return rejected;
  }

  static v1::RecordBody Checkin(const std::string& id, const std::string& mood_json) {
    v1::RecordBody body;
    body.set_kind(v1::RecordBody::CREATE);
    body.set_hlc(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count())
                 << 16);
    body.set_entry_id(id);
    body.set_type("checkin");
    body.set_type_version(1);
    body.set_has_at(true);
    body.set_at_us(At(5));
    (*body.mutable_set_fields())["mood"] = mood_json;
    return body;
  }

  const std::string laptop_ = RandomBytes(kDeviceIdBytes);
  const std::string phone_ = RandomBytes(kDeviceIdBytes);
};

TEST_F(JournalTamperTest, SwappedRowsAreNeverShownAsAnotherEntrysAndDoctorRebuildsThem) {
  Entry a = MustLog("checkin", {{"mood", 1}, {"note", "alpha"}}, At(1));
  Entry b = MustLog("checkin", {{"mood", 2}, {"note", "beta"}}, At(2));
  Entry c = MustLog("checkin", {{"mood", 3}, {"note", "gamma"}}, At(3));
  const std::string row_a = Row(a.id), row_b = Row(b.id);
  CloseAll();
  OpenStore();
  PutRow(a.id, row_b);
  PutRow(b.id, row_a);
  OpenJournal();  // unlocks: the two rows are skipped, not used

  EXPECT_EQ(journal_->Get(a.id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(journal_->Get(b.id).status().code(), absl::StatusCode::kNotFound);
  std::vector<std::string> listed = Dump();
  ASSERT_EQ(listed.size(), 1u) << Joined(listed);
  EXPECT_EQ(json::parse(listed[0])["fields"]["note"], "gamma");

  std::vector<std::string> problems = Problems();
  EXPECT_TRUE(Contains(problems, "does not open under its key")) << Joined(problems);
  EXPECT_TRUE(Contains(problems, "entry " + a.id + " has no readable view row"))
      << Joined(problems);
  EXPECT_TRUE(Contains(problems, "rebuilt from them at the next unlock")) << Joined(problems);

  CloseAll();
  OpenAll();
  EXPECT_EQ(journal_->Get(a.id)->fields["note"], "alpha");
  EXPECT_EQ(journal_->Get(b.id)->fields["note"], "beta");
  EXPECT_EQ(journal_->Get(c.id)->fields["note"], "gamma");
  EXPECT_TRUE(Problems().empty()) << Joined(Problems());
}

TEST_F(JournalTamperTest, ARowWhoseEntryIdDoesNotHashToItsKeyIsCorrupt) {
  Entry a = MustLog("checkin", {{"mood", 1}}, At(1));
  // Sealed properly for a's key, but holding another entry's state: only a
  // bug could write this, and it must still never be used.
  v1::EntryState other;
  other.set_entry_id("0123456789abcdef01234567");
  other.set_has_create(true);
  other.set_type("checkin");
  const std::string key = Keys()->ViewKeyFor(a.id);
  PutRow(a.id, SealBlob(Keys()->view_key(), other.SerializeAsString(), ViewRowAd(key)));
  EXPECT_EQ(journal_->Get(a.id).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(Problems(), "under another entry's key"));
}

TEST_F(JournalTamperTest, ARowRolledBackToAnOlderVersionIsReportedStaleAndRebuilt) {
  Entry a = MustLog("checkin", {{"mood", 1}, {"note", "first"}}, At(1));
  MustLog("checkin", {{"mood", 2}}, At(2));
  const std::string old_row = Row(a.id);
  EditInput edit;
  edit.id = a.id;
  edit.fields_json = {{"note", "second"}};
  ASSERT_TRUE(journal_->Edit(edit).ok());
  ASSERT_TRUE(Problems().empty()) << Joined(Problems());
  CloseAll();
  OpenStore();
  PutRow(a.id, old_row);
  OpenJournal();

  // A valid older seal cannot be told from the current one by opening it...
  EXPECT_EQ(journal_->Get(a.id)->fields["note"], "first");
  // ...but it misses a record of its entry.
  std::vector<std::string> problems = Problems();
  EXPECT_TRUE(Contains(problems, "the row of entry " + a.id +
                                     " is stale: it holds 1 of the "
                                     "entry's 2 records"))
      << Joined(problems);

  CloseAll();
  OpenAll();
  EXPECT_EQ(journal_->Get(a.id)->fields["note"], "second");
  EXPECT_TRUE(Problems().empty()) << Joined(Problems());
}

TEST_F(JournalTamperTest, AViewOfTheFirstFormatIsRebuiltFromTheRecords) {
  Entry a = MustLog("checkin", {{"mood", 1}, {"note", "alpha"}}, At(1));
  Entry b = MustLog("checkin", {{"mood", 2}, {"note", "beta"}}, At(2));
  ASSERT_TRUE(journal_->Remove(b.id).ok());
  // Rewrite the view as a daemon of view format 1 left it: rows sealed with
  // the constant associated data, no format marker.
  for (const Entry& e : {a, b}) {
    auto plain = OpenBlob(Keys()->view_key(), Row(e.id), ViewRowAd(Keys()->ViewKeyFor(e.id)));
    ASSERT_TRUE(plain.ok());
    PutRow(e.id, SealBlob(Keys()->view_key(), *plain, "haven-view-v1"));
  }
  DeleteKey(Family::kMeta, kViewFormatKey);
  CloseAll();
  OpenAll();
  EXPECT_EQ(journal_->Get(a.id)->fields["note"], "alpha");
  EXPECT_TRUE(journal_->Get(b.id)->deleted);
  EXPECT_EQ(journal_->live_entries(), 1u);
  EXPECT_TRUE(OpenBlob(Keys()->view_key(), Row(a.id), ViewRowAd(Keys()->ViewKeyFor(a.id))).ok())
      << "the row was not resealed in the new format";
  EXPECT_TRUE(Problems().empty()) << Joined(Problems());
}

TEST_F(JournalTamperTest, APulledRecordWithJsonNestedTooDeepIsRejected) {
  Entry mine = MustLog("checkin", {{"mood", 5}}, At(1));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(PullFrom(laptop_, Checkin("0123456789abcdef01234567", deep)), 1u);
  EXPECT_EQ(log_->Head(laptop_), 0u) << "the laptop's head stays before the rejected record";
  // Sixteen levels are stored and shown (not a valid mood, which a pull
  // does not check: another device's plugin may differ).
  const std::string at_limit = std::string(16, '[') + std::string(16, ']');
  EXPECT_EQ(PullFrom(phone_, Checkin("89abcdef0123456789abcdef", at_limit)), 0u);
  EXPECT_EQ(log_->Head(phone_), 1u);
  std::vector<std::string> listed = Dump();
  ASSERT_EQ(listed.size(), 2u) << Joined(listed);
  EXPECT_EQ(journal_->Get("89abcdef0123456789abcdef")->fields["mood"].dump(), at_limit);
  EXPECT_TRUE(Problems().empty()) << Joined(Problems());

  v1::RecordBody body = Checkin("fedcba9876543210fedcba98", "3");
  body.set_derived_json("{\"x\":" + std::string(17, '[') + std::string(17, ']') + "}");
  EXPECT_FALSE(CheckRecordJson(body).ok());
  EXPECT_EQ(CheckRecordJson(Checkin("fedcba9876543210fedcba98", at_limit)), absl::OkStatus());
  EXPECT_EQ(CheckRecordJson(Checkin("fedcba9876543210fedcba98", deep)).message(),
            "field \"mood\": nested deeper than 16 levels");
}

}  // namespace
}  // namespace haven
