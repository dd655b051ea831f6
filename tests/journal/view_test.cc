// The View on its own over a real store: folding records into sealed rows
// in a batch, publishing only what was written, orphans, catching up with
// the record log, upgrading the format and rows bound to their keys.
#include "server/journal/view.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/journal/merge.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

const std::string kVault(16, 'v');
const std::string kDeviceA(16, '\xa1');
const std::string kDeviceB(16, '\xb2');
const std::string kEntry = "0123456789abcdef01234567";
const std::string kOther = "fedcba9876543210fedcba98";

v1::RecordBody Create(const std::string& id, int mood, uint64_t hlc) {
  v1::RecordBody body;
  body.set_kind(v1::RecordBody::CREATE);
  body.set_entry_id(id);
  body.set_type("checkin");
  body.set_type_version(1);
  body.set_has_at(true);
  body.set_at_us(int64_t{1795132800} * 1000000);
  (*body.mutable_set_fields())["mood"] = std::to_string(mood);
  body.set_hlc(hlc);
  return body;
}

v1::RecordBody Edit(const std::string& id, int mood, uint64_t hlc) {
  v1::RecordBody body;
  body.set_kind(v1::RecordBody::EDIT);
  body.set_entry_id(id);
  (*body.mutable_set_fields())["mood"] = std::to_string(mood);
  body.set_hlc(hlc);
  return body;
}

// A DEFINE_TYPES record for the built-in check-in's manifest renamed `id`.
v1::RecordBody DefineType(const std::string& id, uint64_t hlc) {
  std::ifstream in(std::string(HAVEN_BUILTIN_MANIFEST_DIR) + "/checkin.json");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json manifest = nlohmann::json::parse(text.str());
  manifest["types"][0]["id"] = id;
  v1::RecordBody body;
  body.set_kind(v1::RecordBody::DEFINE_TYPES);
  body.set_entry_id(std::string(kTypeEntryPrefix) + id);
  (*body.mutable_set_fields())["manifest"] = nlohmann::json(manifest.dump()).dump();
  body.set_hlc(hlc);
  return body;
}

class ViewTest : public ::testing::Test {
 protected:
  ViewTest()
      : keys_(GenerateVaultKey()),
        types_(TypeRegistry::Create(RegistryOptions{{}, {HAVEN_BUILTIN_MANIFEST_DIR}})) {
    Open();
  }

  void Open() {
    view_.reset();
    log_.reset();
    store_.reset();
    absl::Status opened = testing::OpenStoreAndLog(dir_.Join("db"), &store_, &log_);
    ASSERT_TRUE(opened.ok()) << opened;
    view_ = std::make_unique<View>(store_.get(), &keys_, types_.get(), &clock_);
    ASSERT_TRUE(view_->Upgrade().ok());
    ASSERT_TRUE(view_->Load().ok());
  }

  // `device`'s next records, sealed, staged in the log's batch.
  RecordLog::Append Stage(const std::string& device, const std::vector<v1::RecordBody>& bodies) {
    std::vector<IncomingRecord> records;
    for (const auto& body : bodies) {
      RecordHeader header{kRecordFormatVersion, kVault, device,
                          log_->Head(device) + records.size() + 1};
      records.push_back({header, SealRecord(keys_.record_key(), header, body.SerializeAsString())});
    }
    return log_->Stage(std::move(records));
  }

  static std::vector<FoldItem> Items(const RecordLog::Append& append,
                                     const std::vector<v1::RecordBody>& bodies) {
    std::vector<FoldItem> items;
    for (size_t i = 0; i < bodies.size(); ++i) {
      items.push_back({&append.records[i].header, &bodies[i]});
    }
    return items;
  }

  // The whole write as the journal runs it: stage, fold, commit, publish.
  void Write(const std::string& device, const std::vector<v1::RecordBody>& bodies) {
    RecordLog::Append append = Stage(device, bodies);
    std::vector<FoldItem> items = Items(append, bodies);
    PendingStates pending;
    ASSERT_TRUE(view_->Fold(items, &append.batch, &pending).ok());
    ASSERT_TRUE(log_->Commit(&append, /*sync=*/false).ok());
    view_->Publish(items, pending);
  }

  std::vector<std::string> RowKeys() {
    std::vector<std::string> keys;
    Cursor it = store_->NewCursor(Family::kView);
    for (it.SeekToFirst(); it.Valid(); it.Next()) keys.emplace_back(it.key());
    return keys;
  }

  testing::TempDir dir_;
  VaultKeys keys_;
  std::unique_ptr<TypeRegistry> types_;
  HybridClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  std::unique_ptr<View> view_;
};

