// absl::Status and grpc::Status share their codes; this is the one place
// that converts between them.
#ifndef HAVEN_SERVER_SERVICE_STATUS_MAP_H_
#define HAVEN_SERVER_SERVICE_STATUS_MAP_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace haven {

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

inline absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace haven

#endif  // HAVEN_SERVER_SERVICE_STATUS_MAP_H_
