// The sync engine (server/sync/sync_engine.h) of two devices against a hub
// in the test's process (tests/hub/in_process_hub.h): what one writes the
// other pulls, and both converge; the same records pulled again change
// nothing; a hub that refuses the login, sends a malformed challenge or
// sends records that do not open gets a clear status and leaves the
// device's log and entries as they were; a locked device pushes but pulls
// only once unlocked; a join with a wrong secret joins nothing.
#include "server/sync/sync_engine.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/secret_key.h"
#include "tests/hub/in_process_hub.h"
#include "tests/sync/device_home.h"
#include "tests/sync/forwarding_hub.h"

namespace haven {
namespace {

using absl::StatusCode;
using testing::DeviceHome;
using testing::ForwardingHub;
using testing::InProcessHub;
using testing::kPassphrase;

// Sends everything it holds on every pull, whatever the device says it has.
class ReplayingHub final : public ForwardingHub {
 public:
  using ForwardingHub::ForwardingHub;
  grpc::Status Pull(grpc::ServerContext* ctx, const v1::PullRequest*,
                    grpc::ServerWriter<v1::RecordBatch>* writer) override {
    return ForwardingHub::Pull(ctx, &everything_, writer);
  }

 private:
  const v1::PullRequest everything_;
};

class RefusingHub final : public ForwardingHub {
 public:
  using ForwardingHub::ForwardingHub;
  grpc::Status Authenticate(grpc::ServerContext*, const v1::AuthenticateRequest*,
                            v1::AuthenticateReply*) override {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not today");
  }
};

class MalformedChallengeHub final : public ForwardingHub {
 public:
  using ForwardingHub::ForwardingHub;
  grpc::Status Challenge(grpc::ServerContext*, const v1::ChallengeRequest*,
                         v1::ChallengeReply* reply) override {
    reply->set_nonce("short");
    reply->set_hub_id(std::string(16, 'h'));
    return grpc::Status::OK;
  }
};

// After the real records, a batch of two that do not open: bytes that are
// no record, and a record with the vault's header and a forged body.
class GarbagePullHub final : public ForwardingHub {
 public:
  GarbagePullHub(v1::Hub::Service* inner, std::string vault_id)
      : ForwardingHub(inner), vault_id_(std::move(vault_id)) {}
  grpc::Status Pull(grpc::ServerContext* ctx, const v1::PullRequest* req,
                    grpc::ServerWriter<v1::RecordBatch>* writer) override {
    grpc::Status real = ForwardingHub::Pull(ctx, req, writer);
    if (!real.ok()) return real;
    v1::RecordBatch batch;
    batch.add_records("not a record at all");
    std::string forged(1, static_cast<char>(kRecordFormatVersion));
    forged += vault_id_ + kForgedDevice + EncodeU64(1) + std::string(80, 'x');
    batch.add_records(forged);
    writer->Write(batch);
    return grpc::Status::OK;
  }
  static inline const std::string kForgedDevice = std::string(kDeviceIdBytes, 'f');

 private:
  const std::string vault_id_;
};

class SyncEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Open());
    ASSERT_TRUE(a_.ok() && b_.ok());
    auto init = a_.vault().Init(kPassphrase, "interactive");
    ASSERT_TRUE(init.ok()) << init.status();
    init_ = *init;
    vault_id_ = *HexDecode(init_.vault_id);
  }

  // Serves the hub, behind `front` when there is one.
  void Serve(std::unique_ptr<ForwardingHub> front = nullptr) {
    front_ = std::move(front);
    ASSERT_TRUE(hub_.Serve(front_ ? static_cast<grpc::Service*>(front_.get()) : hub_.service()));
  }

  // Serves the hub behind `front`, logs a check-in on a for each of
  // `moods`, adds the remote and syncs with it: the sync must fail, its
  // status in *failed, and leave a's log and entries as they were.
  void FailingSync(std::unique_ptr<ForwardingHub> front, std::initializer_list<int> moods,
                   absl::Status* failed) {
    Serve(std::move(front));
    for (int mood : moods) a_.LogCheckin(mood);
    ASSERT_TRUE(a_.sync().AddRemote(Remote()).ok());
    const testing::DeviceState before = a_.State();
    auto synced = a_.sync().Sync("hub");
    ASSERT_FALSE(synced.ok());
    *failed = synced.status();
    EXPECT_EQ(a_.State(), before);
  }

  v1::RemoteConfig Remote() const {
    v1::RemoteConfig config;
    config.mutable_info()->set_name("hub");
    config.mutable_info()->set_address(hub_.address());
    config.set_token(InProcessHub::kToken);
    return config;
  }

  v1::JoinRequest JoinRequest() const {
    v1::JoinRequest req;
    req.set_address(hub_.address());
    req.set_vault_id(init_.vault_id);
    req.set_secret_key(init_.secret_key);
    req.set_passphrase(kPassphrase);
    req.set_token(InProcessHub::kToken);
    req.set_remote_name("hub");
    return req;
  }

  // B joins A's vault through the hub; what the join pulled.
  absl::StatusOr<SyncCounts> JoinB() {
    auto joined = b_.sync().Join(JoinRequest());
    if (!joined.ok()) return joined.status();
    return joined->second;
  }

  v1::RemoteInfo RemoteOf(DeviceHome& device) {
    auto remotes = device.sync().Remotes();
    EXPECT_EQ(remotes.size(), 1u);
    return remotes.empty() ? v1::RemoteInfo() : remotes[0].info();
  }

  std::unique_ptr<ForwardingHub> front_;  // outlives the hub's server
  InProcessHub hub_;
  DeviceHome a_, b_;
  InitResult init_;
  std::string vault_id_;  // raw
};

