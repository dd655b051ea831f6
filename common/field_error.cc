#include "common/field_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace haven {
namespace {

// Debian's Abseil has its own string_view, not std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

absl::Status FieldError(absl::StatusCode code, std::string_view field, std::string_view message) {
  absl::Status status(code, Absl(message));
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(message));
  status.SetPayload(Absl(kBadRequestTypeUrl), absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::optional<std::string> ViolatedField(const absl::Status& status) {
  auto payload = status.GetPayload(Absl(kBadRequestTypeUrl));
  if (!payload) return std::nullopt;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload)) ||
      bad_request.field_violations_size() == 0) {
    return std::nullopt;
  }
  return bad_request.field_violations(0).field();
}

}  // namespace haven
