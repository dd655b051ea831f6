// absl::Status and grpc::Status share their codes; this is the one place
// that converts between them, for the daemon's handlers and the CLI alike.
#ifndef HAVEN_COMMON_STATUS_H_
#define HAVEN_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace haven {

// The same code and message; OK maps to OK. An error's payloads (such as a
// FieldError's, common/field_error.h) travel as gRPC's binary error details:
// a serialized google.rpc.Status whose `details` hold one Any per payload.
// An error without payloads has no details, as before there were any, and
// neither has one whose details would pass kMaxStatusDetailsBytes (the
// code and message still go; the payloads are lost).
inline constexpr size_t kMaxStatusDetailsBytes = 2048;
grpc::Status ToGrpc(const absl::Status& s);

// The inverse: details that do not parse are ignored, never an error.
absl::Status FromGrpc(const grpc::Status& s);

}  // namespace haven

#endif  // HAVEN_COMMON_STATUS_H_
