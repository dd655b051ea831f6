// Network addresses as haven's flags and remotes give them: "HOST:PORT",
// with an IPv6 literal in brackets ("[::1]:7070"). Whether an address is
// loopback decides whether plaintext TCP is allowed without --insecure
// (docs/design.md "Sync"), so it is decided by parsing the host as an IP
// literal, never by looking at a prefix of the text: "127.example.com" is a
// DNS name that can point anywhere.
#ifndef HAVEN_SERVER_UTIL_NET_ADDRESS_H_
#define HAVEN_SERVER_UTIL_NET_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace haven {

struct HostPort {
  std::string host;  // without brackets: "::1", "127.0.0.1", "hub.example.org"
  uint16_t port = 0;
};

// Splits "HOST:PORT" or "[IPV6]:PORT". InvalidArgument (naming the address)
// for an empty host, a port that is not a decimal number in 0..65535, an
// IPv6 literal without brackets, or stray brackets.
absl::StatusOr<HostPort> SplitHostPort(std::string_view address);

// True when `host` (no brackets) is an IP literal of the loopback network
// (127.0.0.0/8, ::1, or an IPv4-mapped ::ffff:127.x.y.z) or exactly
// "localhost". Everything else, DNS names included, is not loopback.
bool IsLoopbackHost(std::string_view host);

// SplitHostPort + IsLoopbackHost; false when `address` does not parse.
bool IsLoopbackAddress(std::string_view address);

}  // namespace haven

#endif  // HAVEN_SERVER_UTIL_NET_ADDRESS_H_
