// The rules of one field: checking a JSON value against its FieldSpec and
// turning `-f name=value` text into that value. Pure functions, thread-safe.
// In common/ because the daemon (server/plugins) and the CLI's guided
// logging (cli/field_answer.cc) apply the same rules with the same words.
//
// Error messages are one line: `field "minutes": must be a number greater
// than 0 and at most 1440, got "abc"`. Free text (string / text values) is
// never echoed back, since it may be private.
#ifndef HAVEN_COMMON_FIELD_CHECK_H_
#define HAVEN_COMMON_FIELD_CHECK_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/field_spec.h"

namespace haven {

// The kind's manifest name ("integer", "scale", ...) and back.
std::string_view FieldKindName(FieldKind kind);
bool FieldKindFromName(std::string_view name, FieldKind* kind);

// What a valid value looks like, e.g. "a whole number from 0 to 10".
std::string DescribeRule(const FieldSpec& spec);

// Checks `value` against `spec` and returns it normalised (integers as JSON
// integers, datetimes as RFC 3339 UTC). `now_us` anchors relative times.
absl::StatusOr<nlohmann::json> CheckFieldValue(const FieldSpec& spec, const nlohmann::json& value,
                                               int64_t now_us);

// Parses text typed by a person for `spec` and checks it.
absl::StatusOr<nlohmann::json> ParseFieldValueText(const FieldSpec& spec, std::string_view text,
                                                   int64_t now_us);

// InvalidArgument naming `name` as the violated field: it is not a field
// of type `type_id`, whose fields are listed.
absl::Status UnknownFieldError(std::string_view type_id, const std::vector<FieldSpec>& fields,
                               std::string_view name);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace haven

#endif  // HAVEN_COMMON_FIELD_CHECK_H_
