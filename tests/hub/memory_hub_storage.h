// A HubStorage (server/hub/hub_storage.h) held in memory, for tests: the
// interface's contract and nothing durable, so that the conformance suite
// (hub_storage_conformance_test.cc) tells what every backend must do from
// what the RocksDB one happens to do. Persist does nothing; the records
// are gone with the object.
//
// Thread safety: one mutex around everything.
#ifndef HAVEN_TESTS_HUB_MEMORY_HUB_STORAGE_H_
#define HAVEN_TESTS_HUB_MEMORY_HUB_STORAGE_H_

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/crypto/ids.h"
#include "server/hub/hub_storage.h"

namespace haven::testing {

class MemoryHubStorage final : public HubStorage {
 public:
  explicit MemoryHubStorage(HubStorageLimits limits = {}) : limits_(limits) {}

  absl::Status Register(const std::string& vault_id, const VaultRegistration& reg) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = registrations_.find(vault_id);
    if (it != registrations_.end()) {
      return it->second.auth_public_key == reg.auth_public_key
                 ? absl::OkStatus()
                 : absl::AlreadyExistsError("this vault is registered with another key");
    }
    if (registrations_.size() >= limits_.max_vaults) {
      return absl::ResourceExhaustedError(
          absl::StrCat("registration: hub is full (--max-vaults ", limits_.max_vaults, ")"));
    }
    registrations_.emplace(vault_id, reg);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<VaultRegistration>> Lookup(
      const std::string& vault_id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = registrations_.find(vault_id);
    if (it == registrations_.end()) return std::optional<VaultRegistration>();
    return std::optional<VaultRegistration>(it->second);
  }

  absl::StatusOr<VersionVector> Heads(const std::string& vault_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    VersionVector heads;
    for (const auto& [device, records] : vaults_[vault_id].records) heads[device] = records.size();
    return heads;
  }

  absl::StatusOr<size_t> Append(const std::string& vault_id,
                                std::vector<IncomingRecord> records) override {
    std::lock_guard<std::mutex> lock(mu_);
    VaultData& vault = vaults_[vault_id];
    std::map<std::pair<std::string, uint64_t>, const std::string*> seen;
    for (const IncomingRecord& r : records) {
      const auto slot = std::make_pair(r.header.device_id, r.header.seq);
      const std::vector<std::string>& held = Held(vault, slot.first);
      const std::string* before = seen.emplace(slot, &r.sealed).first->second;
      if (slot.second >= 1 && slot.second <= held.size()) before = &held[slot.second - 1];
      if (*before != r.sealed) {
        return absl::AlreadyExistsError(absl::StrCat("push: device ", HexEncode(slot.first),
                                                     " has another record at sequence ",
                                                     slot.second));
      }
    }
    std::stable_sort(records.begin(), records.end(),
                     [](const auto& a, const auto& b) { return LogOrder(a.header, b.header); });
    std::map<std::string, uint64_t> next;
    std::vector<IncomingRecord*> accepted;
    uint64_t added = 0;
    for (IncomingRecord& r : records) {
      auto [it, fresh] = next.emplace(r.header.device_id, 0);
      if (fresh) it->second = Held(vault, r.header.device_id).size();
      if (r.header.seq != it->second + 1) continue;  // held already, or after a gap
      it->second = r.header.seq;
      accepted.push_back(&r);
      added += r.sealed.size();
    }
    if (vault.bytes + added > limits_.max_vault_bytes) {
      return absl::ResourceExhaustedError("push: vault is over quota (--max-vault-bytes)");
    }
    for (IncomingRecord* r : accepted) {
      vault.records[r->header.device_id].push_back(std::move(r->sealed));
    }
    vault.bytes += added;
    return accepted.size();
  }

  absl::Status Persist() override { return absl::OkStatus(); }

  absl::StatusOr<std::vector<std::string>> Read(const std::string& vault_id,
                                                const std::string& device, uint64_t from_seq,
                                                size_t max_records, size_t max_bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::vector<std::string>& held = Held(vaults_[vault_id], device);
    std::vector<std::string> out;
    size_t bytes = 0;
    for (uint64_t seq = std::max<uint64_t>(from_seq, 1);
         seq <= held.size() && out.size() < max_records && bytes < max_bytes; ++seq) {
      out.push_back(held[seq - 1]);
      bytes += out.back().size();
    }
    return out;
  }

  absl::Status AddMemberRecords(const std::string& vault_id,
                                std::vector<std::string> records) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string>& held = vaults_[vault_id].members;
    for (std::string& r : records) {
      if (std::find(held.begin(), held.end(), r) == held.end()) held.push_back(std::move(r));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> MemberRecords(
      const std::string& vault_id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = vaults_.find(vault_id);
    return it == vaults_.end() ? std::vector<std::string>() : it->second.members;
  }

 private:
  struct VaultData {
    std::map<std::string, std::vector<std::string>> records;  // device -> seq 1, 2, ...
    uint64_t bytes = 0;
    std::vector<std::string> members;  // membership records, each once
  };

  // A device's records; none when it has none (without adding it).
  static const std::vector<std::string>& Held(const VaultData& vault, const std::string& device) {
    static const std::vector<std::string> kNone;
    auto it = vault.records.find(device);
    return it == vault.records.end() ? kNone : it->second;
  }

  const HubStorageLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, VaultRegistration> registrations_;
  std::map<std::string, VaultData> vaults_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_HUB_MEMORY_HUB_STORAGE_H_
