// The key hierarchy below the vault keys. Every subkey comes from
// crypto_kdf_derive_from_key(vault key, id, "havenvlt"), so one vault key
// serves distinct purposes without reusing key material.
//
// A vault has one key per key epoch (docs/design.md, "Devices and key
// epochs"): epoch 0's is the key made at init, and each rotation adds one.
// Records are sealed under the current epoch's record key and opened under
// their own epoch's; the local view and its row names stay under epoch 0's
// subkeys; the auth key pair (registration, the vault id) is epoch 0's.
//
// Thread safety: every method may be called from any thread; AddEpoch
// publishes a new epoch to readers that run beside it.
#ifndef HAVEN_SERVER_CRYPTO_VAULT_KEYS_H_
#define HAVEN_SERVER_CRYPTO_VAULT_KEYS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

// A vault holds at most this many key epochs (one rotation a day for
// eleven years); a rotation past it is refused.
inline constexpr uint32_t kMaxKeyEpochs = 4096;
// Rotations of one epoch number made at once by different devices.
inline constexpr int kMaxKeysPerEpoch = 8;

// The Ed25519 authority key pair of an epoch, derived from its key: enrols
// devices (server/membership/membership_op.h) and, for epoch 0, logs the
// vault into hubs and names it (VaultIdFromAuthKey).
void DeriveAuthorityKey(const SecretBytes& epoch_key, SecretBytes* secret_key,
                        std::string* public_key);

class VaultKeys {
 public:
  // Takes ownership of epoch 0's key; derives every subkey at once.
  explicit VaultKeys(SecretBytes vault_key);
  ~VaultKeys();

  // Adds the key of epoch current_epoch() + 1. FailedPrecondition for any
  // other number or past kMaxKeyEpochs.
  absl::Status AddEpoch(uint32_t epoch, SecretBytes key) {
    return AddKey(epoch, std::move(key), /*primary=*/true);
  }
  // Two devices that rotate at once both make an epoch of the same number;
  // the membership keeps one (the primary: it seals from then on) and the
  // other's records still open under its key. Adds a key to `epoch` (at
  // most current_epoch() + 1; at most kMaxKeysPerEpoch keys per epoch); a
  // key already held is not added twice.
  absl::Status AddKey(uint32_t epoch, SecretBytes key, bool primary);
  // Whether `epoch` holds the key whose authority key is `authority_public`.
  bool HoldsKey(uint32_t epoch, std::string_view authority_public) const;
  // The authority key of `epoch`'s primary key; empty when not held.
  std::string PrimaryAuthority(uint32_t epoch) const;
  // Makes that key `epoch`'s primary; false when it is not held.
  bool SetPrimary(uint32_t epoch, std::string_view authority_public);
  uint32_t current_epoch() const { return epochs_.load(std::memory_order_acquire) - 1; }
  // The primary key and record key of `epoch`; nullptr when it is not held.
  const SecretBytes* epoch_key(uint32_t epoch) const;
  const SecretBytes* record_key(uint32_t epoch) const;
  // Every key of `epoch`, the primary first.
  std::vector<const SecretBytes*> epoch_keys(uint32_t epoch) const;
  std::vector<const SecretBytes*> record_keys(uint32_t epoch) const;

  const SecretBytes& vault_key() const { return vault_key_; }  // epoch 0's
  // The current epoch's record key: seals records.
  const SecretBytes& record_key() const { return *record_key(current_epoch()); }
  const SecretBytes& view_key() const { return view_key_; }  // seals the local view
  // Ed25519 key pair proving membership of the vault to a hub.
  const SecretBytes& auth_secret_key() const { return auth_secret_key_; }
  const std::string& auth_public_key() const { return auth_public_key_; }

  // A keyed hash naming an entry in the local view without revealing its id.
  std::string ViewKeyFor(std::string_view entry_id) const;

 private:
  struct Key {
    SecretBytes key;
    SecretBytes record_key;
    std::string authority_public;
  };
  // An epoch's keys: entries 0 .. count-1 are set, each written once before
  // count moves past it.
  struct Slot {
    std::array<std::unique_ptr<Key>, kMaxKeysPerEpoch> keys;
    std::atomic<int> count{0};
    std::atomic<int> primary{0};
  };
  const Key* Primary(uint32_t epoch) const;
  // `which` of every key of `epoch`, the primary first.
  std::vector<const SecretBytes*> KeysOf(uint32_t epoch, SecretBytes Key::*which) const;

  SecretBytes vault_key_;
  // Slots 0 .. epochs_-1 are set; a slot is made once, before epochs_
  // moves past it.
  std::unique_ptr<std::array<std::unique_ptr<Slot>, kMaxKeyEpochs>> slots_;
  std::atomic<uint32_t> epochs_{0};
  SecretBytes view_key_;
  SecretBytes index_key_;
  SecretBytes auth_secret_key_;
  std::string auth_public_key_;
};

// Opens a record under its own epoch's record key (format 1: epoch 0).
// NotFound for a membership record (nothing in it is sealed);
// FailedPrecondition when this device does not hold the record's epoch
// (yet); otherwise as OpenRecord.
absl::StatusOr<std::string> OpenRecordAnyEpoch(const VaultKeys& keys, std::string_view sealed,
                                               RecordHeader* header_out);

// A new vault's id: the first 16 bytes of
// BLAKE2b-256("haven-vault-id-v1" || auth public key). A hub registers a
// vault id only for a key it was derived from, so nobody can take a vault's
// id on a hub without holding its key (docs/design.md "Sync").
std::string VaultIdFromAuthKey(std::string_view auth_public_key);
// VaultIdFromAuthKey of the auth key `vault_key` derives.
std::string VaultIdForVaultKey(const SecretBytes& vault_key);

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_VAULT_KEYS_H_
