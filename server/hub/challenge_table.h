// The hub's pending login and registration challenges: nonces it handed
// out and has not yet seen answered. Anyone may ask for one, so the table
// is bounded three ways:
//   - per caller (PeerKey): a caller with `per_peer` pending is refused
//     (ResourceExhausted) until it answers some or they expire;
//   - per vault id: asking for more than `per_vault` drops that vault's
//     oldest pending challenge (refusing instead would let anyone who knows
//     a vault id lock its devices out with a handful of calls);
//   - in all: at `total`, the oldest pending challenge anywhere is dropped.
// A challenge lives `lifetime_us` and answers once.
//
// Thread safety: all methods may be called from any thread. The table has
// its own lock, so a flood of challenges never waits on, or holds up, the
// session checks of logged-in devices.
#ifndef HAVEN_SERVER_HUB_CHALLENGE_TABLE_H_
#define HAVEN_SERVER_HUB_CHALLENGE_TABLE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace haven {

inline constexpr size_t kChallengeNonceBytes = 32;

struct ChallengeLimits {
  // Many devices behind one address (a household or an office NAT) log in
  // at once: the bench's 50 concurrent syncs from one address need more
  // than 32. A flood from one address is still cut off within 256 calls.
  size_t per_peer = 256;
  size_t per_vault = 8;
  size_t total = 10000;
  int64_t lifetime_us = 60LL * 1000000;
};

class ChallengeTable {
 public:
  explicit ChallengeTable(ChallengeLimits limits = {});

  // A fresh kChallengeNonceBytes nonce for `vault_id`, asked for by `peer`
  // at `now_us`. ResourceExhausted when `peer` has too many pending.
  absl::StatusOr<std::string> Issue(const std::string& vault_id, const std::string& peer,
                                    int64_t now_us);
  // True, and forgets the nonce, when `nonce` is a live challenge issued
  // for `vault_id`. A nonce issued for another vault is left alone.
  bool Consume(const std::string& nonce, const std::string& vault_id, int64_t now_us);

  size_t size() const;
  size_t pending_for_peer(const std::string& peer) const;
  size_t pending_for_vault(const std::string& vault_id) const;

 private:
  struct Pending {
    std::string vault_id;
    std::string peer;
    int64_t expires_us;
  };
  using Order = std::set<std::pair<int64_t, std::string>>;  // (expires, nonce), oldest first

  void ExpireLocked(int64_t now_us) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EraseLocked(const std::string& nonce) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ChallengeLimits limits_;
  mutable absl::Mutex mu_;
  std::map<std::string, Pending> by_nonce_ ABSL_GUARDED_BY(mu_);
  Order by_expiry_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, size_t> per_peer_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, Order> per_vault_ ABSL_GUARDED_BY(mu_);
};

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_CHALLENGE_TABLE_H_
