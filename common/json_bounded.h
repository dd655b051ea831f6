// JSON from outside the process, parsed with a size and a depth limit.
//
// Every JSON text that haven did not just produce itself goes through here:
// field values and derived values in records pulled from other devices,
// `--json` input, import lines, plugin manifests (files and the vault's
// shared ones), a native plugin's derived values, and the daemon's replies
// that the CLI reads. A deeply nested value is refused while it is parsed
// (the parser is iterative and stops at the first bracket too deep), so
// nothing downstream (copies, dump, comparisons, which recurse) ever sees a
// value deeper than its limit. The limits of each entry point are below
// and in docs/formats.md ("Limits on JSON").
//
// Depth counts open brackets: `5` is 0 levels, `{"a":5}` is 1, `{"a":[5]}` 2.
#ifndef HAVEN_COMMON_JSON_BOUNDED_H_
#define HAVEN_COMMON_JSON_BOUNDED_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace haven {

struct JsonLimits {
  size_t max_bytes;
  int max_depth;
};

// A field value or derived values in a record, and the same text in a view
// row. Fields are scalars; 16 levels leave room for any type to come.
// Records are at most 256 KiB sealed, so no value is larger.
inline constexpr JsonLimits kRecordJsonLimits{256 << 10, 16};
// `haven log/edit --json OBJ|-`: one object of field values.
inline constexpr JsonLimits kFieldsInputLimits{1 << 20, 16};
// A plugin manifest (file, or shared through the vault).
inline constexpr JsonLimits kManifestJsonLimits{1 << 20, 16};
// The derived values a native plugin hands back.
inline constexpr JsonLimits kPluginJsonLimits{1 << 20, 16};
// One entry object of `haven import` (ImportReader's own limits).
inline constexpr JsonLimits kImportEntryLimits{16 << 20, 64};
// A reply of the daemon that the CLI parses (an entry, its history, a type,
// stats). Entries hold fields of at most kRecordJsonLimits' depth.
inline constexpr JsonLimits kDaemonReplyLimits{64 << 20, 32};

// What was wrong with a text that did not parse.
enum class JsonFault { kNone, kTooLarge, kTooDeep, kSyntax };

// Parses `text` as exactly one JSON value (strict: nothing but blanks after
// it). Errors are InvalidArgument, one line starting with `what`:
//   "<what>: larger than N bytes"
//   "<what>: nested deeper than N levels"
//   "<what>: not valid JSON: <detail>"
// `fault` and `fault_byte` (optional) receive the kind of failure and, for
// a syntax error, the 1-based byte offset where the parser stopped. Never
// throws, never recurses on the input's depth.
absl::StatusOr<nlohmann::json> ParseJsonBounded(std::string_view text, const JsonLimits& limits,
                                                std::string_view what, JsonFault* fault = nullptr,
                                                size_t* fault_byte = nullptr);

// The same checks as ParseJsonBounded without building the value: for a
// pass that only has to know a stored text is safe to parse later.
absl::Status CheckJsonBounded(std::string_view text, const JsonLimits& limits,
                              std::string_view what);

// Field values given as one JSON object (a request's fields_json, from
// `haven log/edit --json`): parsed within kFieldsInputLimits; empty text is
// null, anything but an object is refused. Errors are InputErrors
// (common/field_error.h) about "fields_json", labelled `label`.
inline constexpr std::string_view kFieldsJsonField = "fields_json";
absl::StatusOr<nlohmann::json> ParseFieldsJson(std::string_view text, std::string_view label);

}  // namespace haven

#endif  // HAVEN_COMMON_JSON_BOUNDED_H_
