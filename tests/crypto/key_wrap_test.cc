// Wrapping the vault key under passphrase + Secret Key. Argon2id calls cost
// about 0.2 s each (interactive profile), so the suite shares one wrapped
// key and runs as few derivations as the checks allow.
#include "server/crypto/key_wrap.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/secret_key.h"

namespace haven {
namespace {

using absl::StatusCode;

// Layout of a wrapped key: "HVK1", ops (u64 LE), mem (u64 LE), salt, nonce,
// ciphertext + tag.
constexpr size_t kOpsOffset = 4;
constexpr size_t kMemOffset = 12;
constexpr size_t kSaltOffset = 20;

void PutU64Le(std::string* s, size_t offset, uint64_t v) {
  for (int i = 0; i < 8; ++i) (*s)[offset + i] = static_cast<char>(v >> (8 * i));
}

class KeyWrapTest : public ::testing::Test {
 protected:
  struct Shared {
    SecretBytes vault_key = GenerateVaultKey();
    SecretBytes secret_key = GenerateSecretKey();
    std::string vault_id = RandomBytes(kVaultIdBytes);
    std::string wrapped;
  };

  static void SetUpTestSuite() {
    shared_ = new Shared();
    auto profile = KdfProfileByName("interactive");
    ASSERT_TRUE(profile.ok());
    auto wrapped = WrapVaultKey(shared_->vault_key, kPassphrase, shared_->secret_key,
                                shared_->vault_id, *profile);
    ASSERT_TRUE(wrapped.ok()) << wrapped.status();
    shared_->wrapped = *wrapped;
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  static constexpr char kPassphrase[] = "correct horse battery staple";
  static Shared* shared_;
};

KeyWrapTest::Shared* KeyWrapTest::shared_ = nullptr;

TEST_F(KeyWrapTest, RoundTrip) {
  auto key = UnwrapVaultKey(shared_->wrapped, kPassphrase, shared_->secret_key, shared_->vault_id);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->view(), shared_->vault_key.view());
  EXPECT_EQ(shared_->wrapped.find(std::string(shared_->vault_key.view())), std::string::npos);
}

TEST_F(KeyWrapTest, WrongPassphraseIsPermissionDenied) {
  auto key = UnwrapVaultKey(shared_->wrapped, "correct horse battery stapler", shared_->secret_key,
                            shared_->vault_id);
  EXPECT_EQ(key.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(KeyWrapTest, WrongSecretKeyIsPermissionDenied) {
  SecretBytes other = SecretBytes::CopyOf(shared_->secret_key.view());
  other.data()[kSecretKeyBytes - 1] ^= 1;  // one bit off
  auto key = UnwrapVaultKey(shared_->wrapped, kPassphrase, other, shared_->vault_id);
  EXPECT_EQ(key.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(KeyWrapTest, WrongVaultIdIsPermissionDenied) {
  auto key = UnwrapVaultKey(shared_->wrapped, kPassphrase, shared_->secret_key,
                            RandomBytes(kVaultIdBytes));
  EXPECT_EQ(key.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(KeyWrapTest, TamperedCiphertextIsPermissionDenied) {
  std::string forged = shared_->wrapped;
  forged.back() = static_cast<char>(forged.back() ^ 1);
  auto key = UnwrapVaultKey(forged, kPassphrase, shared_->secret_key, shared_->vault_id);
  EXPECT_EQ(key.status().code(), StatusCode::kPermissionDenied);
}

// A hub could hand a device a wrapped key with weakened KDF parameters to
// make brute force cheaper. The device must refuse them before running the
// KDF: if it ran, the header mismatch would surface as PermissionDenied.
TEST_F(KeyWrapTest, WeakKdfParametersAreRefusedBeforeDerivation) {
  std::string low_ops = shared_->wrapped;
  PutU64Le(&low_ops, kOpsOffset, crypto_pwhash_OPSLIMIT_INTERACTIVE - 1);
  std::string low_mem = shared_->wrapped;
  PutU64Le(&low_mem, kMemOffset, crypto_pwhash_MEMLIMIT_INTERACTIVE - 1);
  std::string tiny = shared_->wrapped;
  PutU64Le(&tiny, kOpsOffset, 1);
  PutU64Le(&tiny, kMemOffset, 8192);
  for (const std::string* weak : {&low_ops, &low_mem, &tiny}) {
    auto key = UnwrapVaultKey(*weak, kPassphrase, shared_->secret_key, shared_->vault_id);
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << key.status();
    EXPECT_EQ(WrappedKeyProfile(*weak).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(KeyWrapTest, ImplausibleKdfParametersAreRefused) {
  std::string huge = shared_->wrapped;
  PutU64Le(&huge, kMemOffset, uint64_t{1} << 40);
  EXPECT_EQ(
      UnwrapVaultKey(huge, kPassphrase, shared_->secret_key, shared_->vault_id).status().code(),
      StatusCode::kInvalidArgument);
  std::string many = shared_->wrapped;
  PutU64Le(&many, kOpsOffset, 1000000);
  EXPECT_EQ(WrappedKeyProfile(many).status().code(), StatusCode::kInvalidArgument);
}

// A hub hands a joining device its wrapped key: parameters above the
// "sensitive" profile are refused before any Argon2id runs. The ops case
// shows it: one pass more than "sensitive" with the interactive memory
// would derive (a wrong key, so PermissionDenied) if it were let through.
TEST_F(KeyWrapTest, KdfParametersAboveSensitiveAreRefusedBeforeDerivation) {
  std::string more_ops = shared_->wrapped;
  PutU64Le(&more_ops, kOpsOffset, crypto_pwhash_OPSLIMIT_SENSITIVE + 1);
  std::string more_mem = shared_->wrapped;
  PutU64Le(&more_mem, kMemOffset, uint64_t{crypto_pwhash_MEMLIMIT_SENSITIVE} + 1024);
  std::string both = shared_->wrapped;
  PutU64Le(&both, kOpsOffset, 32);
  PutU64Le(&both, kMemOffset, uint64_t{4} << 30);
  for (const std::string* big : {&more_ops, &more_mem, &both}) {
    auto profile = WrappedKeyProfile(*big);
    ASSERT_EQ(profile.status().code(), StatusCode::kInvalidArgument) << profile.status();
    EXPECT_NE(profile.status().message().find("above haven's maximum"), std::string_view::npos)
        << profile.status();
  }
  auto key = UnwrapVaultKey(more_ops, kPassphrase, shared_->secret_key, shared_->vault_id);
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << key.status();
  EXPECT_EQ(
      CheckKdfParameters(crypto_pwhash_OPSLIMIT_SENSITIVE + 1, crypto_pwhash_MEMLIMIT_INTERACTIVE)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckKdfParameters(crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               uint64_t{crypto_pwhash_MEMLIMIT_SENSITIVE} + 1)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(KeyWrapTest, MalformedWrappedKeysAreInvalid) {
  const std::string& w = shared_->wrapped;
  std::string bad_magic = w;
  bad_magic[0] = 'X';
  for (const std::string& bad : {std::string(), w.substr(0, w.size() - 1), w + "x", bad_magic}) {
    EXPECT_EQ(WrappedKeyProfile(bad).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(
        UnwrapVaultKey(bad, kPassphrase, shared_->secret_key, shared_->vault_id).status().code(),
        StatusCode::kInvalidArgument);
  }
}

TEST_F(KeyWrapTest, WrappedKeyProfileReportsTheProfile) {
  auto profile = WrappedKeyProfile(shared_->wrapped);
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->name, "interactive");
  EXPECT_EQ(profile->ops_limit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(profile->mem_limit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  // The salt is random: the same inputs never give the same bytes.
  EXPECT_NE(shared_->wrapped.substr(kSaltOffset, crypto_pwhash_SALTBYTES),
            std::string(crypto_pwhash_SALTBYTES, '\0'));
}

TEST(KdfProfileTest, NamedProfiles) {
  auto interactive = KdfProfileByName("interactive");
  ASSERT_TRUE(interactive.ok());
  EXPECT_EQ(interactive->mem_limit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  EXPECT_EQ(KdfProfileByName("")->name, "interactive");
  EXPECT_EQ(KdfProfileByName("moderate")->mem_limit, crypto_pwhash_MEMLIMIT_MODERATE);
  EXPECT_EQ(KdfProfileByName("sensitive")->ops_limit, crypto_pwhash_OPSLIMIT_SENSITIVE);
  EXPECT_EQ(KdfProfileByName("fast").status().code(), StatusCode::kInvalidArgument);
}

TEST(KdfProfileTest, CheckKdfParametersNamesAndFloors) {
  EXPECT_EQ(
      CheckKdfParameters(crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE)->name,
      "moderate");
  EXPECT_EQ(
      CheckKdfParameters(crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE)->name,
      "sensitive");
  EXPECT_EQ(
      CheckKdfParameters(crypto_pwhash_OPSLIMIT_INTERACTIVE + 1, crypto_pwhash_MEMLIMIT_INTERACTIVE)
          ->name,
      "custom");
  EXPECT_EQ(
      CheckKdfParameters(crypto_pwhash_OPSLIMIT_INTERACTIVE - 1, crypto_pwhash_MEMLIMIT_INTERACTIVE)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      CheckKdfParameters(crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE / 2)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

TEST(WrapVaultKeyTest, RefusesToWrapUnderWeakParameters) {
  SecretBytes vault_key = GenerateVaultKey();
  SecretBytes secret_key = GenerateSecretKey();
  KdfProfile weak{"weak", 1, 8192};
  auto wrapped = WrapVaultKey(vault_key, "pass", secret_key, RandomBytes(16), weak);
  EXPECT_EQ(wrapped.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace haven
