#include "server/crypto/vault_keys.h"

#include <sodium.h>

#include "server/crypto/ids.h"

namespace haven {
namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "havenvlt";
constexpr std::string_view kVaultIdContext = "haven-vault-id-v1";
// 5 seals index snapshots (sealed_file.cc).
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
      slots_(std::make_unique<std::array<std::unique_ptr<Slot>, kMaxKeyEpochs>>()),
      view_key_(Derive(vault_key_, kView)),
      index_key_(Derive(vault_key_, kIndex)) {
  DeriveAuthorityKey(vault_key_, &auth_secret_key_, &auth_public_key_);
  (void)AddEpoch(0, SecretBytes::CopyOf(vault_key_.view()));
}

VaultKeys::~VaultKeys() = default;

absl::Status VaultKeys::AddKey(uint32_t epoch, SecretBytes key, bool primary) {
  const uint32_t held = epochs_.load(std::memory_order_acquire);
  if (epoch > held || epoch >= kMaxKeyEpochs) {
    return absl::FailedPreconditionError("key epoch " + std::to_string(epoch) +
                                         " does not follow the " + std::to_string(held) + " held");
  }
  auto entry = std::make_unique<Key>();
  SecretBytes authority;
  DeriveAuthorityKey(key, &authority, &entry->authority_public);
  if (epoch < held && HoldsKey(epoch, entry->authority_public)) {
    if (primary) SetPrimary(epoch, entry->authority_public);
    return absl::OkStatus();
  }
  entry->record_key = Derive(key, kRecord);
  entry->key = std::move(key);
  if (epoch == held) (*slots_)[epoch] = std::make_unique<Slot>();
  Slot& slot = *(*slots_)[epoch];
  const int count = slot.count.load(std::memory_order_acquire);
  if (count >= kMaxKeysPerEpoch) {
    return absl::ResourceExhaustedError("key epoch " + std::to_string(epoch) +
                                        " holds too many concurrent rotations");
  }
  slot.keys[count] = std::move(entry);
  slot.count.store(count + 1, std::memory_order_release);
  if (primary) slot.primary.store(count, std::memory_order_release);
  if (epoch == held) epochs_.store(held + 1, std::memory_order_release);
  return absl::OkStatus();
}

bool VaultKeys::HoldsKey(uint32_t epoch, std::string_view authority_public) const {
  if (epoch >= epochs_.load(std::memory_order_acquire)) return false;
  const Slot& slot = *(*slots_)[epoch];
  for (int i = 0; i < slot.count.load(std::memory_order_acquire); ++i) {
    if (slot.keys[i]->authority_public == authority_public) return true;
  }
  return false;
}

bool VaultKeys::SetPrimary(uint32_t epoch, std::string_view authority_public) {
  if (epoch >= epochs_.load(std::memory_order_acquire)) return false;
  Slot& slot = *(*slots_)[epoch];
  for (int i = 0; i < slot.count.load(std::memory_order_acquire); ++i) {
    if (slot.keys[i]->authority_public == authority_public) {
      slot.primary.store(i, std::memory_order_release);
      return true;
    }
  }
  return false;
}

const VaultKeys::Key* VaultKeys::Primary(uint32_t epoch) const {
  if (epoch >= epochs_.load(std::memory_order_acquire)) return nullptr;
  const Slot& slot = *(*slots_)[epoch];
  return slot.keys[slot.primary.load(std::memory_order_acquire)].get();
}

std::string VaultKeys::PrimaryAuthority(uint32_t epoch) const {
  const Key* key = Primary(epoch);
  return key == nullptr ? "" : key->authority_public;
}

const SecretBytes* VaultKeys::epoch_key(uint32_t epoch) const {
  const Key* key = Primary(epoch);
  return key == nullptr ? nullptr : &key->key;
}

const SecretBytes* VaultKeys::record_key(uint32_t epoch) const {
  const Key* key = Primary(epoch);
  return key == nullptr ? nullptr : &key->record_key;
}

std::vector<const SecretBytes*> VaultKeys::KeysOf(uint32_t epoch,
                                                  SecretBytes VaultKeys::Key::*which) const {
  std::vector<const SecretBytes*> out;
  if (epoch >= epochs_.load(std::memory_order_acquire)) return out;
  const Slot& slot = *(*slots_)[epoch];
  const int primary = slot.primary.load(std::memory_order_acquire);
  out.push_back(&((*slot.keys[primary]).*which));
  for (int i = 0; i < slot.count.load(std::memory_order_acquire); ++i) {
    if (i != primary) out.push_back(&((*slot.keys[i]).*which));
  }
  return out;
}

std::vector<const SecretBytes*> VaultKeys::epoch_keys(uint32_t epoch) const {
  return KeysOf(epoch, &Key::key);
}

std::vector<const SecretBytes*> VaultKeys::record_keys(uint32_t epoch) const {
  return KeysOf(epoch, &Key::record_key);
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
  std::vector<const SecretBytes*> candidates = keys.record_keys(header->epoch);
  if (candidates.empty()) {
    return absl::FailedPreconditionError("record " + HexEncode(header->device_id).substr(0, 8) +
                                         "/" + std::to_string(header->seq) + ": key epoch " +
                                         std::to_string(header->epoch) + " is not held here yet");
  }
  absl::StatusOr<std::string> opened = OpenRecord(*candidates.front(), sealed, header_out);
  // A record of a rotation that lost to a concurrent one opens under that
  // rotation's key (VaultKeys::AddKey).
  for (size_t i = 1; i < candidates.size() && !opened.ok(); ++i) {
    opened = OpenRecord(*candidates[i], sealed, header_out);
  }
  return opened;
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
