#include "common/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"

namespace haven {

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(s.code());
  google::rpc::Status details;
  s.ForEachPayload([&details](absl::string_view type_url, const absl::Cord& payload) {
    auto* any = details.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  if (details.details_size() == 0) return grpc::Status(code, std::string(s.message()));
  details.set_code(static_cast<int32_t>(s.code()));
  details.set_message(std::string(s.message()));
  // Details travel in a trailer beside the message, and trailers are
  // bounded (8 KiB by default): a large one (a field error quoting a long
  // JSON key) goes without them rather than failing the call.
  std::string encoded = details.SerializeAsString();
  if (encoded.size() > kMaxStatusDetailsBytes) return grpc::Status(code, std::string(s.message()));
  return grpc::Status(code, std::string(s.message()), std::move(encoded));
}

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  google::rpc::Status details;
  if (!s.error_details().empty() && details.ParseFromString(s.error_details())) {
    for (const auto& any : details.details()) {
      if (!any.type_url().empty()) out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace haven
