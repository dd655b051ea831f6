// SubmitMembership, the one call before a login that carries more than a
// few bytes: it needs the hub token and a registered vault, takes at most
// 64 KiB and 256 records, each a membership record of the vault, and lets
// whoever holds the token add only ops that members signed. The hub keeps
// what it learned across a restart.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/hub/hub_membership.h"
#include "tests/hub/device_fixture.h"
#include "tests/hub/in_process_hub.h"
#include "tests/hub/memory_hub_storage.h"

namespace haven {
namespace {

using testing::HubDevice;
using testing::HubVault;
using testing::InProcessHub;
using testing::RawHub;

class SubmitMembershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Start());
    raw_ = std::make_unique<RawHub>(hub_.address());
    ASSERT_TRUE(raw_->Register(vault_, InProcessHub::kToken).ok());
    enrol_a_ = vault_.Enrol(a_);
  }
  grpc::Status Submit(const std::vector<std::string>& records,
                      const std::string& token = InProcessHub::kToken) {
    return raw_->Submit(vault_.id(), token, records);
  }
  size_t Kept() {
    auto held = hub_.storage()->MemberRecords(vault_.id());
    EXPECT_TRUE(held.ok()) << held.status();
    return held.ok() ? held->size() : 0;
  }

  InProcessHub hub_;
  std::unique_ptr<RawHub> raw_;
  HubVault vault_;
  HubDevice a_;
  std::string enrol_a_;
};

