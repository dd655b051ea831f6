// This device's membership ops that a rotation it had not seen voided,
// written again under the current epoch (docs/design.md, "A rotation
// closes the epoch before it").
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/journal/journal.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {

absl::StatusOr<int> Journal::RedoVoided() {
  {
    absl::MutexLock lock(&members_mu_);
    const DeviceState* self = members_.Find(identity_.device_id);
    if (self != nullptr && self->revoked) return 0;  // it changes nothing any more
  }
  std::vector<std::string> revokes;
  std::vector<std::pair<std::string, std::string>> renames;
  {
    const Membership now = members();
    // This device's newest Revoke and Rename of each device (records() is
    // in stamp order, so a later one replaces an earlier).
    std::map<std::string, const MemberRecord*> revoke_of, rename_of;
    const MemberRecord* wrap = nullptr;
    for (const MemberRecord& r : now.records()) {
      if (r.header.device_id != identity_.device_id) continue;
      if (r.op.has_revoke()) revoke_of[r.op.revoke().device_id()] = &r;
      if (r.op.has_rename()) rename_of[r.op.rename().device_id()] = &r;
      if (r.op.has_wrap()) wrap = &r;
    }
    if (wrap != nullptr && !now.Applied(*wrap)) {
      // Not written again: the passphrase it needs is not held (see
      // docs/design.md, "A rotation closes the epoch before it").
      haven::Log(LogLevel::kWarn,
                 "a passphrase change made on this device crossed a key rotation and was undone; "
                 "the passphrase from before it still unlocks: run `haven passwd` again",
                 {});
    }
    for (const auto& [target, record] : revoke_of) {
      const DeviceState* device = now.Find(target);
      if (!now.Applied(*record) && (device == nullptr || !device->revoked)) {
        revokes.push_back(target);
      }
    }
    for (const auto& [target, record] : rename_of) {
      const v1::SealedName& sealed = record->op.rename().name();
      const SecretBytes* key = keys_->record_key(sealed.epoch());
      if (now.Applied(*record) || now.Find(target) == nullptr || key == nullptr) continue;
      auto name = OpenName(*key, target, sealed);
      if (name.ok()) renames.emplace_back(target, std::move(*name));
    }
  }
  for (const std::string& target : revokes) RETURN_IF_ERROR(Revoke(target).status());
  for (const auto& [target, name] : renames) RETURN_IF_ERROR(Rename(target, name));
  return static_cast<int>(revokes.size() + renames.size());
}

}  // namespace haven
