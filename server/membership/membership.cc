#include "server/membership/membership.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "server/crypto/ids.h"

namespace haven {
namespace {

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Short(const std::string& device_id) { return HexEncode(device_id).substr(0, 8); }

bool SameRecord(const MemberRecord& a, const MemberRecord& b) { return a.sealed == b.sealed; }

EpochState EpochZero(const std::string& authority) {
  EpochState zero;
  zero.authority_public_key = authority;
  return zero;
}

}  // namespace

Membership::Membership(std::string vault_id, std::string epoch0_authority)
    : vault_id_(std::move(vault_id)), epoch0_authority_(std::move(epoch0_authority)) {
  epochs_.push_back(EpochZero(epoch0_authority_));
}

void Membership::Add(std::vector<MemberRecord> records) {
  if (records.empty()) return;
  for (MemberRecord& record : records) records_.push_back(std::move(record));
  std::sort(records_.begin(), records_.end(), AppliesBefore);
  records_.erase(std::unique(records_.begin(), records_.end(), SameRecord), records_.end());
  Recompute();
}

const DeviceState* Membership::Find(const std::string& device_id) const {
  auto it = devices_.find(device_id);
  return it == devices_.end() ? nullptr : &it->second;
}

const EpochState* Membership::epoch(uint32_t n) const {
  return n < epochs_.size() ? &epochs_[n] : nullptr;
}

bool Membership::Active(const std::string& device_id) const {
  const DeviceState* device = Find(device_id);
  return device != nullptr && device->enrolled && !device->revoked;
}

absl::Status Membership::Admits(const std::string& device_id, uint64_t seq, bool legacy) const {
  const DeviceState* device = Find(device_id);
  if (device != nullptr && device->revoked && seq > device->cut) {
    return absl::PermissionDeniedError("device " + Short(device_id) + " was revoked");
  }
  if (device == nullptr || !device->enrolled) {
    if (!legacy) {
      return absl::PermissionDeniedError("device " + Short(device_id) + " is not enrolled");
    }
    // Format 1 is sealed under epoch 0's key, which a revoked device keeps:
    // after a rotation, only what its writer had seen stays.
    if (current_epoch() == 0 || seq <= LegacyCut(device_id)) return absl::OkStatus();
    return absl::PermissionDeniedError("device " + Short(device_id) +
                                       " is not enrolled: its record " + std::to_string(seq) +
                                       " came after the vault key was rotated");
  }
  if (legacy && seq > device->legacy_until) {
    return absl::PermissionDeniedError("device " + Short(device_id) + " is enrolled: record " +
                                       std::to_string(seq) + " must be signed");
  }
  if (!legacy && seq < device->records_from) {
    return absl::PermissionDeniedError("device " + Short(device_id) + " record " +
                                       std::to_string(seq) + " predates its enrolment");
  }
  return absl::OkStatus();
}

std::string Membership::SigningKey(const std::string& device_id) const {
  const DeviceState* device = Find(device_id);
  return device != nullptr && device->enrolled ? device->sign_public_key : std::string();
}

std::vector<std::string> Membership::ActiveDevices() const {
  std::vector<std::string> active;
  for (const auto& [id, device] : devices_) {
    if (Active(id)) active.push_back(id);
  }
  return active;
}

uint64_t Membership::LegacyCut(const std::string& device_id) const {
  const EpochState* first = epoch(1);
  if (first == nullptr) return 0;
  auto head = first->seen.find(device_id);
  return head == first->seen.end() ? 0 : head->second;
}

bool Membership::Applied(const MemberRecord& record) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), record, AppliesBefore);
  return it != records_.end() && it->sealed == record.sealed && applied_[it - records_.begin()];
}

bool Membership::TakesNow(const MemberRecord& record) const { return !OutsideCut(record); }

bool Membership::StaleEnrolment(const MemberRecord& record) const {
  if (!record.op.has_enrol() || record.op.enrol().authority_epoch() >= current_epoch()) {
    return false;
  }
  const DeviceState* writer = Find(record.header.device_id);
  const bool vouched = writer != nullptr && writer->enrolled &&
                       writer->sign_public_key == record.op.enrol().sign_public_key() &&
                       record.header.seq >= writer->records_from;
  return !vouched && !ClosedOver(record);
}

bool Membership::NeedsRotation() const {
  const EpochState& now = current();
  for (const auto& [id, device] : devices_) {
    if (!device.revoked) continue;
    // Epoch 0's key is held by every device that ever wrote to the vault.
    if (now.epoch == 0 || now.holders.count(id) != 0) return true;
  }
  return false;
}

}  // namespace haven