TEST_F(SubmitMembershipTest, WithoutTheTokenNothingIsAdded) {
  EXPECT_EQ(Submit({enrol_a_}, "").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit({enrol_a_}, "not-the-token").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Kept(), 0u);
  EXPECT_EQ(raw_->Login(vault_, a_, nullptr).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(SubmitMembershipTest, AnUnregisteredVaultIsNotFound) {
  HubVault other;
  HubDevice device;
  grpc::Status s = raw_->Submit(other.id(), InProcessHub::kToken, {other.Enrol(device)});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
}

TEST_F(SubmitMembershipTest, OverTheBoundsIsRefusedNamingTheBound) {
  grpc::Status big = Submit({enrol_a_, std::string(65 * 1024, 'x')});
  EXPECT_EQ(big.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(big.error_message().find("SubmitMembership"), std::string::npos) << big.error_message();
  EXPECT_NE(big.error_message().find("65536-byte limit"), std::string::npos) << big.error_message();
  grpc::Status many = Submit(std::vector<std::string>(257, "x"));
  EXPECT_EQ(many.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(many.error_message().find("at most 256"), std::string::npos) << many.error_message();
  EXPECT_EQ(Kept(), 0u);
}

TEST_F(SubmitMembershipTest, ARecordThatIsNotAMembershipRecordOfTheVaultIsRefused) {
  HubDevice other_device;
  HubVault other_vault;
  for (const std::string& bad :
       {std::string("not a record"), vault_.Entry(a_), other_vault.Enrol(other_device)}) {
    grpc::Status s = Submit({enrol_a_, bad});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("submit membership: records[1]: "), std::string::npos)
        << s.error_message();
  }
  EXPECT_EQ(Kept(), 0u) << "a refused call adds nothing";
}

TEST_F(SubmitMembershipTest, ForgedOpsHaveNoEffect) {
  ASSERT_TRUE(Submit({enrol_a_}).ok());
  // An enrolment whose authority signature is not by the vault's key.
  HubVault stranger;
  HubDevice intruder;
  std::string forged_enrol = vault_.Enrol(intruder, &stranger.keys());
  // A revoke of a by a device the vault never enrolled.
  std::string outsider_revoke = vault_.Revoke(intruder, a_, 0);
  // A revoke in a's name signed by another key.
  HubDevice a_copy;
  a_copy.id = a_.id;
  a_copy.seq = a_.seq;
  a_copy.head_hash = a_.head_hash;
  std::string impostor_revoke = vault_.Revoke(a_copy, a_, 0);
  ASSERT_TRUE(Submit({forged_enrol, outsider_revoke, impostor_revoke}).ok());

  EXPECT_EQ(Kept(), 1u) << "only the member-signed enrolment is kept";
  EXPECT_EQ(raw_->Login(vault_, intruder, nullptr).error_code(), grpc::StatusCode::NOT_FOUND);
  std::string session;
  grpc::Status login = raw_->Login(vault_, a_, &session);
  EXPECT_TRUE(login.ok()) << login.error_message();
}

// A revoked device keeps epoch 0's authority key. Once a rotation closed
// epoch 0, an enrolment signed with that key, which the rotation had not
// seen, lets nobody log in and is not even kept; one the rotation
// saw still does.
TEST_F(SubmitMembershipTest, AnEnrolmentUnderAClosedEpochLetsNobodyLogIn) {
  HubDevice b, puppet;
  const std::string enrol_b = vault_.Enrol(b);
  const VaultKeys next(GenerateVaultKey());
  const std::string rotation = vault_.Rotate(a_, next, {&a_, &b});
  const std::string late_enrol =
      vault_.Enrol(puppet);  // after it (membership_test: stamped before)
  ASSERT_TRUE(Submit({enrol_a_, enrol_b, rotation}).ok());
  ASSERT_TRUE(Submit({late_enrol}).ok());
  EXPECT_EQ(Kept(), 3u) << "a stale enrolment is not even kept";

  EXPECT_EQ(raw_->Login(vault_, puppet, nullptr).error_code(), grpc::StatusCode::NOT_FOUND);
  std::string session;
  grpc::Status login = raw_->Login(vault_, b, &session);
  EXPECT_TRUE(login.ok()) << login.error_message();
}

// A device that enrolled while the rotation was being made enrols again
// under the new epoch, naming its first enrolment's sequence: sent in one
// call, the second vouches for the first, and the device logs in.
TEST_F(SubmitMembershipTest, AnEnrolmentAgainVouchesForTheFirstInTheSameCall) {
  HubDevice late;
  const VaultKeys next(GenerateVaultKey());
  const std::string rotation = vault_.Rotate(a_, next, {&a_});
  ASSERT_TRUE(Submit({enrol_a_, rotation}).ok());
  const std::string first = vault_.Enrol(late);
  const std::string again = vault_.Enrol(late, &next, 1, /*records_from=*/1);
  ASSERT_TRUE(Submit({first, again}).ok());
  EXPECT_EQ(Kept(), 4u);
  std::string session;
  grpc::Status login = raw_->Login(vault_, late, &session);
  EXPECT_TRUE(login.ok()) << login.error_message();
}

TEST_F(SubmitMembershipTest, AResubmittedRecordIsKeptOnce) {
  ASSERT_TRUE(Submit({enrol_a_}).ok());
  ASSERT_TRUE(Submit({enrol_a_}).ok());
  EXPECT_EQ(Kept(), 1u);
}

TEST_F(SubmitMembershipTest, AVaultKeepsAtMost4096MembershipRecords) {
  std::vector<std::string> records = {enrol_a_};
  while (records.size() < kMaxMemberRecords) {
    records.push_back(vault_.Wrap(a_, "wrapped " + std::to_string(records.size())));
  }
  for (size_t from = 0; from < records.size(); from += 256) {
    size_t to = std::min(records.size(), from + 256);
    grpc::Status s = Submit({records.begin() + from, records.begin() + to});
    ASSERT_TRUE(s.ok()) << from << ": " << s.error_message();
  }
  EXPECT_EQ(Kept(), kMaxMemberRecords);
  grpc::Status over = Submit({vault_.Wrap(a_, "one too many")});
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(over.error_message().find("4096 membership records"), std::string::npos)
      << over.error_message();
  EXPECT_EQ(Kept(), kMaxMemberRecords);
  EXPECT_TRUE(Submit({records[7]}).ok()) << "a record held already is no new one";
}

// What the hub learned is computed again from its storage after a restart.
TEST(HubMembershipsTest, TheMembershipComesBackFromStorage) {
  testing::MemoryHubStorage storage;
  HubVault vault;
  HubDevice a, b;
  ASSERT_TRUE(storage.Register(vault.id(), {vault.keys().auth_public_key(), "w"}).ok());
  {
    HubMemberships before(&storage);
    std::vector<std::string> records = {vault.Enrol(a), vault.Enrol(b), vault.Revoke(a, b, 1)};
    auto added = before.Add(vault.id(), records, /*strict=*/true);
    ASSERT_TRUE(added.ok()) << added.status();
    EXPECT_EQ(*added, 3u);
  }
  HubMemberships after(&storage);
  EXPECT_TRUE(*after.HasMembers(vault.id()));
  EXPECT_EQ(*after.LoginKey(vault.id(), a.id), a.public_key);
  EXPECT_TRUE(after.CheckActive(vault.id(), a.id).ok());
  absl::Status revoked = after.CheckActive(vault.id(), b.id);
  EXPECT_EQ(revoked.code(), absl::StatusCode::kPermissionDenied) << revoked;
}

}  // namespace
}  // namespace haven
