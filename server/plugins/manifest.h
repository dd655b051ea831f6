// The manifest format (docs/plugins.md, "The format"): parsing and checking a
// `{"haven_plugin":1,"types":[...]}` document, and writing a type back in the
// same shape. Pure functions, thread-safe, no exceptions escape.
//
// Strictness: unknown top-level keys are ignored (room to grow); unknown keys
// inside a type or a field are errors (a typo such as "max_lenght" must not
// silently drop a check), except keys starting with "x-", which are free for
// notes and extensions, and the "source" / "native" keys ToManifestJson adds.
#ifndef HAVEN_SERVER_PLUGINS_MANIFEST_H_
#define HAVEN_SERVER_PLUGINS_MANIFEST_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/plugins/type_registry.h"

namespace haven {

inline constexpr int kManifestFormatVersion = 1;
inline constexpr size_t kMaxManifestBytes = 1 << 20;

// Parses and checks a whole manifest document. Each type gets `source`.
// InvalidArgument with a precise reason, e.g.
// `type "walk": field "minutes": scale needs both "min" and "max"`.
absl::StatusOr<std::vector<ExerciseType>> ParseManifestText(std::string_view json_text,
                                                            const std::string& source);

// Same, from an already parsed document.
absl::StatusOr<std::vector<ExerciseType>> ParseManifestJson(const nlohmann::json& doc,
                                                            const std::string& source);

// True for a valid type id: 1-32 of [a-z0-9-], not starting with '-'.
bool IsValidTypeId(std::string_view id);

// One type in the manifest's shape, plus "source" and "native".
nlohmann::json ToManifestJson(const ExerciseType& type);

}  // namespace haven

#endif  // HAVEN_SERVER_PLUGINS_MANIFEST_H_
