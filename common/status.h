// absl::Status and grpc::Status share their codes; this is the one place
// that converts between them, for the daemon's handlers and the CLI alike.
#ifndef HAVEN_COMMON_STATUS_H_
#define HAVEN_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace haven {

// The same code and message; OK maps to OK.
grpc::Status ToGrpc(const absl::Status& s);
absl::Status FromGrpc(const grpc::Status& s);

}  // namespace haven

#endif  // HAVEN_COMMON_STATUS_H_
