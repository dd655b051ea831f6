#include "server/crypto/key_wrap.h"

#include <sodium.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/field_error.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kMagic = "HVK1";
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kHeaderBytes = 4 + 8 + 8 + kSaltBytes;
constexpr size_t kWrappedBytes =
    kHeaderBytes + kNonceBytes + kVaultKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::string_view kCombineContext = "haven-wrap-v1";

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

absl::StatusOr<SecretBytes> Stretch(std::string_view passphrase, std::string_view salt,
                                    const KdfProfile& profile) {
  SecretBytes stretched(32);
  if (crypto_pwhash(stretched.data(), stretched.size(), passphrase.data(), passphrase.size(),
                    reinterpret_cast<const uint8_t*>(salt.data()), profile.ops_limit,
                    profile.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory for the key derivation");
  }
  return stretched;
}

SecretBytes CombineWrapKey(const SecretBytes& stretched, const SecretBytes& secret_key) {
  SecretBytes message(kCombineContext.size() + secret_key.size());
  std::memcpy(message.data(), kCombineContext.data(), kCombineContext.size());
  std::memcpy(message.data() + kCombineContext.size(), secret_key.data(), secret_key.size());
  SecretBytes wrap_key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  crypto_generichash(wrap_key.data(), wrap_key.size(), message.data(), message.size(),
                     stretched.data(), stretched.size());
  return wrap_key;
}

std::string AssociatedData(std::string_view header, std::string_view vault_id) {
  std::string ad(header);
  ad.append(vault_id);
  return ad;
}

}  // namespace

