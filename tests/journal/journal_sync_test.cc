// The journal and the outside world: records another device sealed arrive
// through the record log (as sync delivers them, even while locked) and
// nothing a person wrote ever reaches the disk in the clear.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "server/journal/hlc.h"
#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

using nlohmann::json;
using testing::At;

uint64_t NowHlc(std::chrono::milliseconds offset = std::chrono::milliseconds(0)) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch() + offset)
                .count();
  return static_cast<uint64_t>(ms) << 16;
}

class JournalSyncTest : public testing::JournalTestBase {
 protected:
  // What sync does with records pulled from a hub: accept them into the
  // log (no key needed), durably, without touching the view.
  void DeliverFromLaptop(const v1::RecordBody& body) {
    IncomingRecord r;
    // Format 1: a device not enrolled yet (a vault from before device keys)
    // needs no membership of its own for its records to count.
    r.header.version = kRecordFormatV1;
    r.header.vault_id = identity_.vault_id;
    r.header.device_id = laptop_;
    r.header.seq = log_->Head(laptop_) + 1;
    r.sealed = SealRecord(Keys()->record_key(), r.header, body.SerializeAsString());
    RecordLog::Append append = log_->Stage(log_->Accept({r}));
    ASSERT_EQ(append.records.size(), 1u);
    ASSERT_TRUE(log_->Commit(&append, true).ok());
  }

  std::map<std::string, uint64_t> SeenAll() const {
    std::map<std::string, uint64_t> seen;
    for (const auto& [device, head] : log_->Heads()) seen[HexEncode(device)] = head;
    return seen;
  }

  const std::string laptop_ = RandomBytes(kDeviceIdBytes);
};

TEST_F(JournalSyncTest, RecordsDeliveredWhileLockedAppearAfterOpen) {
  Entry mine = MustLog("checkin", {{"mood", 5}, {"resilience", 4}}, At(1));
  journal_.reset();  // locked: sync still moves ciphertext

  v1::RecordBody create;
  create.set_kind(v1::RecordBody::CREATE);
  create.set_hlc(NowHlc());
  create.set_entry_id("fedcba9876543210fedcba98");
  create.set_type("checkin");
  create.set_type_version(1);
  create.set_has_at(true);
  create.set_at_us(At(5));
  create.set_has_tags(true);
  create.add_tags("laptop");
  (*create.mutable_set_fields())["mood"] = "3";
  DeliverFromLaptop(create);

  // The laptop's clock runs an hour ahead.
  v1::RecordBody edit;
  edit.set_kind(v1::RecordBody::EDIT);
  edit.set_hlc(NowHlc(std::chrono::hours(1)));
  edit.set_entry_id(mine.id);
  edit.set_type_version(1);
  (*edit.mutable_set_fields())["mood"] = "8";
  (*edit.mutable_set_fields())["note"] = "\"from the laptop\"";
  DeliverFromLaptop(edit);

  OpenJournal();
  ListFilter all;
  auto entries = journal_->List(all, nullptr);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].id, "fedcba9876543210fedcba98");
  EXPECT_EQ((*entries)[0].tags, std::vector<std::string>{"laptop"});
  EXPECT_EQ((*entries)[1].fields,
            (json{{"mood", 8}, {"resilience", 4}, {"note", "from the laptop"}}));
  size_t records = 0, entry_count = 0;
  std::vector<std::string> warnings;  // the laptop's clock (docs/design.md, "Clock drift")
  EXPECT_TRUE(journal_->Verify(&records, &entry_count, &warnings).empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(": 1 record stamped more than 5 min ahead of this clock"),
            std::string::npos)
      << warnings[0];
  EXPECT_EQ(records, 3u);

  // A local edit made after seeing the laptop's future-stamped one wins.
  EditInput local;
  local.id = mine.id;
  local.field_text = {{"mood", "9"}};
  auto edited = journal_->Edit(local);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->fields["mood"], 9);
  EXPECT_EQ(journal_->Get(mine.id)->fields["mood"], 9);
  auto history = journal_->History(mine.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[1]["device"], HexEncode(laptop_));
}

