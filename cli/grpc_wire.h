// The pieces of gRPC's wire protocol over HTTP/2 that haven's CLI reads and
// writes itself (cli/grpc_call.h): the 5-byte message prefix, the
// grpc-timeout value, the percent-encoding of grpc-message, and the codes a
// call gets when the daemon answers with an HTTP status or a reset instead
// of a grpc-status. Pure functions over bounded inputs.
#ifndef HAVEN_CLI_GRPC_WIRE_H_
#define HAVEN_CLI_GRPC_WIRE_H_

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace haven::cli {

// A message's prefix: a compressed flag (0) and its length, 32-bit big-endian.
inline constexpr size_t kGrpcPrefixBytes = 5;
std::string GrpcMessagePrefix(size_t message_size);

// The one uncompressed message of a unary reply's body (prefix and message);
// INTERNAL naming the cause for a body that is empty, compressed, cut short
// or holds more than one.
absl::StatusOr<std::string_view> OneGrpcMessage(std::string_view body);

// grpc-timeout's value for `timeout` ("250m", "86400S"); empty for none
// (zero or negative).
std::string GrpcTimeout(std::chrono::milliseconds timeout);

// grpc-status's value as a code: 0-16, else UNKNOWN (2).
int ParseGrpcStatusCode(std::string_view value);

// :status's value, 0 when it is not three digits.
int ParseHttpStatus(std::string_view value);

// grpc-message's percent-encoding undone; a malformed escape stays as it is.
std::string PercentDecode(std::string_view value);

// The code of a call answered with an HTTP status other than 200, or reset
// (RST_STREAM) before its trailers, as gRPC's clients map them (a reset
// with NO_ERROR, or any code not named, is INTERNAL).
grpc::StatusCode CodeOfHttpStatus(int http_status);
grpc::StatusCode CodeOfReset(uint32_t http2_error);

}  // namespace haven::cli

#endif  // HAVEN_CLI_GRPC_WIRE_H_