absl::StatusOr<KdfProfile> KdfProfileByName(std::string_view name) {
  if (name == "interactive" || name.empty()) {
    return KdfProfile{"interactive", crypto_pwhash_OPSLIMIT_INTERACTIVE,
                      crypto_pwhash_MEMLIMIT_INTERACTIVE};
  }
  if (name == "moderate") {
    return KdfProfile{"moderate", crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
  }
  if (name == "sensitive") {
    return KdfProfile{"sensitive", crypto_pwhash_OPSLIMIT_SENSITIVE,
                      crypto_pwhash_MEMLIMIT_SENSITIVE};
  }
  return InputError(
      absl::StatusCode::kInvalidArgument, "kdf", "kdf",
      "expected interactive, moderate or sensitive, got \"" + std::string(name) + "\"");
}

absl::StatusOr<KdfProfile> CheckKdfParameters(uint64_t ops_limit, uint64_t mem_limit) {
  if (ops_limit < crypto_pwhash_OPSLIMIT_INTERACTIVE ||
      mem_limit < crypto_pwhash_MEMLIMIT_INTERACTIVE) {
    return absl::InvalidArgumentError(
        "wrapped key: key derivation parameters are below haven's minimum; refusing them");
  }
  // A wrapped key may come from a hub (`haven join`): parameters above the
  // strongest profile haven makes could exhaust this device's memory or
  // time, so they are refused before any derivation runs.
  if (ops_limit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      mem_limit > crypto_pwhash_MEMLIMIT_SENSITIVE) {
    return absl::InvalidArgumentError(absl::StrCat(
        "wrapped key: key derivation parameters (", ops_limit, " passes, ", mem_limit >> 20,
        " MiB) are above haven's maximum, the \"sensitive\" profile (",
        crypto_pwhash_OPSLIMIT_SENSITIVE, " passes, ", crypto_pwhash_MEMLIMIT_SENSITIVE >> 20,
        " MiB); refusing them"));
  }
  std::string name = "custom";
  for (std::string_view candidate : {"sensitive", "moderate", "interactive"}) {
    auto p = KdfProfileByName(candidate);
    if (p->ops_limit == ops_limit && p->mem_limit == mem_limit) name = std::string(candidate);
  }
  return KdfProfile{name, ops_limit, mem_limit};
}

SecretBytes GenerateVaultKey() { return SecretBytes::Random(kVaultKeyBytes); }

namespace {

std::string_view SaltOf(std::string_view wrapped) { return wrapped.substr(20, kSaltBytes); }

std::string Seal(const SecretBytes& vault_key, const SecretBytes& wrap_key, std::string out,
                 std::string_view vault_id) {
  std::string ad = AssociatedData(out, vault_id);
  std::string nonce(kNonceBytes, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  out.append(nonce);
  size_t base = out.size();
  out.resize(kWrappedBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<uint8_t*>(out.data() + base), &written, vault_key.data(), vault_key.size(),
      reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), nullptr,
      reinterpret_cast<const uint8_t*>(nonce.data()), wrap_key.data());
  return out;
}

std::string HeaderFor(const KdfProfile& profile, std::string_view salt) {
  std::string out(kMagic);
  PutU64(out, profile.ops_limit);
  PutU64(out, profile.mem_limit);
  out.append(salt);
  return out;
}

}  // namespace

absl::StatusOr<std::string> WrapVaultKey(const SecretBytes& vault_key, std::string_view passphrase,
                                         const SecretBytes& secret_key, std::string_view vault_id,
                                         const KdfProfile& profile, SecretBytes* stretched_out) {
  RETURN_IF_ERROR(CheckKdfParameters(profile.ops_limit, profile.mem_limit).status());
  if (vault_key.size() != kVaultKeyBytes) return absl::InternalError("vault key has wrong size");
  std::string salt(kSaltBytes, '\0');
  randombytes_buf(salt.data(), salt.size());
  ASSIGN_OR_RETURN(SecretBytes stretched, Stretch(passphrase, salt, profile));
  std::string wrapped =
      Seal(vault_key, CombineWrapKey(stretched, secret_key), HeaderFor(profile, salt), vault_id);
  if (stretched_out != nullptr) *stretched_out = std::move(stretched);
  return wrapped;
}

absl::StatusOr<std::string> WrapStretched(const SecretBytes& vault_key,
                                          const SecretBytes& stretched, std::string_view like,
                                          const SecretBytes& secret_key,
                                          std::string_view vault_id) {
  ASSIGN_OR_RETURN(KdfProfile profile, WrappedKeyProfile(like));
  if (vault_key.size() != kVaultKeyBytes) return absl::InternalError("vault key has wrong size");
  return Seal(vault_key, CombineWrapKey(stretched, secret_key), HeaderFor(profile, SaltOf(like)),
              vault_id);
}

absl::StatusOr<SecretBytes> StretchPassphrase(std::string_view wrapped,
                                              std::string_view passphrase) {
  ASSIGN_OR_RETURN(KdfProfile profile, WrappedKeyProfile(wrapped));
  return Stretch(passphrase, SaltOf(wrapped), profile);
}

absl::StatusOr<KdfProfile> WrappedKeyProfile(std::string_view wrapped) {
  if (wrapped.size() != kWrappedBytes || wrapped.substr(0, 4) != kMagic) {
    return absl::InvalidArgumentError("wrapped key: not a haven wrapped vault key");
  }
  return CheckKdfParameters(GetU64(wrapped.data() + 4), GetU64(wrapped.data() + 12));
}

absl::StatusOr<SecretBytes> UnwrapStretched(std::string_view wrapped, const SecretBytes& stretched,
                                            const SecretBytes& secret_key,
                                            std::string_view vault_id) {
  RETURN_IF_ERROR(WrappedKeyProfile(wrapped).status());
  std::string_view header = wrapped.substr(0, kHeaderBytes);
  std::string_view nonce = wrapped.substr(kHeaderBytes, kNonceBytes);
  std::string_view sealed = wrapped.substr(kHeaderBytes + kNonceBytes);
  SecretBytes wrap_key = CombineWrapKey(stretched, secret_key);
  std::string ad = AssociatedData(header, vault_id);
  SecretBytes vault_key(kVaultKeyBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          vault_key.data(), &written, nullptr, reinterpret_cast<const uint8_t*>(sealed.data()),
          sealed.size(), reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
          reinterpret_cast<const uint8_t*>(nonce.data()), wrap_key.data()) != 0) {
    return absl::PermissionDeniedError("wrong passphrase or Secret Key");
  }
  return vault_key;
}

absl::StatusOr<SecretBytes> UnwrapVaultKey(std::string_view wrapped, std::string_view passphrase,
                                           const SecretBytes& secret_key,
                                           std::string_view vault_id) {
  ASSIGN_OR_RETURN(SecretBytes stretched, StretchPassphrase(wrapped, passphrase));
  return UnwrapStretched(wrapped, stretched, secret_key, vault_id);
}

}  // namespace haven
