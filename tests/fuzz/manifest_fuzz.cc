// Fuzz target for manifest parsing (docs/performance.md, "Reliability": every decoder of outside
// bytes has one). Manifests arrive from disk and, for custom types, from other
// devices through the vault. Beyond "never crash", it checks that every
// accepted manifest round-trips through ToManifestJson unchanged and that
// each accepted field's rules survive arbitrary typed text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/field_check.h"
#include "server/plugins/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto types = haven::ParseManifestText(text, "fuzz");
  if (!types.ok()) return 0;
  for (const haven::ExerciseType& type : *types) {
    nlohmann::json j = haven::ToManifestJson(type);
    nlohmann::json doc = {{"haven_plugin", 1}, {"types", nlohmann::json::array({j})}};
    auto again = haven::ParseManifestJson(doc, "fuzz");
    if (!again.ok() || haven::ToManifestJson((*again)[0]) != j) std::abort();
    for (const haven::FieldSpec& field : type.fields) {
      auto value = haven::ParseFieldValueText(field, text.substr(0, 64), 0);
      if (value.ok() && !haven::CheckFieldValue(field, *value, 0).ok()) std::abort();
      if (!field.default_value.is_null() &&
          !haven::CheckFieldValue(field, field.default_value, 0).ok()) {
        std::abort();
      }
    }
  }
  return 0;
}
