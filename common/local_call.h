// The local call protocol: how the CLI makes a unary RPC of the home
// socket without gRPC's client (docs/design.md, "Local calls"). One call
// per connection; 32-bit little-endian lengths:
//
//   request  "hvn1" method-length method body-length body
//   reply    code message-length message details-length details
//            body-length body
//
// Both ends are outside bytes to each other, so every length is checked
// against a bound before anything is read or allocated for it, and a body
// is read in steps of at most 1 MiB: a peer that announces 64 MiB and
// sends nothing holds 1 MiB, not 64.
#ifndef HAVEN_COMMON_LOCAL_CALL_H_
#define HAVEN_COMMON_LOCAL_CALL_H_

#include <grpcpp/support/status.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "common/status.h"

namespace haven {

// The first bytes of a request. Its first byte tells a local call from
// gRPC's HTTP/2 preface, which starts with 'P'.
inline constexpr std::string_view kLocalCallMagic = "hvn1";
inline constexpr size_t kMaxLocalMethodBytes = 128;
// A request's or a reply's body: the home gRPC server's message limit.
inline constexpr size_t kMaxLocalBodyBytes = 64 << 20;
inline constexpr size_t kMaxLocalMessageBytes = 16 << 10;
inline constexpr size_t kMaxLocalDetailsBytes = kMaxStatusDetailsBytes;  // what ToGrpc sends

struct LocalRequest {
  std::string method;
  std::string body;
};

struct LocalReply {
  grpc::Status status;
  std::string body;  // empty unless status is OK
};

// Reads exactly `n` bytes into `out`, or fails (common/socket_io.h's
// ReadExactly over a socket; a string in the fuzz target).
using ReadBytes = absl::FunctionRef<absl::Status(char* out, size_t n)>;

// The bytes before a request's body; the body follows them as it is.
std::string LocalRequestHead(std::string_view method, size_t body_size);
// The bytes before a reply's body (none unless `status` is OK).
std::string LocalReplyHead(const grpc::Status& status, size_t body_size);

// Reads a request, magic first. INVALID_ARGUMENT names the bound a length
// passed or the magic that is missing; a read's own error as it came.
absl::StatusOr<LocalRequest> ReadLocalRequest(ReadBytes read);
// Reads a reply. INTERNAL names what is malformed (a code out of range, a
// length past its bound, a body with an error).
absl::StatusOr<LocalReply> ReadLocalReply(ReadBytes read);

}  // namespace haven

#endif  // HAVEN_COMMON_LOCAL_CALL_H_
