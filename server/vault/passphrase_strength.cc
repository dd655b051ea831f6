#include "server/vault/passphrase_strength.h"

#include <zxcvbn.h>

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/crypto/secret_bytes.h"

namespace haven {
namespace {

// Guessed first by anyone who knows the passphrase guards a haven journal.
const char* kContextWords[] = {"haven",      "havend",         "journal",         "vault",
                               "passphrase", "password",       "secret",          "diary",
                               "compassion", "selfcompassion", "self-compassion", "mindfulness",
                               "practice",   "kindness",       "secure",          "private",
                               nullptr};

// Powers of ten are easier to read than bits: 2^b is about 10^(b log10 2).
int PowerOfTen(double bits) { return static_cast<int>(std::lround(bits * std::log10(2.0))); }

}  // namespace

double PassphraseBits(std::string_view passphrase) {
  // zxcvbn wants a NUL-terminated string: a private copy, wiped when done.
  SecretBytes text(passphrase.size() + 1);
  if (!passphrase.empty()) std::memcpy(text.data(), passphrase.data(), passphrase.size());
  // zxcvbn does not promise to be reentrant; passphrases are set rarely.
  static absl::Mutex mu(absl::kConstInit);
  absl::MutexLock lock(&mu);
  return ZxcvbnMatch(reinterpret_cast<const char*>(text.data()), kContextWords, nullptr);
}

absl::Status CheckPassphraseStrength(std::string_view passphrase) {
  const double bits = PassphraseBits(passphrase);
  if (bits >= kMinPassphraseBits) return absl::OkStatus();
  const int tries = PowerOfTen(bits);
  std::string estimate = tries < 1
                             ? "it is among the first guesses anyone would try"
                             : absl::StrCat("it could be guessed in about 10^", tries, " tries");
  return absl::InvalidArgumentError(absl::StrCat(
      "passphrase too weak: ", estimate, " (haven needs 10^", PowerOfTen(kMinPassphraseBits),
      "); use four or more random words, or 12 or more random characters"));
}

}  // namespace haven
