#include "common/field_spec.h"

#include <cmath>

#include "absl/status/status.h"
#include "common/field_check.h"

namespace haven {
namespace {

using nlohmann::json;

absl::Status Bad(const std::string& name, const std::string& what) {
  return absl::InvalidArgumentError("the daemon's description of field \"" + name + "\": " + what);
}

absl::Status ReadString(const json& f, const char* key, const std::string& name, std::string* out) {
  auto it = f.find(key);
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return Bad(name, std::string("\"") + key + "\" is not a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadBound(const json& f, const char* key, const std::string& name,
                       std::optional<double>* out) {
  auto it = f.find(key);
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return Bad(name, std::string("\"") + key + "\" is not a number");
  }
  *out = it->get<double>();
  return absl::OkStatus();
}

absl::Status ReadFlag(const json& f, const char* key, const std::string& name, bool* out) {
  auto it = f.find(key);
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_boolean()) return Bad(name, std::string("\"") + key + "\" is not true or false");
  *out = it->get<bool>();
  return absl::OkStatus();
}

absl::Status ReadChoices(const json& f, FieldSpec* spec) {
  auto it = f.find("choices");
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_array()) return Bad(spec->name, "\"choices\" is not a list");
  for (const json& c : *it) {
    if (!c.is_string()) return Bad(spec->name, "a choice is not a string");
    spec->choices.push_back(c.get<std::string>());
  }
  return absl::OkStatus();
}

absl::Status ReadMaxLength(const json& f, FieldSpec* spec) {
  auto it = f.find("max_length");
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number_unsigned()) return Bad(spec->name, "\"max_length\" is not a whole number");
  spec->max_length = it->get<uint64_t>();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FieldSpec> FieldSpecFromJson(const json& field) {
  if (!field.is_object()) return Bad("?", "not an object");
  FieldSpec spec;
  auto name = field.find("name");
  if (name == field.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    return Bad("?", "no name");
  }
  spec.name = name->get<std::string>();
  std::string kind;
  if (absl::Status s = ReadString(field, "type", spec.name, &kind); !s.ok()) return s;
  if (!FieldKindFromName(kind, &spec.kind)) return Bad(spec.name, "unknown type \"" + kind + "\"");
  for (absl::Status s : {ReadFlag(field, "required", spec.name, &spec.required),
                         ReadString(field, "prompt", spec.name, &spec.prompt),
                         ReadString(field, "help", spec.name, &spec.help),
                         ReadBound(field, "min", spec.name, &spec.min),
                         ReadBound(field, "max", spec.name, &spec.max),
                         ReadFlag(field, "exclusive_min", spec.name, &spec.exclusive_min),
                         ReadChoices(field, &spec), ReadMaxLength(field, &spec)}) {
    if (!s.ok()) return s;
  }
  if (auto it = field.find("default"); it != field.end()) spec.default_value = *it;
  return spec;
}

}  // namespace haven
