// The vault's membership as this journal writes and reads it: enrolment,
// renames, revocations and key epochs (docs/design.md, "Devices and key
// epochs").
#include <sodium.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/journal/journal.h"
#include "server/journal/vault_state.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

using MetaPuts = std::vector<std::pair<std::string, std::string>>;

}  // namespace

Membership Journal::members() const {
  absl::MutexLock lock(&members_mu_);
  return members_;
}

bool Journal::enrolled() const {
  absl::MutexLock lock(&members_mu_);
  const DeviceState* self = members_.Find(identity_.device_id);
  return self != nullptr && self->enrolled;
}

std::string Journal::CurrentWrappedKey() const {
  {
    absl::MutexLock lock(&members_mu_);
    if (members_.wrap_generation() > 0) return members_.wrapped_key();
  }
  auto stored = store_->Get(Family::kMeta, kMetaWrappedKey);
  return stored.ok() && stored->has_value() ? **stored : "";
}

std::string Journal::OwnChainHead() const {
  auto hash = ChainHashAt(identity_.device_id, log_->Head(identity_.device_id));
  return hash.ok() ? *hash : "";
}

absl::StatusOr<std::string> Journal::ChainHashAt(const std::string& device_id, uint64_t seq) const {
  if (seq == 0) return std::string(kChainHashBytes, '\0');
  ASSIGN_OR_RETURN(auto record, log_->Get(device_id, seq));
  if (record) return RecordChainHash(*record);
  for (const MemberRecord& r : members().records()) {
    if (r.header.device_id == device_id && r.header.seq == seq) return RecordChainHash(r.sealed);
  }
  return absl::DataLossError("a record below a device's head is missing");
}

std::string Journal::DeviceName(const DeviceState& device) const {
  const SecretBytes* key = keys_->record_key(device.name.epoch());
  if (key == nullptr || device.name.sealed().empty()) return "";
  auto name = OpenName(*key, device.device_id, device.name);
  return name.ok() ? *name : "";
}

absl::Status Journal::AppendMember(v1::MembershipOp op, const MetaPuts& meta) {
  // Stamped after every op this device holds, so that an op sorts after
  // all it saw, whatever the clocks (a rotation names what it saw).
  uint64_t newest = 0;
  for (const MemberRecord& held : members().records()) newest = std::max(newest, held.op.hlc());
  op.set_hlc(clock_.NowAfter(newest));
  RecordHeader header;
  header.vault_id = identity_.vault_id;
  header.device_id = identity_.device_id;
  header.seq = log_->Head(identity_.device_id) + 1;
  header.epoch = kMembershipEpoch;
  header.prev_hash = OwnChainHead();
  if (!op.has_enrol()) {
    const uint32_t epoch = members().current_epoch();
    const SecretBytes* key = keys_->epoch_key(epoch);
    if (key == nullptr) return absl::FailedPreconditionError("the current key is not held");
    SecretBytes authority;
    std::string authority_public;
    DeriveAuthorityKey(*key, &authority, &authority_public);
    SignOpAuthority(&op, header, epoch, authority);
  }
  std::string sealed = MakeMemberRecord(header, op, secrets_.sign_key);
  ASSIGN_OR_RETURN(MemberRecord record, ParseMemberRecord(sealed, identity_.vault_id));
  RecordLog::Append append = log_->Stage({{header, sealed}});
  append.batch.Put(Family::kMeta, MemberMetaKey(header.device_id, header.seq), sealed);
  for (const auto& [key, value] : meta) append.batch.Put(Family::kMeta, key, value);
  std::vector<FoldItem> items = {{&append.records.front().header, nullptr, /*local=*/true}};
  PendingStates pending;
  RETURN_IF_ERROR(view_.Fold(items, &append.batch, &pending));  // marks it applied
  RETURN_IF_ERROR(log_->Commit(&append, /*sync=*/true));
  view_.Publish(items, pending);
  absl::MutexLock lock(&members_mu_);
  members_.Add({std::move(record)});
  return absl::OkStatus();
}

absl::Status Journal::Enrol(std::string_view name) {
  absl::MutexLock lock(write_mu_);
  if (enrolled()) return absl::OkStatus();
  const uint32_t epoch = members().current_epoch();
  const SecretBytes* epoch_key = keys_->epoch_key(epoch);
  if (epoch_key == nullptr) return absl::FailedPreconditionError("the current key is not held");
  v1::MembershipOp op;
  v1::Enrol* enrol = op.mutable_enrol();
  enrol->set_device_id(identity_.device_id);
  enrol->set_sign_public_key(sign_public_key_);
  enrol->set_legacy_until(log_->Head(identity_.device_id));
  if (std::optional<MemberRecord> first = OwnFirstEnrol()) {
    // Enrolling again (the first came too late for a rotation): the
    // records since the first stay this device's.
    enrol->set_legacy_until(first->op.enrol().legacy_until());
    enrol->set_records_from(first->header.seq);
  }
  *enrol->mutable_name() = SealName(*keys_->record_key(epoch), epoch, identity_.device_id, name);
  enrol->set_at_us(NowMicros());
  SecretBytes authority;
  std::string authority_public;
  DeriveAuthorityKey(*epoch_key, &authority, &authority_public);
  SignEnrolment(enrol, identity_.vault_id, epoch, authority);
  return AppendMember(std::move(op), {});
}

