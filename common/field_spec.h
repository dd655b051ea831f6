// One field of an exercise type, as its manifest describes it
// (docs/plugins.md, "The format"). The daemon builds these from manifests
// (server/plugins/manifest.cc); the CLI reads them back from the manifest
// JSON the daemon sends (FieldSpecFromJson), to guide and check answers.
#ifndef HAVEN_COMMON_FIELD_SPEC_H_
#define HAVEN_COMMON_FIELD_SPEC_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace haven {

enum class FieldKind { kInteger, kNumber, kScale, kBoolean, kString, kText, kEnum, kDatetime };

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::kString;
  bool required = false;
  std::string prompt;
  std::string help;
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> choices;    // kEnum only
  nlohmann::json default_value;        // null when there is none
  std::optional<uint64_t> max_length;  // kString / kText, in bytes
  bool exclusive_min = false;          // value must be > min (manifest "exclusive_min")
};

// Reads one element of a type's "fields" as the daemon sends it (the
// manifest shape of server/plugins/manifest.cc, ToManifestJson). Checks
// only shapes (a reply is outside input): a name and a known kind are
// needed, a member of the wrong JSON type is an error; the manifest rules
// themselves were enforced by the daemon that loaded it. InvalidArgument
// naming the field on failure.
absl::StatusOr<FieldSpec> FieldSpecFromJson(const nlohmann::json& field);

}  // namespace haven

#endif  // HAVEN_COMMON_FIELD_SPEC_H_
