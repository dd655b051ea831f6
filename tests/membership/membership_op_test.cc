// Membership records: ParseMemberRecord accepts each well-formed op and
// refuses each malformed field with a message naming it; the enrolment
// message's layout; sealed names.
#include "server/membership/membership_op.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/membership/member_fixture.h"

namespace haven {
namespace {

using testing::KeyPair;
using testing::MemberVault;
using testing::TestDevice;

struct Malformed {
  std::string field;  // the message must name it
  std::function<void(v1::MembershipOp*)> mutate;
};

class MembershipOpTest : public ::testing::Test {
 protected:
  absl::Status ParseOf(v1::MembershipOp op) {
    return ParseMemberRecord(vault_.Write(device_, std::move(op), MemberVault::Hlc(1)),
                             vault_.vault_id())
        .status();
  }

  v1::MembershipOp ValidEpoch() {
    v1::MembershipOp op = MemberVault::Epoch(1, KeyPair::Make(), {&device_, &other_}, "wrapped");
    (*op.mutable_epoch()->mutable_secret_key_boxes())[HexEncode(other_.id)] = "box";
    return op;
  }

  void ExpectRefused(const std::vector<std::pair<Malformed, v1::MembershipOp>>& cases);

  MemberVault vault_;
  TestDevice device_;
  TestDevice other_;
};

TEST_F(MembershipOpTest, ParsesEachWellFormedOp) {
  std::vector<v1::MembershipOp> ops = {
      vault_.Enrol(device_, vault_.authority0()), MemberVault::Rename(other_, "sealed name"),
      MemberVault::Revoke(other_.id, 3),          ValidEpoch(),
      MemberVault::Wrap(1, "wrapped again"),
  };
  for (const v1::MembershipOp& op : ops) {
    std::string sealed = vault_.Write(device_, op, MemberVault::Hlc(device_.seq));
    auto parsed = ParseMemberRecord(sealed, vault_.vault_id());
    ASSERT_TRUE(parsed.ok()) << op.DebugString() << parsed.status();
    EXPECT_EQ(parsed->op.op_case(), op.op_case());
    EXPECT_EQ(parsed->header.device_id, device_.id);
    EXPECT_EQ(parsed->header.seq, device_.seq);
    EXPECT_TRUE(parsed->header.membership());
    EXPECT_EQ(parsed->sealed, sealed);
    EXPECT_TRUE(RecordSignatureValid(sealed, device_.key.public_key));
  }
}

TEST_F(MembershipOpTest, RefusesRecordsThatAreNotMembershipRecordsOfThisVault) {
  RecordHeader header;
  header.vault_id = vault_.vault_id();
  header.device_id = device_.id;
  header.seq = 1;
  header.prev_hash = std::string(kChainHashBytes, '\0');
  std::string entry = SealRecord(SecretBytes::Random(32), header, "an entry");
  auto parsed = ParseMemberRecord(entry, vault_.vault_id());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("not a membership record"), std::string::npos);

