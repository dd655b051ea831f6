// Errors that concern one field of a request carry its name as data, not
// only in their text: a google.rpc.BadRequest field violation attached to the
// absl::Status as a payload. ToGrpc / FromGrpc (common/status.h) carry the
// payload across gRPC, so the CLI learns which field to ask again from the
// daemon's error without reading its message.
#ifndef HAVEN_COMMON_FIELD_ERROR_H_
#define HAVEN_COMMON_FIELD_ERROR_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace haven {

// The payload's type URL: that of google.rpc.BadRequest.
inline constexpr std::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

// A status with `code` and exactly `message` as its text, whose payload names
// `field` as the one violated (with `message` as the violation's description).
absl::Status FieldError(absl::StatusCode code, std::string_view field, std::string_view message);

// The field a FieldError names; nullopt for OK, for an error without the
// payload, and for a payload that does not parse.
std::optional<std::string> ViolatedField(const absl::Status& status);

// An error about one input of a request, named for whoever reads the message:
// the message is "<label>: <reason>" (e.g. "fields JSON: nested deeper than 16
// levels"), the violation names `field` (e.g. "fields_json") and its
// description is `reason` alone, so a client can name the input its own way.
absl::Status InputError(absl::StatusCode code, std::string_view field, std::string_view label,
                        std::string_view reason);

// For clients: an InputError (or FieldError) about `field` with its message
// re-labelled "<label>: <description>" (the CLI names its flag, e.g. "--json");
// any other status unchanged.
absl::Status RelabelInput(const absl::Status& status, std::string_view field,
                          std::string_view label);

}  // namespace haven

#endif  // HAVEN_COMMON_FIELD_ERROR_H_