std::optional<MemberRecord> Journal::OwnFirstEnrol() const {
  absl::MutexLock lock(&members_mu_);
  for (const MemberRecord& record : members_.records()) {
    // records() is in stamp order; an Enrol is a device's first op.
    if (record.header.device_id == identity_.device_id && record.op.has_enrol() &&
        record.op.enrol().sign_public_key() == sign_public_key_) {
      return record;
    }
  }
  return std::nullopt;
}

absl::Status Journal::Rename(const std::string& device_id, std::string_view name) {
  absl::MutexLock lock(write_mu_);
  const uint32_t epoch = keys_->current_epoch();
  v1::MembershipOp op;
  op.mutable_rename()->set_device_id(device_id);
  *op.mutable_rename()->mutable_name() = SealName(keys_->record_key(), epoch, device_id, name);
  return AppendMember(std::move(op), {});
}

absl::StatusOr<uint32_t> Journal::Revoke(const std::string& device_id) {
  absl::MutexLock lock(write_mu_);
  // The rotation that must follow is checked first, so that a revoke is
  // never written without it.
  RETURN_IF_ERROR(CanRotate());
  v1::MembershipOp op;
  v1::Revoke* revoke = op.mutable_revoke();
  revoke->set_device_id(device_id);
  // Its records up to this device's log head for it stay; so do the
  // membership records of it held here (kept apart from the log, perhaps
  // beyond that head), each named by its hash.
  const uint64_t cut = log_->Head(device_id);
  for (const MemberRecord& r : members().records()) {
    if (r.header.device_id == device_id) revoke->add_held(RecordChainHash(r.sealed));
  }
  revoke->set_cut(cut);
  ASSIGN_OR_RETURN(std::string cut_hash, ChainHashAt(device_id, cut));
  revoke->set_cut_hash(cut_hash);
  revoke->set_at_us(NowMicros());
  RETURN_IF_ERROR(AppendMember(std::move(op), {}));
  return RotateLocked(nullptr);
}

absl::StatusOr<uint32_t> Journal::Rotate(const SecretBytes* new_secret_key) {
  absl::MutexLock lock(write_mu_);
  return RotateLocked(new_secret_key);
}

