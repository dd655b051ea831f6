#include "server/hub/challenge_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/crypto/ids.h"

namespace haven {

ChallengeTable::ChallengeTable(ChallengeLimits limits) : limits_(limits) {}

void ChallengeTable::EraseLocked(const std::string& nonce) {
  auto it = by_nonce_.find(nonce);
  if (it == by_nonce_.end()) return;
  const Pending& p = it->second;
  by_expiry_.erase({p.expires_us, nonce});
  if (auto peer = per_peer_.find(p.peer); peer != per_peer_.end() && --peer->second == 0) {
    per_peer_.erase(peer);
  }
  if (auto vault = per_vault_.find(p.vault_id); vault != per_vault_.end()) {
    vault->second.erase({p.expires_us, nonce});
    if (vault->second.empty()) per_vault_.erase(vault);
  }
  by_nonce_.erase(it);
}

void ChallengeTable::ExpireLocked(int64_t now_us) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_us) {
    std::string nonce = by_expiry_.begin()->second;
    EraseLocked(nonce);
  }
}

absl::StatusOr<std::string> ChallengeTable::Issue(const std::string& vault_id,
                                                  const std::string& peer, int64_t now_us) {
  std::string nonce = RandomBytes(kChallengeNonceBytes);
  absl::MutexLock lock(&mu_);
  ExpireLocked(now_us);
  if (auto it = per_peer_.find(peer); it != per_peer_.end() && it->second >= limits_.per_peer) {
    return absl::ResourceExhaustedError(
        absl::StrCat("challenge: this address already has ", limits_.per_peer,
                     " login challenges pending; answer them or wait for them to expire (",
                     limits_.lifetime_us / 1000000, " s)"));
  }
  if (auto it = per_vault_.find(vault_id);
      it != per_vault_.end() && it->second.size() >= limits_.per_vault) {
    std::string oldest = it->second.begin()->second;
    EraseLocked(oldest);
  }
  while (!by_nonce_.empty() && by_nonce_.size() >= limits_.total) {
    std::string oldest = by_expiry_.begin()->second;
    EraseLocked(oldest);
  }
  int64_t expires = now_us + limits_.lifetime_us;
  by_nonce_[nonce] = {vault_id, peer, expires};
  by_expiry_.insert({expires, nonce});
  ++per_peer_[peer];
  per_vault_[vault_id].insert({expires, nonce});
  return nonce;
}

bool ChallengeTable::Consume(const std::string& nonce, const std::string& vault_id,
                             int64_t now_us) {
  absl::MutexLock lock(&mu_);
  auto it = by_nonce_.find(nonce);
  if (it == by_nonce_.end() || it->second.vault_id != vault_id) return false;
  bool live = it->second.expires_us > now_us;
  EraseLocked(nonce);
  return live;
}

size_t ChallengeTable::size() const {
  absl::MutexLock lock(&mu_);
  return by_nonce_.size();
}

size_t ChallengeTable::pending_for_peer(const std::string& peer) const {
  absl::MutexLock lock(&mu_);
  auto it = per_peer_.find(peer);
  return it == per_peer_.end() ? 0 : it->second;
}

size_t ChallengeTable::pending_for_vault(const std::string& vault_id) const {
  absl::MutexLock lock(&mu_);
  auto it = per_vault_.find(vault_id);
  return it == per_vault_.end() ? 0 : it->second.size();
}

}  // namespace haven