TEST_F(ViewTest, AFoldedBatchIsInvisibleUntilPublishedAfterItsWrite) {
  std::vector<v1::RecordBody> bodies = {DefineType("viewtest", 10), Create(kEntry, 3, 11)};
  RecordLog::Append append = Stage(kDeviceB, bodies);
  std::vector<FoldItem> items = Items(append, bodies);
  PendingStates pending;
  ASSERT_TRUE(view_->Fold(items, &append.batch, &pending).ok());
  EXPECT_EQ(pending.size(), 2u);
  // Folded, not durable: no type adopted, nothing indexed, no marker moved.
  EXPECT_EQ(types_->Find("viewtest"), nullptr);
  EXPECT_FALSE(view_->Contains(kEntry));
  EXPECT_TRUE(view_->applied().empty());
  EXPECT_TRUE(RowKeys().empty());

  ASSERT_TRUE(log_->Commit(&append, /*sync=*/true).ok());
  view_->Publish(items, pending);
  EXPECT_NE(types_->Find("viewtest"), nullptr);
  EXPECT_TRUE(view_->Contains(kEntry));
  EXPECT_EQ(view_->applied(), (VersionVector{{kDeviceB, 2}}));
  EXPECT_EQ(RowKeys().size(), 2u);
}

TEST_F(ViewTest, ABatchThatIsNeverWrittenLeavesNoTrace) {
  std::vector<v1::RecordBody> bodies = {DefineType("viewtest_lost", 10)};
  RecordLog::Append append = Stage(kDeviceB, bodies);
  PendingStates pending;
  ASSERT_TRUE(view_->Fold(Items(append, bodies), &append.batch, &pending).ok());
  // The write failed (a full disk): nobody publishes; a reopened view and
  // the registry know nothing of the type.
  Open();
  EXPECT_EQ(types_->Find("viewtest_lost"), nullptr);
  EXPECT_TRUE(RowKeys().empty());
  EXPECT_TRUE(view_->applied().empty());
}

TEST_F(ViewTest, AnEditBeforeItsCreateWaitsAsAnOrphanAndMergesWithIt) {
  Write(kDeviceB, {Edit(kEntry, 7, 20)});
  EXPECT_FALSE(view_->Contains(kEntry)) << "no CREATE yet: not an entry";
  EXPECT_EQ(RowKeys().size(), 1u) << "but its row is kept";
  Write(kDeviceA, {Create(kEntry, 3, 10)});
  EXPECT_TRUE(view_->Contains(kEntry));
  auto state = view_->LoadState(kEntry);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->records_size(), 2);
  EXPECT_EQ(StateToEntry(*state).fields["mood"], 7) << "the later edit wins";
}

TEST_F(ViewTest, CatchUpFoldsWhatTheLogHoldsBeyondTheMarkers) {
  Write(kDeviceA, {Create(kEntry, 3, 10)});
  // Records stored without the view (sync while locked, or a crash).
  RecordLog::Append append = Stage(kDeviceB, {Edit(kEntry, 5, 20), Create(kOther, 1, 21)});
  ASSERT_TRUE(log_->Commit(&append, /*sync=*/true).ok());
  Open();
  EXPECT_EQ(view_->applied(), (VersionVector{{kDeviceA, 1}}));
  ASSERT_TRUE(view_->CatchUp(*log_).ok());
  EXPECT_EQ(view_->applied(), (VersionVector{{kDeviceA, 1}, {kDeviceB, 2}}));
  EXPECT_EQ(StateToEntry(*view_->LoadState(kEntry)).fields["mood"], 5);
  EXPECT_TRUE(view_->Contains(kOther));
  Open();
  EXPECT_EQ(view_->applied(), (VersionVector{{kDeviceA, 1}, {kDeviceB, 2}})) << "markers stored";
  EXPECT_EQ(view_->live_entries(), 2u);
}

TEST_F(ViewTest, AViewOfAnotherFormatIsDroppedAndRefoldedFromTheLog) {
  Write(kDeviceA, {Create(kEntry, 3, 10)});
  ASSERT_TRUE(view_->MarkForRebuild().ok());
  Open();  // Upgrade drops every row and marker
  EXPECT_TRUE(RowKeys().empty());
  EXPECT_TRUE(view_->applied().empty());
  ASSERT_TRUE(view_->CatchUp(*log_).ok());
  EXPECT_EQ(StateToEntry(*view_->LoadState(kEntry)).fields["mood"], 3);
}

TEST_F(ViewTest, ARowOpensOnlyUnderItsOwnKey) {
  v1::EntryState state;
  ApplyRecord(&state, Create(kEntry, 3, 10), kDeviceA, 1);
  auto [key, sealed] = view_->SealRow(state);
  std::string plain;
  v1::EntryState opened;
  EXPECT_TRUE(view_->OpenRow(key, sealed, &plain, &opened, View::RowCheck::kSeal).ok());
  EXPECT_EQ(opened.entry_id(), kEntry);
  const std::string other_key = keys_.ViewKeyFor("another entry");
  EXPECT_EQ(view_->OpenRow(other_key, sealed, &plain, &opened, View::RowCheck::kSeal).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace haven