absl::Status Journal::CanRotate() const {
  const uint32_t epoch = members().current_epoch() + 1;
  if (epoch >= kMaxKeyEpochs || keys_->current_epoch() + 1 != epoch) {
    return absl::FailedPreconditionError("the vault cannot take another key epoch");
  }
  // The new key is wrapped with the salt of the current wrapped key: only
  // a passphrase that opens that key may wrap it (after a passphrase change
  // on another device, this unlock's would make a key nobody could open).
  if (!UnwrapStretched(CurrentWrappedKey(), secrets_.stretched, secrets_.secret_key,
                       identity_.vault_id)
           .ok()) {
    return absl::FailedPreconditionError(
        "the passphrase this device was unlocked with has changed since: lock and unlock again "
        "before rotating the vault key");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> Journal::RotateLocked(const SecretBytes* new_secret_key) {
  RETURN_IF_ERROR(CanRotate());
  const Membership before = members();
  const uint32_t epoch = before.current_epoch() + 1;
  const SecretBytes& secret = new_secret_key ? *new_secret_key : secrets_.secret_key;
  const std::string current_wrapped = CurrentWrappedKey();
  SecretBytes key = GenerateVaultKey();
  v1::MembershipOp op;
  v1::Epoch* next = op.mutable_epoch();
  next->set_epoch(epoch);
  SecretBytes authority;
  DeriveAuthorityKey(key, &authority, next->mutable_authority_public_key());
  v1::Keyring keyring = HeldKeyring(*keys_, epoch);
  std::string plain = keyring.SerializeAsString();
  next->set_keyring(SealBlob(key, plain, KeyringAd(identity_.vault_id, epoch)));
  sodium_memzero(plain.data(), plain.size());
  WipeKeyring(&keyring);
  ASSIGN_OR_RETURN(std::string wrapped, WrapStretched(key, secrets_.stretched, current_wrapped,
                                                      secret, identity_.vault_id));
  next->set_wrapped_key(wrapped);
  for (const std::string& device : before.ActiveDevices()) {
    next->add_members(device);
    next->add_member_keys(before.SigningKey(device));
    if (new_secret_key != nullptr) {
      (*next->mutable_secret_key_boxes())[HexEncode(device)] =
          BoxSecretKey(*new_secret_key, before.SigningKey(device));
    }
  }
  // What this rotation saw: the epoch it closes keeps only those ops.
  for (const auto& [device, head] : log_->Heads()) {
    v1::Head* seen = next->add_seen();
    seen->set_device_id(device);
    seen->set_seq(head);
  }
  next->set_at_us(NowMicros());
  MetaPuts meta = {{kMetaWrappedKey, wrapped}};
  if (new_secret_key != nullptr) meta.emplace_back(kMetaSecretKey, new_secret_key->view());
  RETURN_IF_ERROR(AppendMember(std::move(op), meta));
  RETURN_IF_ERROR(keys_->AddEpoch(epoch, std::move(key)));
  if (new_secret_key != nullptr) secrets_.secret_key = SecretBytes::CopyOf(new_secret_key->view());
  for (auto& [k, v] : meta) WipeString(&v);
  return epoch;
}

namespace {

// The devices whose cut differs between `before` and `after` (revoked in
// one only, or at another cut).
std::vector<std::string> CutsMovedBetween(const Membership& before, const Membership& after) {
  std::set<std::string> ids;
  for (const Membership* m : {&before, &after}) {
    for (const auto& [id, device] : m->devices()) ids.insert(id);
  }
  std::vector<std::string> moved;
  for (const std::string& id : ids) {
    const DeviceState* was = before.Find(id);
    const DeviceState* is = after.Find(id);
    const bool revoked_was = was != nullptr && was->revoked;
    const bool revoked_is = is != nullptr && is->revoked;
    if (revoked_was != revoked_is || (revoked_is && was->cut != is->cut)) moved.push_back(id);
  }
  return moved;
}

}  // namespace

absl::Status Journal::RefoldPastCuts(const Membership& before, const Membership& after) {
  std::set<std::string> entries;
  for (const std::string& id : CutsMovedBetween(before, after)) {
    // Records of a device revoked (or no longer) beyond its cut, folded
    // before the change arrived, leave (or return to) the view now: every
    // device ends with the same view.
    uint64_t lowest = log_->Head(id);
    for (const Membership* m : {&before, &after}) {
      const DeviceState* device = m->Find(id);
      if (device != nullptr && device->revoked) lowest = std::min(lowest, device->cut);
    }
    for (uint64_t seq = lowest + 1; seq <= log_->Head(id); ++seq) {
      ASSIGN_OR_RETURN(auto sealed, log_->Get(id, seq));
      if (!sealed) continue;
      auto plain = OpenRecordAnyEpoch(*keys_, *sealed, nullptr);
      v1::RecordBody body;
      if (plain.ok() && body.ParseFromString(*plain)) entries.insert(body.entry_id());
    }
  }
  if (entries.empty()) return absl::OkStatus();
  haven::Log(LogLevel::kInfo, "entries changed by a device whose cut moved are refolded",
             {{"entries", std::to_string(entries.size())}});
  return view_.Refold(*log_, entries);
}

absl::Status Journal::AddMembers(std::vector<MemberRecord> records) {
  absl::MutexLock lock(write_mu_);
  Membership next = members();
  TakeIncomingMembers(*store_, *log_, next, &records);
  const size_t before = next.records().size();
  next.Add(records);
  if (next.records().size() == before) return absl::OkStatus();
  MetaPuts meta;
  AdoptEpochs(next, &meta);
  WriteBatch batch = store_->NewBatch();
  for (const MemberRecord& r : records) {
    batch.Put(Family::kMeta, MemberMetaKey(r.header.device_id, r.header.seq), r.sealed);
  }
  for (const auto& [key, value] : meta) batch.Put(Family::kMeta, key, value);
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  const Membership before_add = members();
  {
    absl::MutexLock members_lock(&members_mu_);
    members_.Add(std::move(records));
  }
  return RefoldPastCuts(before_add, members());
}

void Journal::UseStretched(SecretBytes stretched) {
  absl::MutexLock lock(write_mu_);
  secrets_.stretched = std::move(stretched);
}

absl::Status Journal::Rewrap(const std::string& wrapped, SecretBytes stretched) {
  absl::MutexLock lock(write_mu_);
  // The wrapped key must be the current epoch's: a rotation pulled since
  // the caller unwrapped it would make this Wrap name the wrong key.
  auto inside = UnwrapStretched(wrapped, stretched, secrets_.secret_key, identity_.vault_id);
  if (!inside.ok() || !AuthorityIs(*inside, members().current().authority_public_key)) {
    return absl::AbortedError(
        "the vault key changed while the passphrase was being changed: "
        "run `haven passwd` again");
  }
  v1::MembershipOp op;
  op.mutable_wrap()->set_epoch(keys_->current_epoch());
  op.mutable_wrap()->set_wrapped_key(wrapped);
  op.mutable_wrap()->set_at_us(NowMicros());
  RETURN_IF_ERROR(AppendMember(std::move(op), {{kMetaWrappedKey, wrapped}}));
  secrets_.stretched = std::move(stretched);
  return absl::OkStatus();
}

}  // namespace haven
