// Sealed records beyond sealing: format-1 records of vaults made before
// device keys still open; membership records carry their body in the clear;
// RecordChainHash covers every byte but the signature; SignRecord and
// RecordSignatureValid hold a device to what it wrote.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/sealed_record.h"

namespace haven {
namespace {

using absl::StatusCode;

constexpr size_t kSig = kRecordSignatureBytes;

struct DeviceKey {
  DeviceKey() : secret(crypto_sign_SECRETKEYBYTES) {
    public_key.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(public_key.data()), secret.data());
  }
  std::string public_key;
  SecretBytes secret;
};

class RecordChainTest : public ::testing::Test {
 protected:
  RecordChainTest() : key_(SecretBytes::Random(32)) {
    header_.vault_id = RandomBytes(kVaultIdBytes);
    header_.device_id = RandomBytes(kDeviceIdBytes);
    header_.seq = 5;
    header_.epoch = 2;
    header_.prev_hash = RandomBytes(kChainHashBytes);
  }

  std::string Signed(std::string_view body) {
    std::string sealed = SealRecord(key_, header_, body);
    SignRecord(&sealed, device_.secret);
    return sealed;
  }
  std::string SignedClear(std::string_view body) {
    std::string sealed = ClearRecord(header_, body);
    SignRecord(&sealed, device_.secret);
    return sealed;
  }

  SecretBytes key_;
  RecordHeader header_;
  DeviceKey device_;
};

TEST_F(RecordChainTest, FormatOneRecordsStillOpen) {
  header_.version = kRecordFormatV1;
  header_.epoch = 0;
  header_.prev_hash.clear();
  std::string sealed = SealRecord(key_, header_, "an old entry");
  EXPECT_EQ(sealed.size(), kRecordHeaderBytes + 24 + 16 + kPadBlock) << "no epoch, chain, sig";
  EXPECT_EQ(sealed[0], '\x01');
  RecordHeader opened;
  auto body = OpenRecord(key_, sealed, &opened);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "an old entry");
  EXPECT_TRUE(opened.legacy());
  EXPECT_FALSE(opened.membership());
  EXPECT_EQ(opened.seq, 5u);
  EXPECT_EQ(opened.epoch, 0u);
  EXPECT_TRUE(opened.prev_hash.empty());
  for (size_t i = 1; i < kRecordHeaderBytes; ++i) {
    std::string forged = sealed;
    forged[i] = static_cast<char>(forged[i] ^ 0x04);
    EXPECT_EQ(OpenRecord(key_, forged, nullptr).status().code(), StatusCode::kDataLoss) << i;
  }
}

TEST_F(RecordChainTest, FormatOneRecordsAreNeverSignatureValid) {
  header_.version = kRecordFormatV1;
  std::string sealed = SealRecord(key_, header_, std::string(200, 'o'));
  EXPECT_FALSE(RecordSignatureValid(sealed, device_.public_key));
  EXPECT_EQ(ClearRecordBody(sealed).status().code(), StatusCode::kInvalidArgument);
  // Hashed whole: every byte counts, the last 64 included.
  std::string hash = RecordChainHash(sealed);
  EXPECT_EQ(hash.size(), kChainHashBytes);
  std::string flipped = sealed;
  flipped.back() ^= 1;
  EXPECT_NE(RecordChainHash(flipped), hash);
}

TEST_F(RecordChainTest, ClearRecordsCarryTheirBodyInTheClear) {
  header_.epoch = 9;  // ClearRecord writes the membership epoch whatever it is given
  std::string sealed = SignedClear("an enrolment, readable by hubs");
  auto header = ParseRecordHeader(sealed);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_TRUE(header->membership());
  EXPECT_EQ(header->epoch, kMembershipEpoch);
  EXPECT_EQ(header->version, kRecordFormatVersion);
  EXPECT_EQ(header->prev_hash, header_.prev_hash);
  auto body = ClearRecordBody(sealed);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "an enrolment, readable by hubs");
  EXPECT_EQ(OpenRecord(key_, sealed, nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(RecordSignatureValid(sealed, device_.public_key));
}

TEST_F(RecordChainTest, ClearRecordBodyRefusesSealedAndShortRecords) {
  EXPECT_EQ(ClearRecordBody(Signed("sealed")).status().code(), StatusCode::kInvalidArgument);
  std::string clear = SignedClear(std::string(50, 'm'));
  for (size_t keep = 0; keep < kRecordV2HeaderBytes + 1 + kSig; ++keep) {
    EXPECT_EQ(ClearRecordBody(clear.substr(0, keep)).status().code(), StatusCode::kInvalidArgument)
        << keep;
  }
  // Longer cuts parse, but the signature no longer matches what is left.
  for (size_t keep = kRecordV2HeaderBytes + 1 + kSig; keep < clear.size(); ++keep) {
    EXPECT_FALSE(RecordSignatureValid(clear.substr(0, keep), device_.public_key)) << keep;
  }
}

// A clear membership record's body can be small (a Revoke is a few dozen
// bytes); its signature must still be checkable.
TEST_F(RecordChainTest, SmallClearRecordsSignValid) {
  for (size_t body : {size_t{1}, size_t{20}, size_t{39}, size_t{40}, size_t{41}, size_t{200}}) {
    std::string sealed = SignedClear(std::string(body, 'r'));
    EXPECT_TRUE(RecordSignatureValid(sealed, device_.public_key)) << body << " body bytes";
  }
}

TEST_F(RecordChainTest, ChainHashCoversEveryByteButTheSignature) {
  std::string sealed = Signed("chained");
  const std::string hash = RecordChainHash(sealed);
  ASSERT_EQ(hash.size(), kChainHashBytes);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] = static_cast<char>(changed[i] ^ 0x40);
    if (i < sealed.size() - kSig) {
      EXPECT_NE(RecordChainHash(changed), hash) << "byte " << i;
    } else {
      EXPECT_EQ(RecordChainHash(changed), hash) << "signature byte " << i;
    }
  }
  EXPECT_EQ(RecordChainHash(SealRecord(key_, header_, "chained")).size(), kChainHashBytes);
}

