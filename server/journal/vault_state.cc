#include "server/journal/vault_state.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/sealed_record.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

std::string MemberMetaKey(std::string_view device_id, uint64_t seq) {
  std::string key(kMetaMemberPrefix);
  key.append(device_id);
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(seq >> (8 * i)));
  return key;
}

absl::StatusOr<Membership> ReadMembership(const Store& store, const std::string& vault_id,
                                          const std::string& epoch0_authority) {
  Membership members(vault_id, epoch0_authority);
  std::vector<MemberRecord> records;
  Cursor cursor = store.NewCursor(Family::kMeta);
  const std::string_view prefix(kMetaMemberPrefix);
  for (cursor.Seek(prefix); cursor.Valid() && cursor.key().substr(0, prefix.size()) == prefix;
       cursor.Next()) {
    auto record = ParseMemberRecord(std::string(cursor.value()), vault_id);
    if (!record.ok()) {
      Log(LogLevel::kError, "a stored membership record does not parse; skipped",
          {{"error", std::string(record.status().message())}});
      continue;
    }
    records.push_back(std::move(*record));
  }
  RETURN_IF_ERROR(cursor.status());
  members.Add(std::move(records));
  return members;
}

bool AuthorityIs(const SecretBytes& key, std::string_view announced) {
  SecretBytes authority;
  std::string derived;
  DeriveAuthorityKey(key, &authority, &derived);
  return derived == announced;
}

bool MemberSlotFree(const Store& store, const RecordLog& log, const MemberRecord& record) {
  const RecordHeader& h = record.header;
  auto logged = log.Get(h.device_id, h.seq);
  if (logged.ok() && logged->has_value() && **logged != record.sealed) return false;
  auto kept = store.Get(Family::kMeta, MemberMetaKey(h.device_id, h.seq));
  return !(kept.ok() && kept->has_value() && **kept != record.sealed);
}

void TakeIncomingMembers(const Store& store, const RecordLog& log, const Membership& current,
                         std::vector<MemberRecord>* records) {
  std::set<std::string> held;
  for (const MemberRecord& r : current.records()) held.insert(r.sealed);
  std::erase_if(*records, [&](const MemberRecord& r) {
    if (held.contains(r.sealed) || !MemberSlotFree(store, log, r)) return true;
    if (current.TakesNow(r)) return false;
    if (r.op.has_revoke()) {
      Log(LogLevel::kWarn, "refused a revoke by a device this vault had already revoked",
          {{"by", HexEncode(r.header.device_id).substr(0, 8)},
           {"of", HexEncode(r.op.revoke().device_id()).substr(0, 8)}});
    }
    return true;
  });
  const size_t room = kMaxMemberRecords - std::min(kMaxMemberRecords, current.records().size());
  if (records->size() <= room) return;
  Log(LogLevel::kWarn, "a hub sent more membership records than a vault keeps",
      {{"records", std::to_string(records->size())}});
  // The earliest stamped are kept, whatever order the hub sent them in.
  std::sort(records->begin(), records->end(), AppliesBefore);
  records->resize(room);
}

std::string KeyringAd(std::string_view vault_id, uint32_t epoch) {
  std::string ad = "haven-keyring-v1";
  ad.append(vault_id);
  for (int i = 3; i >= 0; --i) ad.push_back(static_cast<char>(epoch >> (8 * i)));
  return ad;
}

absl::StatusOr<std::string> Epoch0Authority(std::string_view vault_id, const SecretBytes& key,
                                            const std::vector<MemberRecord>& records) {
  VaultKeys as_epoch0(SecretBytes::CopyOf(key.view()));
  if (VaultIdFromAuthKey(as_epoch0.auth_public_key()) == vault_id) {
    return as_epoch0.auth_public_key();
  }
  for (const MemberRecord& record : records) {
    if (!record.op.has_epoch()) continue;
    const v1::Epoch& epoch = record.op.epoch();
    auto plain = OpenBlob(key, epoch.keyring(), KeyringAd(vault_id, epoch.epoch()));
    if (!plain.ok()) continue;
    v1::Keyring keyring;
    bool parsed = keyring.ParseFromString(*plain) && keyring.keys_size() > 0 &&
                  keyring.keys(0).size() == kVaultKeyBytes;
    sodium_memzero(plain->data(), plain->size());
    if (!parsed) continue;
    VaultKeys first(SecretBytes::CopyOf(keyring.keys(0)));
    for (auto& k : *keyring.mutable_keys()) sodium_memzero(k.data(), k.size());
    if (VaultIdFromAuthKey(first.auth_public_key()) == vault_id) return first.auth_public_key();
  }
  return absl::DataLossError("this key is not one of the vault's keys");
}

v1::Keyring HeldKeyring(const VaultKeys& keys, uint32_t epoch) {
  v1::Keyring keyring;
  for (uint32_t e = 0; e < epoch; ++e) {
    std::vector<const SecretBytes*> held = keys.epoch_keys(e);
    keyring.add_keys(std::string(held.front()->view()));
    for (size_t i = 1; i < held.size(); ++i) {
      auto* alternate = keyring.add_alternates();
      alternate->set_epoch(e);
      alternate->set_key(std::string(held[i]->view()));
    }
  }
  return keyring;
}

