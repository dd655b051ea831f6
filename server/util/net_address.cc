#include "server/util/net_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/status/status.h"

namespace haven {
namespace {

absl::Status Malformed(std::string_view address, std::string_view why) {
  return absl::InvalidArgumentError("address \"" + std::string(address) +
                                    "\": " + std::string(why));
}

bool ParsePort(std::string_view text, uint16_t* port) {
  if (text.empty() || text.size() > 5) return false;
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

absl::StatusOr<HostPort> SplitHostPort(std::string_view address) {
  HostPort out;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return Malformed(address, "expected [IPV6]:PORT");
    }
    out.host = std::string(address.substr(1, close - 1));
    port = address.substr(close + 2);
    in6_addr ignored;
    if (inet_pton(AF_INET6, out.host.c_str(), &ignored) != 1) {
      return Malformed(address, "the part in brackets is not an IPv6 address");
    }
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return Malformed(address, "expected HOST:PORT");
    out.host = std::string(address.substr(0, colon));
    port = address.substr(colon + 1);
    if (out.host.find(':') != std::string::npos) {
      return Malformed(address, "write an IPv6 address in brackets, as [::1]:PORT");
    }
    if (out.host.find_first_of("[]") != std::string::npos) {
      return Malformed(address, "unexpected bracket");
    }
  }
  if (out.host.empty()) return Malformed(address, "expected HOST:PORT (the host is empty)");
  if (!ParsePort(port, &out.port)) {
    return Malformed(address, "the port must be a number from 0 to 65535");
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool IsLoopbackAddress(std::string_view address) {
  absl::StatusOr<HostPort> parsed = SplitHostPort(address);
  return parsed.ok() && IsLoopbackHost(parsed->host);
}

}  // namespace haven