TEST_F(JournalSyncTest, CatchUpWhileUnlockedAppliesNewRecords) {
  Entry mine = MustLog("checkin", {{"mood", 5}}, At(1));
  v1::RecordBody del;
  del.set_kind(v1::RecordBody::DELETE);
  del.set_hlc(NowHlc(std::chrono::seconds(1)));
  del.set_entry_id(mine.id);
  auto seen = SeenAll();
  del.mutable_seen()->insert(seen.begin(), seen.end());
  DeliverFromLaptop(del);
  EXPECT_FALSE(journal_->Get(mine.id)->deleted) << "not applied before CatchUp";

  ASSERT_TRUE(journal_->CatchUp().ok());
  EXPECT_TRUE(journal_->Get(mine.id)->deleted);
  EXPECT_TRUE(journal_->List({}, nullptr)->empty());
  ASSERT_TRUE(journal_->CatchUp().ok()) << "idempotent";
  EXPECT_EQ(journal_->live_entries(), 0u);
  size_t records = 0, entries = 0;
  EXPECT_TRUE(journal_->Verify(&records, &entries).empty());
}

TEST_F(JournalSyncTest, ConcurrentEditSurvivesADeleteThatDidNotSeeIt) {
  Entry mine = MustLog("checkin", {{"mood", 5}}, At(1));
  uint64_t before_delete = NowHlc();
  // This device deletes the entry, having seen only its own create...
  ASSERT_TRUE(journal_->Remove(mine.id)->deleted);
  // ...while the laptop, not having seen the delete, edited it.
  v1::RecordBody edit;
  edit.set_kind(v1::RecordBody::EDIT);
  edit.set_hlc(before_delete);
  edit.set_entry_id(mine.id);
  edit.set_type_version(1);
  (*edit.mutable_set_fields())["note"] = "\"still here\"";
  DeliverFromLaptop(edit);
  ASSERT_TRUE(journal_->CatchUp().ok());
  auto entry = journal_->Get(mine.id);
  ASSERT_TRUE(entry.ok());
  EXPECT_FALSE(entry->deleted) << "edits are never silently lost";
  EXPECT_EQ(entry->fields["note"], "still here");
  EXPECT_EQ(journal_->live_entries(), 1u);
}

v1::RecordBody CheckinCreate(const std::string& id, int mood, uint64_t hlc) {
  v1::RecordBody create;
  create.set_kind(v1::RecordBody::CREATE);
  create.set_hlc(hlc);
  create.set_entry_id(id);
  create.set_type("checkin");
  create.set_type_version(1);
  create.set_has_at(true);
  create.set_at_us(At(7));
  (*create.mutable_set_fields())["mood"] = std::to_string(mood);
  return create;
}

v1::RecordBody NoteEdit(const std::string& id, const std::string& note, uint64_t hlc) {
  v1::RecordBody edit;
  edit.set_kind(v1::RecordBody::EDIT);
  edit.set_hlc(hlc);
  edit.set_entry_id(id);
  edit.set_type_version(1);
  (*edit.mutable_set_fields())["note"] = json(note).dump();
  return edit;
}

class JournalPullTest : public JournalSyncTest {
 protected:
  // Seals `bodies` as `device`'s next records, in order.
  std::vector<std::string> Sealed(const std::string& device,
                                  const std::vector<v1::RecordBody>& bodies) {
    std::vector<std::string> sealed;
    for (const auto& body : bodies) {
      RecordHeader header;
      header.version = kRecordFormatV1;  // a device not enrolled yet (see DeliverFromLaptop)
      header.vault_id = identity_.vault_id;
      header.device_id = device;
      header.seq = ++sent_[device];
      sealed.push_back(SealRecord(Keys()->record_key(), header, body.SerializeAsString()));
    }
    return sealed;
  }

  // One pulled batch, opened and stored as a sync stores it.
  size_t Pull(std::vector<std::string> sealed) {
    auto stored = journal_->StorePulled(journal_->OpenPulled(std::move(sealed)), true);
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? *stored : 0;
  }

  void ExpectWhole() {
    size_t records = 0, entries = 0;
    std::vector<std::string> problems = journal_->Verify(&records, &entries);
    EXPECT_TRUE(problems.empty()) << problems.front();
  }

  std::map<std::string, uint64_t> sent_;
  const std::string phone_ = RandomBytes(kDeviceIdBytes);
};