void WipeKeyring(v1::Keyring* keyring) {
  for (auto& key : *keyring->mutable_keys()) sodium_memzero(key.data(), key.size());
  for (auto& alt : *keyring->mutable_alternates()) {
    sodium_memzero(alt.mutable_key()->data(), alt.key().size());
  }
}

absl::StatusOr<v1::Keyring> OpenKeyring(const SecretBytes& key, std::string_view vault_id,
                                        uint32_t epoch, std::string_view sealed) {
  auto plain = OpenBlob(key, sealed, KeyringAd(vault_id, epoch));
  if (!plain.ok())
    return absl::DataLossError("the keyring of epoch " + std::to_string(epoch) + " does not open");
  v1::Keyring keyring;
  bool parsed = keyring.ParseFromString(*plain);
  sodium_memzero(plain->data(), plain->size());
  if (!parsed || keyring.keys_size() != static_cast<int>(epoch)) {
    WipeKeyring(&keyring);
    return absl::DataLossError("the keyring of epoch " + std::to_string(epoch) + " is malformed");
  }
  for (const auto& key : keyring.keys()) {
    if (key.size() != kVaultKeyBytes) {
      WipeKeyring(&keyring);
      return absl::DataLossError("the keyring of epoch " + std::to_string(epoch) +
                                 " holds a key of the wrong size");
    }
  }
  for (const auto& alt : keyring.alternates()) {
    if (alt.epoch() >= epoch || alt.key().size() != kVaultKeyBytes) {
      WipeKeyring(&keyring);
      return absl::DataLossError("the keyring of epoch " + std::to_string(epoch) + " is malformed");
    }
  }
  return keyring;
}

absl::StatusOr<std::unique_ptr<VaultKeys>> KeysFromCurrent(const Membership& members,
                                                           std::string_view vault_id,
                                                           SecretBytes current_key) {
  const EpochState& current = members.current();
  if (current.epoch == 0) return std::make_unique<VaultKeys>(std::move(current_key));
  if (!AuthorityIs(current_key, current.authority_public_key)) {
    return absl::DataLossError("the wrapped key is not the key of the vault's current epoch " +
                               std::to_string(current.epoch));
  }
  ASSIGN_OR_RETURN(v1::Keyring keyring,
                   OpenKeyring(current_key, vault_id, current.epoch, current.keyring));
  auto keys = std::make_unique<VaultKeys>(SecretBytes::CopyOf(keyring.keys(0)));
  absl::Status added = absl::OkStatus();
  for (int e = 1; e < keyring.keys_size() && added.ok(); ++e) {
    added = keys->AddEpoch(e, SecretBytes::CopyOf(keyring.keys(e)));
  }
  for (const auto& alt : keyring.alternates()) {
    if (added.ok()) added = keys->AddKey(alt.epoch(), SecretBytes::CopyOf(alt.key()), false);
  }
  WipeKeyring(&keyring);
  RETURN_IF_ERROR(added);
  RETURN_IF_ERROR(keys->AddEpoch(current.epoch, std::move(current_key)));
  return keys;
}

absl::StatusOr<SecretBytes> OpenBoxedSecretKey(std::string_view sealed,
                                               const SecretBytes& device_sign_key) {
  SecretBytes x_secret(crypto_box_SECRETKEYBYTES);
  crypto_sign_ed25519_sk_to_curve25519(x_secret.data(), device_sign_key.data());
  std::string x_public(crypto_box_PUBLICKEYBYTES, '\0');
  crypto_scalarmult_base(reinterpret_cast<uint8_t*>(x_public.data()), x_secret.data());
  if (sealed.size() <= crypto_box_SEALBYTES)
    return absl::DataLossError("a Secret Key box is short");
  SecretBytes secret(sealed.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(secret.data(), U8(sealed), sealed.size(), U8(x_public),
                           x_secret.data()) != 0) {
    return absl::DataLossError("the new Secret Key's box for this device does not open");
  }
  return secret;
}

absl::StatusOr<std::optional<SecretBytes>> OpenSecretKeyBox(const Membership& members,
                                                            std::string_view device_id,
                                                            const SecretBytes& device_sign_key) {
  const auto& boxes = members.current().secret_key_boxes;
  auto box = boxes.find(HexEncode(device_id));
  if (box == boxes.end()) return std::optional<SecretBytes>();
  ASSIGN_OR_RETURN(SecretBytes secret, OpenBoxedSecretKey(box->second, device_sign_key));
  return std::optional<SecretBytes>(std::move(secret));
}

std::string BoxSecretKey(const SecretBytes& secret_key, std::string_view sign_public_key) {
  std::string x_public(crypto_box_PUBLICKEYBYTES, '\0');
  if (crypto_sign_ed25519_pk_to_curve25519(reinterpret_cast<uint8_t*>(x_public.data()),
                                           U8(sign_public_key)) != 0) {
    return "";
  }
  std::string out(secret_key.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<uint8_t*>(out.data()), secret_key.data(), secret_key.size(),
                  U8(x_public));
  return out;
}

}  // namespace haven
