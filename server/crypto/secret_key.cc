#include "server/crypto/secret_key.h"

#include <sodium.h>

#include <cctype>
#include <string>

#include "absl/status/status.h"

namespace haven {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford
constexpr size_t kChars = kSecretKeyBytes * 8 / 5;                // 32
constexpr std::string_view kPrefix = "H1";

int DecodeChar(char c) {
  c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

}  // namespace

SecretBytes GenerateSecretKey() { return SecretBytes::Random(kSecretKeyBytes); }

std::string FormatSecretKey(const SecretBytes& key) {
  std::string out(kPrefix);
  uint32_t buffer = 0;
  int bits = 0;
  size_t emitted = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    buffer = (buffer << 8) | key.data()[i];
    bits += 8;
    while (bits >= 5) {
      if (emitted % 4 == 0) out.push_back('-');
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
      ++emitted;
    }
  }
  return out;
}

absl::StatusOr<SecretBytes> ParseSecretKey(std::string_view text) {
  // The characters are the key itself: they are gathered in guarded memory
  // (wiped when it goes), and no error message repeats any of them.
  SecretBytes chars(text.size());
  size_t count = 0;
  for (char c : text) {
    if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    chars.data()[count++] = static_cast<uint8_t>(c);
  }
  size_t start = 0;
  if (count == kChars + kPrefix.size() && std::toupper(chars.data()[0]) == 'H' &&
      DecodeChar(static_cast<char>(chars.data()[1])) == 1) {
    start = kPrefix.size();
  }
  if (count - start != kChars) {
    return absl::InvalidArgumentError(
        "secret key: expected H1- followed by 32 characters in groups of four");
  }
  SecretBytes out(kSecretKeyBytes);
  uint64_t buffer = 0;
  int bits = 0;
  size_t written = 0;
  for (size_t i = start; i < count; ++i) {
    int v = DecodeChar(static_cast<char>(chars.data()[i]));
    if (v < 0) {
      sodium_memzero(&buffer, sizeof(buffer));
      return absl::InvalidArgumentError("secret key: character " + std::to_string(i - start + 1) +
                                        " is not one of 0-9 and A-Z without U");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.data()[written++] = static_cast<uint8_t>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  sodium_memzero(&buffer, sizeof(buffer));
  return out;
}

}  // namespace haven
