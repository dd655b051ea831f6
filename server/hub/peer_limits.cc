#include "server/hub/peer_limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/util/net_address.h"

namespace haven {
namespace {

bool HexDigit(char c, int* value) {
  if (c >= '0' && c <= '9')
    *value = c - '0';
  else if (c >= 'a' && c <= 'f')
    *value = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F')
    *value = c - 'A' + 10;
  else
    return false;
  return true;
}

// gRPC writes brackets as %5B/%5D in newer versions ("ipv6:%5B::1%5D:80").
std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int high = 0, low = 0;
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1], &high) &&
        HexDigit(text[i + 2], &low)) {
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string Ipv6Key(const in6_addr& v6) {
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof(text));
    return text;
  }
  in6_addr network{};
  std::copy(v6.s6_addr, v6.s6_addr + 8, network.s6_addr);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &network, text, sizeof(text));
  return absl::StrCat(text, "/64");
}

}  // namespace

std::string PeerKey(std::string_view grpc_peer) {
  if (grpc_peer.starts_with("unix:") || grpc_peer.starts_with("unix-abstract:")) return "unix";
  std::string_view rest = grpc_peer;
  if (!rest.starts_with("ipv4:") && !rest.starts_with("ipv6:")) return "unknown";
  rest.remove_prefix(5);
  absl::StatusOr<HostPort> split = SplitHostPort(PercentDecoded(rest));
  if (!split.ok()) return "unknown";
  in_addr v4;
  if (inet_pton(AF_INET, split->host.c_str(), &v4) == 1) {
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &v4, text, sizeof(text));
    return text;
  }
  std::string host = split->host.substr(0, split->host.find('%'));  // drop a zone
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return Ipv6Key(v6);
  return "unknown";
}

PeerRateLimiter::PeerRateLimiter(RateLimit limit) : limit_(limit) {}

absl::Status PeerRateLimiter::Admit(const std::string& peer, std::string_view method,
                                    int64_t now_us) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(peer);
  if (it == buckets_.end()) {
    while (buckets_.size() >= std::max<size_t>(limit_.max_peers, 1)) {
      buckets_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(peer);
    it = buckets_.emplace(peer, Bucket{limit_.burst, now_us, recent_.begin()}).first;
  } else {
    recent_.splice(recent_.begin(), recent_, it->second.recent);
  }
  Bucket& bucket = it->second;
  double elapsed_s = std::max<int64_t>(now_us - bucket.refilled_us, 0) / 1e6;
  bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed_s * limit_.per_second);
  bucket.refilled_us = std::max(now_us, bucket.refilled_us);
  if (bucket.tokens < 1) {
    return absl::ResourceExhaustedError(absl::StrCat(
        std::string(method), ": too many calls before login from this address (at most ",
        limit_.per_second, " a second after a burst of ", limit_.burst, "); slow down"));
  }
  bucket.tokens -= 1;
  return absl::OkStatus();
}

size_t PeerRateLimiter::peers() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace haven
