// The Secret Key's emergency-kit format: "H1-" and eight groups of four
// Crockford base32 characters, forgiving of how people retype it.
#include "server/crypto/secret_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace haven {
namespace {

using absl::StatusCode;

std::string Bytes(const SecretBytes& b) { return std::string(b.view()); }

// 160 bits of the repeating pattern 00001 encode as 32 '1' characters.
SecretBytes AllOnesKey() {
  const uint8_t pattern[] = {0x08, 0x42, 0x10, 0x84, 0x21};
  SecretBytes key(kSecretKeyBytes);
  for (size_t i = 0; i < kSecretKeyBytes; ++i) key.data()[i] = pattern[i % 5];
  return key;
}

TEST(SecretKeyTest, FormatHasPrefixAndEightGroupsOfFour) {
  SecretBytes key = GenerateSecretKey();
  ASSERT_EQ(key.size(), kSecretKeyBytes);
  std::string text = FormatSecretKey(key);
  ASSERT_EQ(text.size(), 3 + 8 * 4 + 7);
  EXPECT_EQ(text.substr(0, 3), "H1-");
  for (size_t group = 0; group < 8; ++group) {
    size_t start = 3 + group * 5;
    for (size_t i = 0; i < 4; ++i) {
      char c = text[start + i];
      EXPECT_NE(std::string("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(c), std::string::npos) << text;
    }
    if (group < 7) EXPECT_EQ(text[start + 4], '-') << text;
  }
}

TEST(SecretKeyTest, KnownEncodings) {
  SecretBytes zeros(kSecretKeyBytes);
  EXPECT_EQ(FormatSecretKey(zeros), "H1-0000-0000-0000-0000-0000-0000-0000-0000");
  SecretBytes ones = SecretBytes::CopyOf(std::string(kSecretKeyBytes, '\xff'));
  EXPECT_EQ(FormatSecretKey(ones), "H1-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
  EXPECT_EQ(FormatSecretKey(AllOnesKey()), "H1-1111-1111-1111-1111-1111-1111-1111-1111");
}

TEST(SecretKeyTest, ParseRoundTrip) {
  for (int i = 0; i < 20; ++i) {
    SecretBytes key = GenerateSecretKey();
    auto parsed = ParseSecretKey(FormatSecretKey(key));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(Bytes(*parsed), Bytes(key));
  }
}

TEST(SecretKeyTest, ParseToleratesHowPeopleRetypeIt) {
  SecretBytes key = GenerateSecretKey();
  std::string text = FormatSecretKey(key);
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), '-', ' ');
  std::string undashed = text;
  undashed.erase(std::remove(undashed.begin(), undashed.end(), '-'), undashed.end());
  std::string no_prefix = text.substr(3);
  std::string padded = "  " + text + "\n";
  for (const std::string& variant : {lower, spaced, undashed, no_prefix, padded}) {
    auto parsed = ParseSecretKey(variant);
    ASSERT_TRUE(parsed.ok()) << variant << ": " << parsed.status();
    EXPECT_EQ(Bytes(*parsed), Bytes(key)) << variant;
  }
}

TEST(SecretKeyTest, ParseMapsLookAlikes) {
  SecretBytes zeros(kSecretKeyBytes);
  for (const char* text : {"H1-OOOO-OOOO-OOOO-OOOO-OOOO-OOOO-OOOO-OOOO",
                           "h1-oooo-oooo-0000-0000-0000-0000-0000-OoOo"}) {
    auto parsed = ParseSecretKey(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(Bytes(*parsed), Bytes(zeros)) << text;
  }
  SecretBytes ones = AllOnesKey();
  for (const char* text :
       {"H1-IIII-LLLL-iiii-llll-1111-IlIl-LiLi-1I1L", "H1IIIILLLLiiiillll1111IlIlLiLi1I1L"}) {
    auto parsed = ParseSecretKey(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(Bytes(*parsed), Bytes(ones)) << text;
  }
}

// The prefix is printed as "H1" in the emergency kit; the same look-alike
// rule as the body applies, so "HI-" or "hl-" must read as "H1-".
TEST(SecretKeyTest, ParseMapsLookAlikesInThePrefix) {
  SecretBytes key = GenerateSecretKey();
  std::string body = FormatSecretKey(key).substr(2);
  for (const char* prefix : {"HI", "Hl", "hi", "hL"}) {
    auto parsed = ParseSecretKey(prefix + body);
    ASSERT_TRUE(parsed.ok()) << prefix << ": " << parsed.status();
    EXPECT_EQ(Bytes(*parsed), Bytes(key)) << prefix;
  }
}

TEST(SecretKeyTest, ParseRejectsWrongLengths) {
  std::string text = FormatSecretKey(GenerateSecretKey());
  for (const std::string& bad :
       {std::string(), std::string("H1-"), text.substr(0, text.size() - 1), text + "0",
        text + "-0000", text.substr(3, 31), std::string(40, '-')}) {
    EXPECT_EQ(ParseSecretKey(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SecretKeyTest, ParseRejectsBadCharacters) {
  std::string text = FormatSecretKey(GenerateSecretKey());
  for (char c : {'U', 'u', '*', '!', '_', '.', '\0', '\xc3'}) {
    std::string bad = text;
    bad[5] = c;
    EXPECT_EQ(ParseSecretKey(bad).status().code(), StatusCode::kInvalidArgument)
        << "char " << int{static_cast<unsigned char>(c)};
  }
  EXPECT_EQ(ParseSecretKey("X1-0000-0000-0000-0000-0000-0000-0000-0000").status().code(),
            StatusCode::kInvalidArgument);
}

// An error names the position, never a character: the text is the key, and
// errors travel to the CLI and, from background work, to havend.log.
TEST(SecretKeyTest, ParseErrorsRepeatNoPartOfTheKey) {
  std::string text = FormatSecretKey(GenerateSecretKey());
  text[5] = '*';  // "H1-" and two characters come first
  absl::Status status = ParseSecretKey(text).status();
  ASSERT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("character 3"), std::string::npos) << status;
  std::string groups = text.substr(3);  // the key's characters, past "H1-"
  for (size_t i = 0; i + 4 <= groups.size(); i += 5) {
    EXPECT_EQ(status.message().find(groups.substr(i, 4)), std::string::npos) << status;
  }
  EXPECT_EQ(status.message().find('*'), std::string::npos) << status;
}

TEST(WipeOnExitTest, ZeroesTheStringsItNamesWhicheverWayTheScopeEnds) {
  std::string passphrase = "correct-horse-battery-staple";
  std::string secret_key = "H1-ABCD-EFGH";
  const char* passphrase_bytes = passphrase.data();
  const size_t passphrase_size = passphrase.size();
  { WipeOnExit wipe({&passphrase, &secret_key}); }
  EXPECT_TRUE(passphrase.empty());
  EXPECT_TRUE(secret_key.empty());
  // Cleared in place: the buffer that held it holds zeros, not the text.
  EXPECT_EQ(std::count(passphrase_bytes, passphrase_bytes + passphrase_size, '\0'),
            static_cast<long>(passphrase_size));
}

}  // namespace
}  // namespace haven
