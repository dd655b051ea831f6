#include "server/crypto/vault_keys.h"

#include <sodium.h>

#include "server/crypto/ids.h"

namespace haven {
namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "havenvlt";
constexpr std::string_view kVaultIdContext = "haven-vault-id-v1";
enum SubkeyId : uint64_t { kRecord = 1, kView = 2, kIndex = 3, kAuth = 4 };

SecretBytes Derive(const SecretBytes& key, SubkeyId id) {
  SecretBytes out(32);
  crypto_kdf_derive_from_key(out.data(), out.size(), id, kContext, key.data());
  return out;
}

}  // namespace

void DeriveAuthorityKey(const SecretBytes& epoch_key, SecretBytes* secret_key,
                        std::string* public_key) {
  SecretBytes seed = Derive(epoch_key, kAuth);
  *secret_key = SecretBytes(crypto_sign_SECRETKEYBYTES);
  public_key->resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<uint8_t*>(public_key->data()), secret_key->data(),
                           seed.data());
}

VaultKeys::VaultKeys(SecretBytes vault_key)
    : vault_key_(std::move(vault_key)),
      slots_(std::make_unique<std::array<std::unique_ptr<Epoch>, kMaxKeyEpochs>>()),
      view_key_(Derive(vault_key_, kView)),
      index_key_(Derive(vault_key_, kIndex)) {
  DeriveAuthorityKey(vault_key_, &auth_secret_key_, &auth_public_key_);
  (void)AddEpoch(0, SecretBytes::CopyOf(vault_key_.view()));
}

VaultKeys::~VaultKeys() = default;

absl::Status VaultKeys::AddEpoch(uint32_t epoch, SecretBytes key) {
  const uint32_t held = epochs_.load(std::memory_order_acquire);
  if (epoch != held || epoch >= kMaxKeyEpochs) {
    return absl::FailedPreconditionError("key epoch " + std::to_string(epoch) +
                                         " does not follow the " + std::to_string(held) + " held");
  }
  auto slot = std::make_unique<Epoch>();
  slot->record_key = Derive(key, kRecord);
  slot->key = std::move(key);
  (*slots_)[epoch] = std::move(slot);
  epochs_.store(held + 1, std::memory_order_release);
  return absl::OkStatus();
}

const SecretBytes* VaultKeys::epoch_key(uint32_t epoch) const {
  if (epoch >= epochs_.load(std::memory_order_acquire)) return nullptr;
  return &(*slots_)[epoch]->key;
}

const SecretBytes* VaultKeys::record_key(uint32_t epoch) const {
  if (epoch >= epochs_.load(std::memory_order_acquire)) return nullptr;
  return &(*slots_)[epoch]->record_key;
}

std::string VaultKeys::ViewKeyFor(std::string_view entry_id) const {
  std::string out(16, '\0');
  crypto_generichash(reinterpret_cast<uint8_t*>(out.data()), out.size(),
                     reinterpret_cast<const uint8_t*>(entry_id.data()), entry_id.size(),
                     index_key_.data(), index_key_.size());
  return out;
}

absl::StatusOr<std::string> OpenRecordAnyEpoch(const VaultKeys& keys, std::string_view sealed,
                                               RecordHeader* header_out) {
  auto header = ParseRecordHeader(sealed);
  if (!header.ok()) return header.status();
  if (header->membership()) return absl::NotFoundError("a membership record seals nothing");
  const SecretBytes* key = keys.record_key(header->epoch);
  if (key == nullptr) {
    return absl::FailedPreconditionError("record " + HexEncode(header->device_id).substr(0, 8) +
                                         "/" + std::to_string(header->seq) + ": key epoch " +
                                         std::to_string(header->epoch) + " is not held here yet");
  }
  return OpenRecord(*key, sealed, header_out);
}

std::string VaultIdFromAuthKey(std::string_view auth_public_key) {
  std::string message(kVaultIdContext);
  message.append(auth_public_key);
  uint8_t digest[32];
  crypto_generichash(digest, sizeof(digest), reinterpret_cast<const uint8_t*>(message.data()),
                     message.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(digest), kVaultIdBytes);
}

std::string VaultIdForVaultKey(const SecretBytes& vault_key) {
  return VaultIdFromAuthKey(VaultKeys(SecretBytes::CopyOf(vault_key.view())).auth_public_key());
}

}  // namespace haven