TEST_F(SyncEngineTest, WhatEachDeviceWritesTheOtherPullsAndBothConverge) {
  Serve();
  const std::string first = a_.LogCheckin(3);
  a_.LogCheckin(4);
  ASSERT_TRUE(a_.sync().AddRemote(Remote()).ok());
  // Each device's first record is its Enrol membership record, so A
  // pushes its Enrol and two check-ins, and B's join pulls all three.
  auto a_sync = a_.sync().Sync("hub");
  ASSERT_TRUE(a_sync.ok()) << a_sync.status();
  EXPECT_EQ(a_sync->pushed, 3u);
  EXPECT_EQ(a_sync->pulled, 0u);
  EXPECT_EQ(a_.sync().Remotes()[0].hub_id(), hub_.hub_id()) << "pinned at the first login";

  auto joined = JoinB();
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->pulled, 3u);
  EXPECT_EQ(b_.State().entries, a_.State().entries);

  // Both write; B also edits A's first entry.
  b_.LogCheckin(7);
  EditInput edit;
  edit.id = first;
  edit.field_text["mood"] = "9";
  ASSERT_TRUE(b_.journal()->Edit(edit).ok());
  a_.LogCheckin(5);

  auto b_sync = b_.sync().Sync("");
  ASSERT_TRUE(b_sync.ok()) << b_sync.status();
  EXPECT_EQ(b_sync->pushed, 2u);
  // B's Enrol reached the hub at its join; A pulls it with B's two records.
  a_sync = a_.sync().Sync("");
  ASSERT_TRUE(a_sync.ok()) << a_sync.status();
  EXPECT_EQ(a_sync->pushed, 1u);
  EXPECT_EQ(a_sync->pulled, 3u);
  b_sync = b_.sync().Sync("");
  ASSERT_TRUE(b_sync.ok()) << b_sync.status();
  EXPECT_EQ(b_sync->pulled, 1u);

  EXPECT_EQ(a_.State(), b_.State());
  EXPECT_EQ(a_.State().entries.size(), 4u);
  EXPECT_EQ(a_.State().heads.size(), 2u) << "both devices' records on both";
  EXPECT_EQ(a_.journal()->Get(first)->fields["mood"], 9);
  EXPECT_EQ(RemoteOf(a_).last_error(), "");
  EXPECT_GT(RemoteOf(a_).last_sync_us(), 0);
}

// The hub here sends every record it holds on every pull: records the
// device holds already are stored once, and a second pull stores nothing.
TEST_F(SyncEngineTest, PullingTheSameRecordsAgainChangesNothing) {
  Serve(std::make_unique<ReplayingHub>(hub_.service()));
  for (int mood = 1; mood <= 3; ++mood) a_.LogCheckin(mood);
  ASSERT_TRUE(a_.sync().AddRemote(Remote()).ok());
  // A's first record is its Enrol membership record: it pushes the Enrol
  // and three check-ins, and B's join pulls all four.
  auto a_sync = a_.sync().Sync("hub");
  ASSERT_TRUE(a_sync.ok()) << a_sync.status();
  EXPECT_EQ(a_sync->pushed, 4u);
  EXPECT_EQ(a_sync->pulled, 0u) << "its own records came back and were stored again";

  auto joined = JoinB();
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->pulled, 4u);
  const testing::DeviceState after_first = b_.State();
  EXPECT_EQ(after_first.entries.size(), 3u);
  for (int again = 0; again < 2; ++again) {
    auto b_sync = b_.sync().Sync("hub");
    ASSERT_TRUE(b_sync.ok()) << b_sync.status();
    EXPECT_EQ(b_sync->pulled, 0u);
    EXPECT_EQ(b_sync->pushed, 0u);
    EXPECT_EQ(b_.State(), after_first);
  }
  EXPECT_EQ(b_.State().entries, a_.State().entries);
}