  std::string sealed = vault_.Write(device_, MemberVault::Wrap(0, "w"), 1);
  parsed = ParseMemberRecord(sealed, RandomBytes(kVaultIdBytes));
  EXPECT_NE(parsed.status().message().find("another vault"), std::string::npos);
  parsed = ParseMemberRecord(sealed.substr(0, 50), vault_.vault_id());
  EXPECT_NE(parsed.status().message().find("truncated"), std::string::npos);
  parsed = ParseMemberRecord("", vault_.vault_id());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MembershipOpTest, RefusesABodyThatIsNoOp) {
  RecordHeader header{kRecordFormatVersion, vault_.vault_id(),
                      device_.id,           1,
                      kMembershipEpoch,     std::string(kChainHashBytes, '\0')};
  std::string garbage = ClearRecord(header, std::string("\xff\xff\xff\xff", 4));
  auto parsed = ParseMemberRecord(garbage, vault_.vault_id());
  EXPECT_NE(parsed.status().message().find("body does not parse"), std::string::npos)
      << parsed.status();
  std::string big = ClearRecord(header, std::string(kMaxMembershipOpBytes + 1, '\0'));
  parsed = ParseMemberRecord(big, vault_.vault_id());
  EXPECT_NE(parsed.status().message().find("body is larger"), std::string::npos) << parsed.status();
  EXPECT_NE(ParseOf(v1::MembershipOp()).message().find("op is not set"), std::string::npos);
}

// Each case's op parses as it is and is refused, naming the field, once mutated.
void MembershipOpTest::ExpectRefused(
    const std::vector<std::pair<Malformed, v1::MembershipOp>>& cases) {
  for (const auto& [malformed, valid] : cases) {
    ASSERT_TRUE(ParseOf(valid).ok()) << malformed.field;
    v1::MembershipOp op = valid;
    malformed.mutate(&op);
    absl::Status status = ParseOf(op);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << malformed.field;
    EXPECT_NE(status.message().find(malformed.field), std::string::npos)
        << malformed.field << ": " << status;
    EXPECT_EQ(status.message().find('\n'), std::string::npos) << status;
  }
}

TEST_F(MembershipOpTest, RefusesEachMalformedEnrolRenameOrRevokeField) {
  ExpectRefused({
      {{"enrol.device_id", [](auto* op) { op->mutable_enrol()->set_device_id("short"); }},
       vault_.Enrol(device_, vault_.authority0())},
      {{"enrol.device_id is not the record's writer",
        [this](auto* op) { op->mutable_enrol()->set_device_id(other_.id); }},
       vault_.Enrol(device_, vault_.authority0())},
      {{"enrol.sign_public_key", [](auto* op) { op->mutable_enrol()->set_sign_public_key("k"); }},
       vault_.Enrol(device_, vault_.authority0())},
      {{"enrol.authority_signature",
        [](auto* op) { op->mutable_enrol()->set_authority_signature(std::string(63, 's')); }},
       vault_.Enrol(device_, vault_.authority0())},
      {{"enrol.legacy_until", [](auto* op) { op->mutable_enrol()->set_legacy_until(1000); }},
       vault_.Enrol(device_, vault_.authority0())},
      {{"enrol.name.sealed",
        [](auto* op) { op->mutable_enrol()->mutable_name()->set_sealed(std::string(5000, 'n')); }},
       vault_.Enrol(device_, vault_.authority0())},
      {{"rename.device_id", [](auto* op) { op->mutable_rename()->set_device_id(""); }},
       MemberVault::Rename(other_, "n")},
      {{"rename.name.sealed",
        [](auto* op) { op->mutable_rename()->mutable_name()->set_sealed(std::string(5000, 'n')); }},
       MemberVault::Rename(other_, "n")},
      {{"revoke.device_id",
        [](auto* op) { op->mutable_revoke()->set_device_id(std::string(17, 'd')); }},
       MemberVault::Revoke(other_.id, 1)},
  });
}

TEST_F(MembershipOpTest, RefusesEachMalformedEpochOrWrapField) {
  ExpectRefused({
      {{"epoch.epoch", [](auto* op) { op->mutable_epoch()->set_epoch(0); }}, ValidEpoch()},
      {{"epoch.authority_public_key",
        [](auto* op) { op->mutable_epoch()->set_authority_public_key(std::string(31, 'a')); }},
       ValidEpoch()},
      {{"epoch.members", [](auto* op) { op->mutable_epoch()->add_members("x"); }}, ValidEpoch()},
      {{"epoch.members has more than 1024",
        [](auto* op) {
          for (int i = 0; i < 1024; ++i) op->mutable_epoch()->add_members(std::string(16, 'm'));
        }},
       ValidEpoch()},
      {{"epoch.keyring", [](auto* op) { op->mutable_epoch()->clear_keyring(); }}, ValidEpoch()},
      {{"epoch.wrapped_key", [](auto* op) { op->mutable_epoch()->clear_wrapped_key(); }},
       ValidEpoch()},
      {{"epoch.secret_key_boxes",
        [](auto* op) {
          (*op->mutable_epoch()->mutable_secret_key_boxes())[HexEncode(RandomBytes(16))] = "b";
        }},
       ValidEpoch()},
      {{"epoch.secret_key_boxes",
        [this](auto* op) {
          std::string upper = HexEncode(other_.id);
          for (char& c : upper) c = static_cast<char>(std::toupper(c));
          op->mutable_epoch()->mutable_secret_key_boxes()->clear();
          (*op->mutable_epoch()->mutable_secret_key_boxes())[upper] = "b";
        }},
       ValidEpoch()},
      {{"epoch.secret_key_boxes has an empty box",
        [this](auto* op) {
          (*op->mutable_epoch()->mutable_secret_key_boxes())[HexEncode(other_.id)] = "";
        }},
       ValidEpoch()},
      {{"wrap.wrapped_key", [](auto* op) { op->mutable_wrap()->clear_wrapped_key(); }},
       MemberVault::Wrap(0, "w")},
  });
}

TEST(EnrolmentMessageTest, CoversEachFieldInItsDocumentedLayout) {
  v1::Enrol enrol;
  enrol.set_device_id(std::string(16, 'd'));
  enrol.set_sign_public_key(std::string(32, 'k'));
  enrol.set_authority_epoch(0x01020304);
  enrol.set_legacy_until(0x0102030405060708);
  enrol.set_authority_signature("not covered");
  enrol.set_at_us(77);
  std::string vault(16, 'v');
  std::string want = "haven-enrol-v1" + vault + std::string(16, 'd') + std::string(32, 'k') +
                     std::string("\x01\x02\x03\x04", 4) +
                     std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  EXPECT_EQ(EnrolmentMessage(vault, enrol), want);
}

TEST(SealedNameTest, OpensOnlyUnderItsKeyAndDevice) {
  SecretBytes key = SecretBytes::Random(32);
  std::string device(16, 'd');
  v1::SealedName sealed = SealName(key, 3, device, "kitchen laptop");
  EXPECT_EQ(sealed.epoch(), 3u);
  EXPECT_EQ(sealed.sealed().find("kitchen"), std::string::npos);
  auto opened = OpenName(key, device, sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "kitchen laptop");
  EXPECT_FALSE(OpenName(key, std::string(16, 'e'), sealed).ok());
  EXPECT_FALSE(OpenName(SecretBytes::Random(32), device, sealed).ok());
}

}  // namespace
}  // namespace haven
