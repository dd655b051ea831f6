#include "server/crypto/secret_key.h"

#include <cctype>

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
  std::string chars;
  for (char c : text) {
    if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    chars.push_back(c);
  }
  if (chars.size() == kChars + kPrefix.size() &&
      std::toupper(static_cast<unsigned char>(chars[0])) == 'H' && DecodeChar(chars[1]) == 1) {
    chars.erase(0, kPrefix.size());
  }
  if (chars.size() != kChars) {
    return absl::InvalidArgumentError(
        "secret key: expected H1- followed by 32 characters in groups of four");
  }
  SecretBytes out(kSecretKeyBytes);
  uint32_t buffer = 0;
  int bits = 0;
  size_t written = 0;
  for (char c : chars) {
    int v = DecodeChar(c);
    if (v < 0) {
      return absl::InvalidArgumentError(std::string("secret key: invalid character '") + c +
                                        "'");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.data()[written++] = static_cast<uint8_t>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  buffer = 0;
  return out;
}

}  // namespace haven