TEST_F(SyncEngineTest, AHubRefusingTheLoginGetsAClearStatusAndChangesNothing) {
  absl::Status refused;
  ASSERT_NO_FATAL_FAILURE(
      FailingSync(std::make_unique<RefusingHub>(hub_.service()), {2}, &refused));
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused;
  EXPECT_NE(refused.message().find("remote \"hub\""), std::string_view::npos);
  EXPECT_NE(refused.message().find("refused a login: not today"), std::string_view::npos)
      << refused;
  EXPECT_EQ(RemoteOf(a_).last_error(), refused.message());
  EXPECT_EQ(a_.sync().Remotes()[0].hub_id(), "") << "a hub id pinned without a login";
  EXPECT_TRUE(hub_.storage()->Heads(vault_id_)->empty()) << "records pushed without a login";
}

TEST_F(SyncEngineTest, AMalformedChallengeIsNotAnsweredAndChangesNothing) {
  absl::Status refused;
  ASSERT_NO_FATAL_FAILURE(
      FailingSync(std::make_unique<MalformedChallengeHub>(hub_.service()), {2}, &refused));
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused;
  EXPECT_NE(refused.message().find("malformed login challenge"), std::string_view::npos) << refused;
  EXPECT_EQ(a_.sync().Remotes()[0].hub_id(), "");
  EXPECT_FALSE(*hub_.storage()->Lookup(vault_id_)) << "registered after a malformed challenge";
}

TEST_F(SyncEngineTest, RecordsThatDoNotOpenAreRejectedAndTouchNothing) {
  absl::Status rejected;
  ASSERT_NO_FATAL_FAILURE(
      FailingSync(std::make_unique<GarbagePullHub>(hub_.service(), vault_id_), {2, 3}, &rejected));
  EXPECT_EQ(rejected.code(), StatusCode::kDataLoss) << rejected;
  EXPECT_NE(rejected.message().find("sent 2 record(s) that do not open"), std::string_view::npos)
      << rejected;
  EXPECT_FALSE(a_.log().Heads().contains(GarbagePullHub::kForgedDevice));
  EXPECT_EQ(RemoteOf(a_).last_error(), rejected.message());
  EXPECT_EQ(hub_.storage()->Heads(vault_id_)->size(), 1u) << "the push before the pull went";
}

// Pulled records are checked to open before they are stored, which needs
// the key (docs/design.md, "Sync").
TEST_F(SyncEngineTest, ALockedDevicePushesButPullsOnlyOnceUnlocked) {
  Serve();
  a_.LogCheckin(1);
  ASSERT_TRUE(a_.sync().AddRemote(Remote()).ok());
  ASSERT_TRUE(a_.sync().Sync("").ok());
  ASSERT_TRUE(JoinB().ok());
  b_.LogCheckin(8);
  b_.vault().Lock();
  a_.LogCheckin(2);
  ASSERT_TRUE(a_.sync().Sync("").ok());

  auto locked = b_.sync().Sync("");
  ASSERT_TRUE(locked.ok()) << locked.status();
  EXPECT_EQ(locked->pushed, 1u);
  EXPECT_EQ(locked->pulled, 0u);
  ASSERT_TRUE(b_.vault().Unlock(kPassphrase, 0).ok());
  EXPECT_EQ(b_.State().entries.size(), 2u);
  auto unlocked = b_.sync().Sync("");
  ASSERT_TRUE(unlocked.ok()) << unlocked.status();
  EXPECT_EQ(unlocked->pulled, 1u);
  ASSERT_TRUE(a_.sync().Sync("").ok());
  EXPECT_EQ(a_.State(), b_.State());
}

TEST_F(SyncEngineTest, AJoinWithAWrongSecretKeyOrPassphraseJoinsNothing) {
  Serve();
  a_.LogCheckin(1);
  ASSERT_TRUE(a_.sync().AddRemote(Remote()).ok());
  ASSERT_TRUE(a_.sync().Sync("").ok());

  v1::JoinRequest wrong_key = JoinRequest();
  wrong_key.set_secret_key(FormatSecretKey(GenerateSecretKey()));
  v1::JoinRequest wrong_passphrase = JoinRequest();
  wrong_passphrase.set_passphrase("quiet-lantern-marble-orbit-8");
  for (const v1::JoinRequest& req : {wrong_key, wrong_passphrase}) {
    auto joined = b_.sync().Join(req);
    ASSERT_FALSE(joined.ok());
    EXPECT_EQ(joined.status().code(), StatusCode::kPermissionDenied) << joined.status();
    EXPECT_FALSE(b_.vault().exists());
    EXPECT_TRUE(b_.sync().Remotes().empty());
    EXPECT_TRUE(b_.log().Heads().empty());
  }
  ASSERT_TRUE(JoinB().ok()) << "the right secrets still join";
}

TEST_F(SyncEngineTest, SyncNamesWhatIsMissing) {
  Serve();
  EXPECT_EQ(a_.sync().Sync("").status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(a_.sync().AddRemote(Remote()).ok());
  EXPECT_EQ(a_.sync().Sync("elsewhere").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(b_.sync().Sync("").status().code(), StatusCode::kFailedPrecondition)
      << "a home without a vault";
  EXPECT_EQ(a_.sync().AddRemote(Remote()).code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace haven
