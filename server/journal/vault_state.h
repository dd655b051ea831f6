// What a device keeps about its vault's membership and keys in the meta
// family, and the steps that turn it into keys (docs/design.md, "Devices
// and key epochs"). Shared by the journal (which writes membership records
// as they arrive) and the vault (which reads them at unlock).
#ifndef HAVEN_SERVER_JOURNAL_VAULT_STATE_H_
#define HAVEN_SERVER_JOURNAL_VAULT_STATE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"
#include "server/crypto/vault_keys.h"
#include "server/membership/membership.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

// Meta keys.
inline constexpr char kMetaVaultId[] = "vault/id";
inline constexpr char kMetaDeviceId[] = "vault/device";
inline constexpr char kMetaWrappedKey[] = "vault/wrapped_key";  // the newest this device holds
inline constexpr char kMetaSecretKey[] = "vault/secret_key";
inline constexpr char kMetaAuthKey[] = "vault/auth_key";      // epoch 0's, for registration
inline constexpr char kMetaDeviceKey[] = "vault/device_key";  // Ed25519, this device's own
inline constexpr char kMetaMemberPrefix[] = "member/";  // ‖ device ‖ seq: a membership record
inline constexpr char kMetaSeenPrefix[] = "seen/";      // ‖ hex device: its last login at a hub

std::string MemberMetaKey(std::string_view device_id, uint64_t seq);

// Every membership record in `store`'s meta family, as a Membership of
// the vault whose epoch-0 auth key is `epoch0_authority`. Records that do
// not parse are skipped (and logged).
absl::StatusOr<Membership> ReadMembership(const Store& store, const std::string& vault_id,
                                          const std::string& epoch0_authority);

// The keys of every epoch from the current epoch's key: its keyring opens
// the older ones. DataLoss when `current_key` is not the current epoch's
// (its authority key differs) or the keyring does not open.
absl::StatusOr<std::unique_ptr<VaultKeys>> KeysFromCurrent(const Membership& members,
                                                           std::string_view vault_id,
                                                           SecretBytes current_key);

// The epoch-0 auth public key of a vault whose key of some epoch is
// `key`: its own when `key` is epoch 0's (the vault id derives from it),
// else the one of epoch 0's key in the keyring of the newest Epoch among
// `records` that `key` opens. DataLoss when neither holds.
absl::StatusOr<std::string> Epoch0Authority(std::string_view vault_id, const SecretBytes& key,
                                            const std::vector<MemberRecord>& records);

// The keyring a rotation to `epoch` seals: the primary key of each epoch
// before it and every other key held for them.
v1::Keyring HeldKeyring(const VaultKeys& keys, uint32_t epoch);
// Opens an Epoch's keyring with its key; DataLoss when it does not open or
// does not hold a key for every epoch before it.
absl::StatusOr<v1::Keyring> OpenKeyring(const SecretBytes& key, std::string_view vault_id,
                                        uint32_t epoch, std::string_view sealed);
void WipeKeyring(v1::Keyring* keyring);
// A Secret Key boxed to this device's key (crypto_box_seal, X25519 form).
absl::StatusOr<SecretBytes> OpenBoxedSecretKey(std::string_view box,
                                               const SecretBytes& device_sign_key);

// Whether `key` derives the authority key an Epoch announced for it.
bool AuthorityIs(const SecretBytes& key, std::string_view announced);

// Whether a membership record from elsewhere (a hub's) fits what this
// device holds: its (device, seq) slot holds no other bytes, in `log` or
// among the membership records kept in `store`'s meta.
bool MemberSlotFree(const Store& store, const RecordLog& log, const MemberRecord& record);

// What a device keeps of membership records from a hub, locked or not:
// leaves out those `current` holds already, those in a slot that holds
// other bytes (MemberSlotFree), those Membership::TakesNow refuses (logging
// a refused revoke: two devices that revoked each other through different
// hubs, or a revoked device and a hub that helps it), and, past
// kMaxMemberRecords in all, the latest stamped.
void TakeIncomingMembers(const Store& store, const RecordLog& log, const Membership& current,
                         std::vector<MemberRecord>* records);

// The associated data of an epoch's keyring.
std::string KeyringAd(std::string_view vault_id, uint32_t epoch);

// The Secret Key boxed for this device in the current epoch, if any
// (crypto_box_seal to the X25519 form of its device key).
absl::StatusOr<std::optional<SecretBytes>> OpenSecretKeyBox(const Membership& members,
                                                            std::string_view device_id,
                                                            const SecretBytes& device_sign_key);
std::string BoxSecretKey(const SecretBytes& secret_key, std::string_view sign_public_key);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_VAULT_STATE_H_
