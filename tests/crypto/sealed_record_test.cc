// Sealed records (format 2) and blobs: round trips, tamper and truncation
// detection, padding, and binding of the header (version, vault, device,
// sequence, epoch, chain) as the associated data. Format 1, clear
// (membership) records, the chain hash and signatures:
// sealed_record_chain_test.cc.
#include "server/crypto/sealed_record.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "server/crypto/ids.h"

namespace haven {
namespace {

using absl::StatusCode;

constexpr size_t kNonceBytes = 24;
constexpr size_t kTagBytes = 16;
constexpr size_t kSig = kRecordSignatureBytes;
// The smallest format-2 sealed record: an empty body pads to one block.
constexpr size_t kMinSealed = kRecordOverheadBytes + kPadBlock;

class SealedRecordTest : public ::testing::Test {
 protected:
  SealedRecordTest() : key_(SecretBytes::Random(32)) {
    header_.vault_id = RandomBytes(kVaultIdBytes);
    header_.device_id = RandomBytes(kDeviceIdBytes);
    header_.seq = 7;
    header_.epoch = 3;
    header_.prev_hash = RandomBytes(kChainHashBytes);
  }

  std::string Seal(std::string_view body) { return SealRecord(key_, header_, body); }

  SecretBytes key_;
  RecordHeader header_;
};

bool IsRejection(const absl::Status& s) {
  return s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kInvalidArgument;
}

TEST_F(SealedRecordTest, RoundTripsBodiesOfManySizes) {
  for (size_t size : {0, 1, 100, 127, 128, 129, 1000, 40000}) {
    std::string body(size, '\0');
    for (size_t i = 0; i < size; ++i) body[i] = static_cast<char>(i * 31 + 7);
    std::string sealed = Seal(body);
    RecordHeader opened_header;
    auto opened = OpenRecord(key_, sealed, &opened_header);
    ASSERT_TRUE(opened.ok()) << size << ": " << opened.status();
    EXPECT_EQ(*opened, body) << size;
    EXPECT_EQ(opened_header.version, kRecordFormatVersion);
    EXPECT_EQ(opened_header.vault_id, header_.vault_id);
    EXPECT_EQ(opened_header.device_id, header_.device_id);
    EXPECT_EQ(opened_header.seq, 7u);
    EXPECT_EQ(opened_header.epoch, 3u);
    EXPECT_EQ(opened_header.prev_hash, header_.prev_hash);
    EXPECT_FALSE(opened_header.legacy());
    EXPECT_FALSE(opened_header.membership());
  }
}

TEST_F(SealedRecordTest, LayoutPutsEpochAndChainInTheHeader) {
  std::string sealed = Seal("x");
  EXPECT_EQ(sealed[0], '\x02');
  EXPECT_EQ(sealed.substr(1, 16), header_.vault_id);
  EXPECT_EQ(sealed.substr(17, 16), header_.device_id);
  EXPECT_EQ(sealed.substr(33, 8), std::string("\0\0\0\0\0\0\0\x07", 8));
  EXPECT_EQ(sealed.substr(41, 4), std::string("\0\0\0\x03", 4));
  EXPECT_EQ(sealed.substr(45, kChainHashBytes), header_.prev_hash);
  EXPECT_EQ(sealed.substr(sealed.size() - kSig), std::string(kSig, '\0')) << "left for SignRecord";
}

TEST_F(SealedRecordTest, FirstRecordsChainIsZeros) {
  header_.seq = 1;
  header_.prev_hash.clear();
  RecordHeader opened;
  ASSERT_TRUE(OpenRecord(key_, Seal("first"), &opened).ok());
  EXPECT_EQ(opened.prev_hash, std::string(kChainHashBytes, '\0'));
  auto parsed = ParseRecordHeader(Seal("first"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->prev_hash, std::string(kChainHashBytes, '\0'));
}

TEST_F(SealedRecordTest, LargeEpochsRoundTrip) {
  for (uint32_t epoch : {0u, 1u, 255u, 256u, 0x01020304u, kMembershipEpoch - 1}) {
    header_.epoch = epoch;
    RecordHeader opened;
    ASSERT_TRUE(OpenRecord(key_, Seal("e"), &opened).ok()) << epoch;
    EXPECT_EQ(opened.epoch, epoch);
  }
}

TEST_F(SealedRecordTest, SealedRecordSizeIsTheSizeSealingGives) {
  for (size_t n : {0, 1, 127, 128, 129, 1000, 4096, 200000}) {
    EXPECT_EQ(Seal(std::string(n, 'b')).size(), SealedRecordSize(n)) << n << " body bytes";
  }
}

TEST_F(SealedRecordTest, HeaderIsReadableWithoutKeyAndBodyIsNot) {
  std::string body = "a letter to myself: be gentle";
  std::string sealed = Seal(body);
  auto header = ParseRecordHeader(sealed);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->vault_id, header_.vault_id);
  EXPECT_EQ(header->device_id, header_.device_id);
  EXPECT_EQ(header->seq, 7u);
  EXPECT_EQ(header->epoch, 3u);
  EXPECT_EQ(header->prev_hash, header_.prev_hash);
  EXPECT_EQ(sealed.find("be gentle"), std::string::npos);
}

TEST_F(SealedRecordTest, SealingTwiceUsesFreshNonces) {
  EXPECT_NE(Seal("same body"), Seal("same body"));
}

TEST_F(SealedRecordTest, WrongKeyIsDataLoss) {
  std::string sealed = Seal("body");
  SecretBytes other = SecretBytes::Random(32);
  EXPECT_EQ(OpenRecord(other, sealed, nullptr).status().code(), StatusCode::kDataLoss);
}

// Every single-bit flip anywhere before the signature must be refused, and
// the code must say why: InvalidArgument for framing, DataLoss for forgery.
// (The signature is not the AEAD's to check: RecordSignatureValid is.)
TEST_F(SealedRecordTest, EveryFlippedByteIsRejected) {
  std::string sealed = Seal("breathing, ten minutes");
  ASSERT_EQ(sealed.size(), kMinSealed);
  for (size_t i = 0; i < sealed.size() - kSig; ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      std::string forged = sealed;
      forged[i] = static_cast<char>(forged[i] ^ mask);
      auto opened = OpenRecord(key_, forged, nullptr);
      ASSERT_FALSE(opened.ok()) << "byte " << i << " mask " << int{mask};
      EXPECT_TRUE(IsRejection(opened.status())) << i << ": " << opened.status();
    }
  }
}

// The whole 77-byte header is the associated data: any bit of it changed
// (other than the version, which is framing) is DataLoss.
TEST_F(SealedRecordTest, EveryHeaderBitIsAuthenticated) {
  std::string sealed = Seal("kind words");
  for (size_t i = 1; i < kRecordV2HeaderBytes; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string forged = sealed;
      forged[i] = static_cast<char>(forged[i] ^ (1 << bit));
      EXPECT_EQ(OpenRecord(key_, forged, nullptr).status().code(), StatusCode::kDataLoss)
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(SealedRecordTest, TamperedRegionsGiveTheRightCode) {
  std::string sealed = Seal("hello");
  const size_t body_end = sealed.size() - kSig;
  struct Region {
    const char* name;
    size_t offset;
    StatusCode code;
  };
  const Region regions[] = {
      {"version", 0, StatusCode::kInvalidArgument},
      {"vault id", 1, StatusCode::kDataLoss},
      {"vault id end", 16, StatusCode::kDataLoss},
      {"device id", 17, StatusCode::kDataLoss},
      {"device id end", 32, StatusCode::kDataLoss},
      {"seq high byte", 33, StatusCode::kDataLoss},
      {"seq low byte", 40, StatusCode::kDataLoss},
      {"epoch high byte", 41, StatusCode::kDataLoss},
      {"epoch low byte", 44, StatusCode::kDataLoss},
      {"chain", 45, StatusCode::kDataLoss},
      {"chain end", 76, StatusCode::kDataLoss},
      {"nonce", kRecordV2HeaderBytes, StatusCode::kDataLoss},
      {"nonce end", kRecordV2HeaderBytes + kNonceBytes - 1, StatusCode::kDataLoss},
      {"ciphertext", kRecordV2HeaderBytes + kNonceBytes, StatusCode::kDataLoss},
      {"ciphertext end", body_end - kTagBytes - 1, StatusCode::kDataLoss},
      {"tag", body_end - kTagBytes, StatusCode::kDataLoss},
      {"tag end", body_end - 1, StatusCode::kDataLoss},
      {"signature", body_end, StatusCode::kOk},
      {"signature end", sealed.size() - 1, StatusCode::kOk},
  };
  for (const Region& r : regions) {
    std::string forged = sealed;
    forged[r.offset] = static_cast<char>(forged[r.offset] ^ 0x02);
    EXPECT_EQ(OpenRecord(key_, forged, nullptr).status().code(), r.code) << r.name;
  }
}

TEST_F(SealedRecordTest, SequenceZeroAndUnknownVersionAreInvalid) {
  RecordHeader zero = header_;
  zero.seq = 0;
  std::string sealed = SealRecord(key_, zero, "x");
  EXPECT_EQ(ParseRecordHeader(sealed).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenRecord(key_, sealed, nullptr).status().code(), StatusCode::kInvalidArgument);

  for (uint8_t version : {0, 3, 0x82, 0xFF}) {
    sealed = Seal("x");
    sealed[0] = static_cast<char>(version);
    EXPECT_EQ(ParseRecordHeader(sealed).status().code(), StatusCode::kInvalidArgument) << +version;
    EXPECT_EQ(OpenRecord(key_, sealed, nullptr).status().code(), StatusCode::kInvalidArgument);
  }
}

// Every prefix is refused without a crash: shorter than the smallest
// record is framing (InvalidArgument, from the parser too), longer is a
// record whose last 64 bytes are not its signature and whose ciphertext is
// cut (DataLoss).
TEST_F(SealedRecordTest, TruncatedRecordsAreRejected) {
  std::string body(300, 'b');  // three pad blocks
  std::string sealed = Seal(body);
  ASSERT_EQ(sealed.size(), kRecordOverheadBytes + 3 * kPadBlock);
  for (size_t keep = 0; keep < sealed.size(); ++keep) {
    std::string_view cut = std::string_view(sealed).substr(0, keep);
    auto opened = OpenRecord(key_, cut, nullptr);
    ASSERT_FALSE(opened.ok()) << "kept " << keep;
    StatusCode want = keep < kMinSealed ? StatusCode::kInvalidArgument : StatusCode::kDataLoss;
    EXPECT_EQ(opened.status().code(), want) << keep << ": " << opened.status();
    EXPECT_EQ(ParseRecordHeader(cut).ok(), keep >= kMinSealed) << keep;
  }
  for (size_t keep : {kRecordHeaderBytes, kRecordV2HeaderBytes - 1, kRecordV2HeaderBytes,
                      kRecordV2HeaderBytes + kNonceBytes, kMinSealed - kSig, kMinSealed - 1}) {
    EXPECT_EQ(ParseRecordHeader(sealed.substr(0, keep)).status().code(),
              StatusCode::kInvalidArgument)
        << keep;
  }
}

TEST_F(SealedRecordTest, TrailingBytesAreRejected) {
  std::string sealed = Seal("x") + std::string(kPadBlock, '\0');
  EXPECT_TRUE(IsRejection(OpenRecord(key_, sealed, nullptr).status()));
}

TEST_F(SealedRecordTest, OversizedRecordsAreRejectedBeforeDecryption) {
  // The largest body whose padded record still fits the limit.
  size_t max_padded = (kMaxRecordBytes - kRecordOverheadBytes) / kPadBlock * kPadBlock;
  size_t max_body = max_padded - 1;  // sodium_pad always adds at least one byte
  std::string fits = Seal(std::string(max_body, 'f'));
  EXPECT_LE(fits.size(), kMaxRecordBytes);
  auto opened = OpenRecord(key_, fits, nullptr);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->size(), max_body);

  std::string too_big = Seal(std::string(max_body + 1, 'f'));
  EXPECT_GT(too_big.size(), kMaxRecordBytes);
  EXPECT_EQ(ParseRecordHeader(too_big).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenRecord(key_, too_big, nullptr).status().code(), StatusCode::kInvalidArgument);

  std::string padded_out = fits + std::string(kMaxRecordBytes, 'z');
  EXPECT_EQ(OpenRecord(key_, padded_out, nullptr).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SealedRecordTest, PaddingHidesExactSizes) {
  EXPECT_EQ(Seal(std::string(1, 'a')).size(), Seal(std::string(100, 'a')).size());
  EXPECT_EQ(Seal("").size(), kRecordOverheadBytes + kPadBlock);
  for (size_t size = 0; size < 700; size += 13) {
    size_t sealed = Seal(std::string(size, 'a')).size();
    ASSERT_EQ((sealed - kRecordOverheadBytes) % kPadBlock, 0u) << size;
    EXPECT_GT(sealed - kRecordOverheadBytes, size) << size;
    EXPECT_LE(sealed - kRecordOverheadBytes, size + kPadBlock) << size;
  }
}

TEST_F(SealedRecordTest, RecordsMovedToAnotherPlaceDoNotOpen) {
  std::string sealed = Seal("mood 7");
  auto rewrite = [&](size_t offset, std::string_view bytes) {
    std::string moved = sealed;
    moved.replace(offset, bytes.size(), bytes);
    return OpenRecord(key_, moved, nullptr).status().code();
  };
  EXPECT_EQ(rewrite(1, RandomBytes(kVaultIdBytes)), StatusCode::kDataLoss) << "other vault";
  EXPECT_EQ(rewrite(17, RandomBytes(kDeviceIdBytes)), StatusCode::kDataLoss) << "other device";
  EXPECT_EQ(rewrite(33, std::string("\0\0\0\0\0\0\0\x08", 8)), StatusCode::kDataLoss) << "next seq";
  EXPECT_EQ(rewrite(33, std::string("\0\0\0\0\0\0\0\x01", 8)), StatusCode::kDataLoss) << "seq 1";
  EXPECT_EQ(rewrite(41, std::string("\0\0\0\x04", 4)), StatusCode::kDataLoss) << "next epoch";
  EXPECT_EQ(rewrite(41, std::string("\0\0\0\0", 4)), StatusCode::kDataLoss) << "epoch 0";
  EXPECT_EQ(rewrite(45, RandomBytes(kChainHashBytes)), StatusCode::kDataLoss) << "other chain";

  // A body spliced under another record's header (a replay at a new position).
  RecordHeader next = header_;
  next.seq = 8;
  std::string other = SealRecord(key_, next, "mood 2");
  std::string spliced = other.substr(0, kRecordV2HeaderBytes) + sealed.substr(kRecordV2HeaderBytes);
  EXPECT_EQ(OpenRecord(key_, spliced, nullptr).status().code(), StatusCode::kDataLoss);
}

// A record moved to the membership epoch is not an entry record any more:
// OpenRecord refuses it as framing, whatever its bytes.
TEST_F(SealedRecordTest, ASealedRecordRelabelledMembershipDoesNotOpen) {
  std::string sealed = Seal("mood 7");
  sealed.replace(41, 4, std::string(4, '\xff'));
  EXPECT_EQ(OpenRecord(key_, sealed, nullptr).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SealedRecordTest, GarbageOfAPlausibleSizeIsDataLoss) {
  for (char version : {'\x01', '\x02'}) {
    std::string garbage = std::string(1, version) + RandomBytes(kRecordOverheadBytes + 255);
    garbage[40] = 1;  // a non-zero sequence number
    garbage[41] = 0;  // an epoch, not the membership one
    EXPECT_EQ(OpenRecord(key_, garbage, nullptr).status().code(), StatusCode::kDataLoss)
        << int{version};
  }
}

TEST(SealedBlobTest, RoundTripAndBinding) {
  SecretBytes key = SecretBytes::Random(32);
  for (size_t size : {0, 1, 127, 128, 5000}) {
    std::string plain(size, 'p');
    std::string sealed = SealBlob(key, plain, "ad-1");
    EXPECT_EQ((sealed.size() - kNonceBytes - kTagBytes) % kPadBlock, 0u);
    auto opened = OpenBlob(key, sealed, "ad-1");
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, plain);
  }
  std::string sealed = SealBlob(key, "view row", "ad-1");
  EXPECT_EQ(SealBlob(key, "x", "a").size(), SealBlob(key, std::string(100, 'x'), "a").size());
  EXPECT_EQ(OpenBlob(key, sealed, "ad-2").status().code(), StatusCode::kDataLoss);
  SecretBytes other = SecretBytes::Random(32);
  EXPECT_EQ(OpenBlob(other, sealed, "ad-1").status().code(), StatusCode::kDataLoss);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string forged = sealed;
    forged[i] = static_cast<char>(forged[i] ^ 0x10);
    ASSERT_EQ(OpenBlob(key, forged, "ad-1").status().code(), StatusCode::kDataLoss) << i;
  }
  EXPECT_EQ(OpenBlob(key, sealed.substr(0, 30), "ad-1").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(OpenBlob(key, "", "ad-1").status().code(), StatusCode::kDataLoss);
}

// Seals `padded` as it is, without padding it: what a buggy or hostile
// sealer holding the key could write.
std::string SealUnpadded(const SecretBytes& key, const std::string& padded, std::string_view ad) {
  std::string out(kNonceBytes + padded.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      bytes + kNonceBytes, &written, reinterpret_cast<const unsigned char*>(padded.data()),
      padded.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, bytes,
      key.data());
  return out;
}

TEST(SealedBlobTest, AuthenticBytesWithBadPaddingAreDataLoss) {
  SecretBytes key = SecretBytes::Random(32);
  std::string good(kPadBlock, '\0');
  good.replace(0, 5, "hello");
  good[5] = static_cast<char>(0x80);
  auto opened = OpenBlob(key, SealUnpadded(key, good, "ad"), "ad");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "hello");

  std::string no_marker(kPadBlock, '\0');  // zeros only
  std::string wrong_marker = good;         // 0x81, not 0x80
  wrong_marker[5] = static_cast<char>(0x81);
  std::string marker_too_early(2 * kPadBlock, '\0');  // marker a block back
  marker_too_early[kPadBlock - 1] = static_cast<char>(0x80);
  std::string data_after_marker = good;  // no padding at all
  data_after_marker[kPadBlock - 1] = 'x';
  std::string not_whole_blocks = good.substr(0, kPadBlock - 1);  // not a multiple
  for (const std::string& bad :
       {no_marker, wrong_marker, marker_too_early, data_after_marker, not_whole_blocks}) {
    EXPECT_EQ(OpenBlob(key, SealUnpadded(key, bad, "ad"), "ad").status().code(),
              StatusCode::kDataLoss);
  }
}

TEST(SealedBlobTest, OpenIntoReusesOneBufferForManyBlobs) {
  SecretBytes key = SecretBytes::Random(32);
  std::string plain;
  for (size_t size : {300, 0, 129, 5}) {
    std::string want(size, static_cast<char>('a' + size % 26));
    ASSERT_TRUE(OpenBlobInto(key, SealBlob(key, want, "ad"), "ad", &plain).ok());
    EXPECT_EQ(plain, want);
  }
  EXPECT_EQ(OpenBlobInto(key, SealBlob(key, "x", "ad"), "other", &plain).code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace haven