// A pulled CREATE comes with its view row made while the batch was opened;
// a later record for the same entry in the same batch must still count.
TEST_F(JournalPullTest, ACreateAndItsEditInOneBatchShowTheEdit) {
  const std::string edited = "0123456789abcdef01234567";
  const std::string plain = "89abcdef0123456789abcdef";
  ASSERT_EQ(
      Pull(Sealed(laptop_, {CheckinCreate(edited, 4, NowHlc()), CheckinCreate(plain, 6, NowHlc()),
                            NoteEdit(edited, "breathed first", NowHlc())})),
      3u);
  EXPECT_EQ(journal_->Get(edited)->fields, (json{{"mood", 4}, {"note", "breathed first"}}));
  EXPECT_EQ(journal_->Get(plain)->fields, (json{{"mood", 6}}));
  EXPECT_EQ(journal_->live_entries(), 2u);
  ExpectWhole();

  CloseAll();
  OpenAll();
  EXPECT_EQ(journal_->Get(edited)->fields["note"], "breathed first") << "the row on disk";
}

// An edit that arrived before its entry's CREATE (another device's record,
// pulled first) is merged with it, not replaced by the CREATE's ready row.
TEST_F(JournalPullTest, ACreateForAnEntryAlreadyEditedKeepsTheEdit) {
  const std::string id = "fedcba9876543210fedcba98";
  const uint64_t created = NowHlc();
  ASSERT_EQ(Pull(Sealed(laptop_, {NoteEdit(id, "written on the laptop", created + 1)})), 1u);
  EXPECT_EQ(journal_->live_entries(), 0u) << "an edit alone is not an entry yet";
  ASSERT_EQ(Pull(Sealed(phone_, {CheckinCreate(id, 3, created)})), 1u);
  auto entry = journal_->Get(id);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->fields, (json{{"mood", 3}, {"note", "written on the laptop"}}));
  EXPECT_EQ(journal_->live_entries(), 1u);
  ExpectWhole();

  // The same records again change nothing.
  sent_.clear();
  EXPECT_EQ(Pull(Sealed(phone_, {CheckinCreate(id, 3, created)})), 0u);
  EXPECT_EQ(journal_->Get(id)->fields["note"], "written on the laptop");
}

// Every byte under the store directory, concatenated file by file.
std::vector<std::pair<std::string, std::string>> ReadAllFiles(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    files.emplace_back(f.path().string(), std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return files;
}

TEST_F(JournalSyncTest, NoPlaintextReachesTheDisk) {
  const std::string note_marker = "Zq7-I-was-kind-to-myself-marker";
  const std::string letter_marker = "Dear-me-Kx9-you-are-doing-enough";
  const std::string tag_marker = "tagmarkerW3p";
  const std::string edit_marker = "edited-marker-Vb2-still-kind";
  Entry checkin = MustLog("checkin", {{"mood", 4}, {"note", note_marker}}, At(1), {tag_marker});
  Entry letter = MustLog("letter", {{"issue", "work"}, {"letter", letter_marker}}, At(2));
  // Type ids are secret too ("checkin" is a substring of RocksDB option
  // names, so the distinctive "self-talk" stands for them).
  MustLog(
      "self-talk",
      {{"critical_thought", "t"}, {"belief_before", 80}, {"reframe", "r"}, {"belief_after", 40}},
      At(3));
  EditInput edit;
  edit.id = checkin.id;
  edit.field_text = {{"note", edit_marker}};
  ASSERT_TRUE(journal_->Edit(edit).ok());
  ASSERT_TRUE(journal_->Remove(letter.id).ok());

  auto check = [&](const char* when) {
    auto files = ReadAllFiles(dir_.Join("db"));
    ASSERT_FALSE(files.empty());
    size_t bytes = 0;
    for (const auto& [path, content] : files) {
      bytes += content.size();
      for (const std::string& secret :
           {note_marker, letter_marker, tag_marker, edit_marker, checkin.id, letter.id,
            *HexDecode(checkin.id), *HexDecode(letter.id), std::string("self-talk")}) {
        EXPECT_EQ(content.find(secret), std::string::npos)
            << when << ": \"" << secret << "\" found in " << path;
      }
    }
    EXPECT_GT(bytes, 4 * kRecordOverheadBytes) << when;
  };
  check("while open");
  CloseAll();
  check("after close");
}

}  // namespace
}  // namespace haven
