#include "common/field_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace haven {
namespace {

// Debian's Abseil has its own string_view, not std::string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status WithViolation(absl::StatusCode code, std::string_view field, std::string_view message,
                           std::string_view description) {
  absl::Status status(code, Absl(message));
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  status.SetPayload(Absl(kBadRequestTypeUrl), absl::Cord(bad_request.SerializeAsString()));
  return status;
}

// The first violation a status carries, if it carries one that parses.
std::optional<google::rpc::BadRequest::FieldViolation> FirstViolation(const absl::Status& status) {
  auto payload = status.GetPayload(Absl(kBadRequestTypeUrl));
  if (!payload) return std::nullopt;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload)) ||
      bad_request.field_violations_size() == 0) {
    return std::nullopt;
  }
  return bad_request.field_violations(0);
}

}  // namespace

absl::Status FieldError(absl::StatusCode code, std::string_view field, std::string_view message) {
  return WithViolation(code, field, message, message);
}

std::optional<std::string> ViolatedField(const absl::Status& status) {
  auto violation = FirstViolation(status);
  if (!violation) return std::nullopt;
  return violation->field();
}

absl::Status InputError(absl::StatusCode code, std::string_view field, std::string_view label,
                        std::string_view reason) {
  std::string message(label);
  message.append(": ").append(reason);
  return WithViolation(code, field, message, reason);
}

absl::Status RelabelInput(const absl::Status& status, std::string_view field,
                          std::string_view label) {
  auto violation = FirstViolation(status);
  if (!violation || violation->field() != field) return status;
  return InputError(status.code(), field, label, violation->description());
}

}  // namespace haven
