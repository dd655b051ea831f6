// Per-caller bounds for what a hub does before a login: who the caller is
// (its IP address, from gRPC's peer string) and how fast it may call.
// Everything before a login is open to anyone who can reach the hub's port,
// so each caller gets a token bucket, and the table of callers is itself
// bounded (the least recently seen caller is forgotten first).
//
// Thread safety: PeerRateLimiter may be used from any thread.
#ifndef HAVEN_SERVER_HUB_PEER_LIMITS_H_
#define HAVEN_SERVER_HUB_PEER_LIMITS_H_

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace haven {

// The caller a gRPC peer string names, port dropped: "ipv4:1.2.3.4:5678"
// -> "1.2.3.4"; an IPv4-mapped IPv6 address counts as its IPv4 address;
// other IPv6 addresses count by their /64 network ("2001:db8:1:2::/64"),
// since one host is commonly handed a whole /64; "unix:..." -> "unix".
// Anything else -> "unknown" (all such callers share one budget).
std::string PeerKey(std::string_view grpc_peer);

// Each device login is two calls (Challenge, Authenticate) and a device
// logs in for every sync and every watch stream, so one address (a
// household behind NAT, a test machine) may log in many times a second;
// each call costs the hub at most a lookup and a signature check. The
// memory a caller can hold is bounded apart (ChallengeTable).
struct RateLimit {
  double burst = 600;       // calls a quiet caller may make at once
  double per_second = 100;  // sustained calls per second
  size_t max_peers = 4096;  // callers remembered; the least recently seen go first
};

class PeerRateLimiter {
 public:
  explicit PeerRateLimiter(RateLimit limit = {});

  // Charges one call to `peer` (a PeerKey) at `now_us`. ResourceExhausted,
  // naming `method`, when the caller's bucket is empty.
  absl::Status Admit(const std::string& peer, std::string_view method, int64_t now_us);
  size_t peers() const;

 private:
  struct Bucket {
    double tokens;
    int64_t refilled_us;
    std::list<std::string>::iterator recent;  // its place in recent_
  };

  const RateLimit limit_;
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  std::list<std::string> recent_ ABSL_GUARDED_BY(mu_);  // most recently seen first
};

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_PEER_LIMITS_H_
