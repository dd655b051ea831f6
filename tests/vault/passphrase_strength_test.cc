// The passphrase bar: zxcvbn's estimate against kMinPassphraseBits, one
// line with the estimate and a hint, and every passphrase the tests,
// benchmarks and demo use to create vaults clears it.
#include "server/vault/passphrase_strength.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace haven {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PassphraseStrengthTest, CommonPassphrasesAreRefusedWithEstimateAndHint) {
  for (const char* weak : {"password", "letmein123", "haven2026", "Haven-Journal", "12345678",
                           "qwertyuiop", "iloveyou2026", "Summer2026!", "havenhaven"}) {
    absl::Status s = CheckPassphraseStrength(weak);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << weak;
    std::string message(s.message());
    EXPECT_THAT(message, HasSubstr("passphrase too weak: ")) << weak;
    EXPECT_THAT(message, HasSubstr("haven needs 10^15")) << weak;
    EXPECT_THAT(message, HasSubstr("use four or more random words")) << weak;
    EXPECT_THAT(message, Not(HasSubstr(weak)));
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  EXPECT_THAT(std::string(CheckPassphraseStrength("letmein123").message()),
              HasSubstr("it could be guessed in about 10^2 tries"));
  EXPECT_THAT(std::string(CheckPassphraseStrength("password").message()),
              HasSubstr("among the first guesses"));
  EXPECT_FALSE(CheckPassphraseStrength("").ok());
}

TEST(PassphraseStrengthTest, HavenWordsCountAsFirstGuesses) {
  // Without the context words "haven" would be a rarer dictionary word.
  EXPECT_LT(PassphraseBits("haven"), PassphraseBits("zorbl"));
  EXPECT_LT(PassphraseBits("haven2026"), 20);
}

TEST(PassphraseStrengthTest, StrongPassphrasesAreAccepted) {
  for (const char* strong : {"quiet-lantern-marble-orbit-7", "x7#kQ9!mP2@vLw",
                             "correct horse battery staple", "puddle tango marble sunrise"}) {
    EXPECT_TRUE(CheckPassphraseStrength(strong).ok()) << strong << ": " << PassphraseBits(strong);
  }
}

TEST(PassphraseStrengthTest, EveryPassphraseOurScriptsCreateVaultsWithClearsTheBar) {
  // tests/e2e/harness.h kPassphrase, tests/e2e (other vaults and the one
  // the strength test switches to), scripts/demo, scripts/bench.
  for (const char* used : {"correct-horse-battery-staple", "passphrase-of-vault-b-lantern",
                           "quiet-lantern-marble-orbit-7", "a long and kind passphrase",
                           "bench-passphrase-correct-horse"}) {
    EXPECT_GE(PassphraseBits(used), kMinPassphraseBits) << used;
  }
}

TEST(PassphraseStrengthTest, BytesAfterANulAreNotCounted) {
  std::string with_nul("password\0quiet-lantern-marble-orbit-7", 37);
  EXPECT_FALSE(CheckPassphraseStrength(with_nul).ok());
}

}  // namespace
}  // namespace haven
