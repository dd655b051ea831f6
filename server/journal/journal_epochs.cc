// Key epochs as this journal takes them from the membership: each
// rotation's key opened with the passphrase and the Secret Key (or one
// boxed for this device), and the membership's choice made primary
// (docs/design.md, "Devices and key epochs").
#include <sodium.h>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/journal/journal.h"
#include "server/journal/vault_state.h"
#include "server/util/log.h"

namespace haven {

// Each Epoch op's key that this journal does not hold yet (a rotation
// that lost to a concurrent one among them), opened with the stretched
// passphrase and the Secret Key (or the one boxed for this device in that
// op); then the membership's choice of key for each epoch becomes its
// primary. Whatever opens is kept.
bool Journal::TakeEpochKeys(const Membership& members, const SecretBytes& secret) const {
  for (const MemberRecord& record : members.records()) {
    if (!record.op.has_epoch()) continue;
    const v1::Epoch& op = record.op.epoch();
    if (keys_->HoldsKey(op.epoch(), op.authority_public_key())) continue;
    // Only a rotation a member signed, numbered no further than the
    // membership's current epoch, gives a key (a hub could otherwise hand
    // an old wrapped key in as a new epoch's).
    if (op.epoch() > members.current_epoch() ||
        !RecordSignatureValid(record.sealed, members.SigningKey(record.header.device_id))) {
      continue;
    }
    auto key = UnwrapStretched(op.wrapped_key(), secrets_.stretched, secret, identity_.vault_id);
    auto box = op.secret_key_boxes().find(HexEncode(identity_.device_id));
    if (!key.ok() && box != op.secret_key_boxes().end()) {
      auto boxed = OpenBoxedSecretKey(box->second, secrets_.sign_key);
      if (boxed.ok()) {
        key = UnwrapStretched(op.wrapped_key(), secrets_.stretched, *boxed, identity_.vault_id);
      }
    }
    if (!key.ok() || !AuthorityIs(*key, op.authority_public_key())) continue;
    if (op.epoch() > keys_->current_epoch() + 1) {
      // Epochs in between come from this one's keyring.
      auto ring = OpenKeyring(*key, identity_.vault_id, op.epoch(), op.keyring());
      if (!ring.ok()) continue;
      for (uint32_t e = keys_->current_epoch() + 1; e < op.epoch(); ++e) {
        (void)keys_->AddKey(e, SecretBytes::CopyOf(ring->keys(e)), /*primary=*/true);
      }
      for (const auto& alt : ring->alternates()) {
        (void)keys_->AddKey(alt.epoch(), SecretBytes::CopyOf(alt.key()), /*primary=*/false);
      }
      WipeKeyring(&*ring);
    }
    (void)keys_->AddKey(op.epoch(), std::move(*key), /*primary=*/false);
  }
  bool complete = true;
  for (uint32_t e = 1; e <= members.current_epoch(); ++e) {
    const EpochState* chosen = members.epoch(e);
    if (chosen == nullptr || !keys_->SetPrimary(e, chosen->authority_public_key)) complete = false;
  }
  return complete;
}

bool Journal::NeedsKeys(const Membership& members) const {
  for (const MemberRecord& record : members.records()) {
    const v1::Epoch& op = record.op.epoch();
    if (record.op.has_epoch() && !keys_->HoldsKey(op.epoch(), op.authority_public_key())) {
      return true;
    }
  }
  for (uint32_t e = 1; e <= members.current_epoch(); ++e) {
    const EpochState* chosen = members.epoch(e);
    if (chosen != nullptr && keys_->PrimaryAuthority(e) != chosen->authority_public_key) {
      return true;
    }
  }
  return false;
}

void Journal::AdoptEpochs(const Membership& members,
                          std::vector<std::pair<std::string, std::string>>* meta) const {
  if (members.wrap_generation() > 0) meta->emplace_back(kMetaWrappedKey, members.wrapped_key());
  auto boxed = OpenSecretKeyBox(members, identity_.device_id, secrets_.sign_key);
  const bool new_secret = boxed.ok() && boxed->has_value();
  SecretBytes secret =
      SecretBytes::CopyOf(new_secret ? (*boxed)->view() : secrets_.secret_key.view());
  if (!TakeEpochKeys(members, secret)) {
    haven::Log(LogLevel::kWarn, "a key epoch does not open with this unlock's passphrase; locking",
               {{"epoch", std::to_string(members.current_epoch())}});
    keys_lost_ = true;
    return;
  }
  if (new_secret) {
    meta->emplace_back(kMetaSecretKey, secret.view());
    secrets_.secret_key = std::move(secret);
  }
}

}  // namespace haven
