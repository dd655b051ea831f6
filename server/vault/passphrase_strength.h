// How hard a passphrase is to guess, estimated with zxcvbn, and the bar a
// new passphrase must clear wherever one is set (today: `haven init`).
//
// Why a bar at all: a stolen locked laptop holds the Secret Key in its
// store, so the passphrase and Argon2id are all that stand between a thief
// and the journal (docs/design.md, "Keys").
#ifndef HAVEN_SERVER_VAULT_PASSPHRASE_STRENGTH_H_
#define HAVEN_SERVER_VAULT_PASSPHRASE_STRENGTH_H_

#include <string_view>

#include "absl/status/status.h"

namespace haven {

// The least estimated strength accepted, in bits (log2 of the guesses an
// attacker who knows common words, names, keyboard patterns, dates and
// substitutions would need): 2^50, about 10^15 guesses. At 10,000 Argon2id
// "moderate" guesses a second, far beyond one machine, half of that takes
// over a thousand years.
inline constexpr double kMinPassphraseBits = 50;

// zxcvbn's estimate for `passphrase`, in bits. Words tied to haven itself
// ("haven", "journal", "vault", ...) count as the first guesses. The text
// is only copied into sodium_malloc memory, wiped after; bytes after a NUL
// are not counted. Thread-safe.
double PassphraseBits(std::string_view passphrase);

// OK when PassphraseBits(passphrase) >= kMinPassphraseBits; otherwise
// InvalidArgument with one line giving the estimate and a hint, e.g.
// "passphrase too weak: it could be guessed in about 10^5 tries (haven
// needs 10^15); use four or more random words, or 12 or more random
// characters". The message never contains the passphrase.
absl::Status CheckPassphraseStrength(std::string_view passphrase);

}  // namespace haven

#endif  // HAVEN_SERVER_VAULT_PASSPHRASE_STRENGTH_H_