// What the next record names is the hash of this one, so a device's records
// link: the chain field of record n+1 is RecordChainHash(record n).
TEST_F(RecordChainTest, NextRecordNamesThisRecordsHash) {
  std::string first = Signed("one");
  header_.seq = 6;
  header_.prev_hash = RecordChainHash(first);
  std::string second = Signed("two");
  RecordHeader opened;
  ASSERT_TRUE(OpenRecord(key_, second, &opened).ok());
  EXPECT_EQ(opened.prev_hash, RecordChainHash(first));
  EXPECT_NE(RecordChainHash(first), RecordChainHash(second));
}

TEST_F(RecordChainTest, SignatureIsValidOnlyForItsDevice) {
  std::string sealed = Signed("mine");
  EXPECT_TRUE(RecordSignatureValid(sealed, device_.public_key));
  DeviceKey other;
  EXPECT_FALSE(RecordSignatureValid(sealed, other.public_key));
  EXPECT_FALSE(RecordSignatureValid(sealed, ""));
  EXPECT_FALSE(RecordSignatureValid(sealed, device_.public_key.substr(1)));
  EXPECT_FALSE(RecordSignatureValid(SealRecord(key_, header_, "mine"), device_.public_key))
      << "unsigned (zero signature)";
  // The same body re-signed by another device is that device's record.
  std::string forged = SealRecord(key_, header_, "mine");
  SignRecord(&forged, other.secret);
  EXPECT_TRUE(RecordSignatureValid(forged, other.public_key));
  EXPECT_FALSE(RecordSignatureValid(forged, device_.public_key));
}

TEST_F(RecordChainTest, AnyFlippedByteBreaksTheSignature) {
  for (const std::string& sealed : {Signed("a sealed entry"), SignedClear("a clear op")}) {
    ASSERT_TRUE(RecordSignatureValid(sealed, device_.public_key));
    for (size_t i = 0; i < sealed.size(); ++i) {
      std::string forged = sealed;
      forged[i] = static_cast<char>(forged[i] ^ 0x01);
      EXPECT_FALSE(RecordSignatureValid(forged, device_.public_key)) << "byte " << i;
    }
  }
}

TEST_F(RecordChainTest, TruncatedOrPaddedRecordsAreNotSignatureValid) {
  std::string sealed = Signed(std::string(300, 's'));
  for (size_t keep = 0; keep < sealed.size(); ++keep) {
    ASSERT_FALSE(RecordSignatureValid(sealed.substr(0, keep), device_.public_key)) << keep;
  }
  EXPECT_FALSE(RecordSignatureValid(sealed + "x", device_.public_key));
  EXPECT_FALSE(RecordSignatureValid("", device_.public_key));
}

// Signing does not touch what the AEAD covers: a signed record still opens,
// and the signature is the only difference from the unsigned one.
TEST_F(RecordChainTest, SigningKeepsTheRecordOpenable) {
  std::string unsigned_record = SealRecord(key_, header_, "still opens");
  std::string signed_record = unsigned_record;
  SignRecord(&signed_record, device_.secret);
  EXPECT_EQ(signed_record.size(), unsigned_record.size());
  EXPECT_EQ(signed_record.substr(0, signed_record.size() - kSig),
            unsigned_record.substr(0, unsigned_record.size() - kSig));
  auto body = OpenRecord(key_, signed_record, nullptr);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "still opens");
}

}  // namespace
}  // namespace haven
