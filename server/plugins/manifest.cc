#include "server/plugins/manifest.h"

#include <cmath>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/field_check.h"
#include "common/json_bounded.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

using nlohmann::json;

constexpr size_t kMaxTypes = 64;
constexpr size_t kMaxFields = 256;
constexpr size_t kMaxChoices = 256;
constexpr size_t kMaxShortText = 200;  // title, prompt, choice
constexpr size_t kMaxLongText = 4000;  // description, citation, help
constexpr double kMaxBound = 1e15;

const std::set<std::string, std::less<>> kTypeKeys = {
    "id", "version", "title", "description", "citation", "fields", "source", "native"};
const std::set<std::string, std::less<>> kFieldKeys = {
    "name", "type",    "required", "prompt",     "help",         "min",
    "max",  "choices", "default",  "max_length", "exclusive_min"};

// (The Debian Abseil's string_view is not std::string_view, hence the copies.)
absl::Status Bad(std::string_view where, std::string_view what) {
  return absl::InvalidArgumentError(std::string(where) + std::string(what));
}

absl::Status CheckKeys(const json& obj, const std::set<std::string, std::less<>>& known,
                       std::string_view where) {
  for (const auto& [key, unused] : obj.items()) {
    if (known.count(key) == 0 && !absl::StartsWith(key, "x-")) {
      return Bad(where, absl::StrCat("unknown key \"", key, "\""));
    }
  }
  return absl::OkStatus();
}

// Reads an optional string member into *out, with a length cap.
absl::Status OptString(const json& obj, const char* key, size_t max_len, bool one_line,
                       std::string_view where, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return Bad(where, absl::StrCat("\"", key, "\" must be a string"));
  const std::string& s = it->get_ref<const std::string&>();
  if (s.size() > max_len) {
    return Bad(where, absl::StrCat("\"", key, "\" is longer than ", max_len, " bytes"));
  }
  if (one_line && s.find_first_of("\r\n") != std::string::npos) {
    return Bad(where, absl::StrCat("\"", key, "\" must be one line"));
  }
  *out = s;
  return absl::OkStatus();
}

absl::Status OptBound(const json& obj, const char* key, std::string_view where,
                      std::optional<double>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number()) return Bad(where, absl::StrCat("\"", key, "\" must be a number"));
  double v = it->get<double>();
  if (!std::isfinite(v) || std::fabs(v) > kMaxBound) {
    return Bad(where, absl::StrCat("\"", key, "\" is out of range"));
  }
  *out = v;
  return absl::OkStatus();
}

bool IsValidFieldName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::Status ParseChoices(const json& f, std::string_view where, FieldSpec* spec) {
  auto it = f.find("choices");
  bool has = it != f.end() && !it->is_null();
  if (spec->kind != FieldKind::kEnum) {
    return has ? Bad(where, "\"choices\" applies only to enum fields") : absl::OkStatus();
  }
  if (!has) return Bad(where, "an enum needs \"choices\"");
  if (!it->is_array() || it->empty()) return Bad(where, "\"choices\" must be a non-empty array");
  if (it->size() > kMaxChoices) return Bad(where, "too many \"choices\"");
  std::set<std::string> seen;
  for (const json& c : *it) {
    if (!c.is_string() || c.get_ref<const std::string&>().empty()) {
      return Bad(where, "each choice must be a non-empty string");
    }
    const std::string& s = c.get_ref<const std::string&>();
    if (s.size() > kMaxShortText || s.find_first_of("\r\n,") != std::string::npos) {
      return Bad(where, "a choice must be one short line without commas");
    }
    if (!seen.insert(s).second) return Bad(where, absl::StrCat("choice \"", s, "\" repeats"));
    spec->choices.push_back(s);
  }
  return absl::OkStatus();
}

absl::Status ParseBounds(const json& f, std::string_view where, FieldSpec* spec) {
  RETURN_IF_ERROR(OptBound(f, "min", where, &spec->min));
  RETURN_IF_ERROR(OptBound(f, "max", where, &spec->max));
  bool numeric = spec->kind == FieldKind::kInteger || spec->kind == FieldKind::kNumber ||
                 spec->kind == FieldKind::kScale;
  if (!numeric && (spec->min || spec->max)) {
    return Bad(where, "\"min\" and \"max\" apply only to integer, number and scale fields");
  }
  if (auto it = f.find("exclusive_min"); it != f.end() && !it->is_null()) {
    if (!it->is_boolean()) return Bad(where, "\"exclusive_min\" must be true or false");
    spec->exclusive_min = it->get<bool>();
    if (spec->exclusive_min && !spec->min) return Bad(where, "\"exclusive_min\" needs \"min\"");
  }
  if (spec->kind == FieldKind::kScale) {
    if (!spec->min || !spec->max) return Bad(where, "scale needs both \"min\" and \"max\"");
    if (std::floor(*spec->min) != *spec->min || std::floor(*spec->max) != *spec->max) {
      return Bad(where, "a scale's \"min\" and \"max\" must be whole numbers");
    }
  }
  if (spec->min && spec->max &&
      (spec->exclusive_min ? *spec->min >= *spec->max : *spec->min > *spec->max)) {
    return Bad(where, "\"min\" must be below \"max\"");
  }
  return absl::OkStatus();
}

absl::Status ParseMaxLength(const json& f, std::string_view where, FieldSpec* spec) {
  auto it = f.find("max_length");
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (spec->kind != FieldKind::kString && spec->kind != FieldKind::kText) {
    return Bad(where, "\"max_length\" applies only to string and text fields");
  }
  if (!it->is_number_unsigned() || it->get<uint64_t>() == 0) {
    return Bad(where, "\"max_length\" must be a whole number above 0");
  }
  spec->max_length = it->get<uint64_t>();
  return absl::OkStatus();
}

absl::Status ParseDefault(const json& f, std::string_view where, FieldSpec* spec) {
  auto it = f.find("default");
  if (it == f.end() || it->is_null()) return absl::OkStatus();
  if (spec->kind == FieldKind::kDatetime) {
    return Bad(where, "a datetime field cannot have a \"default\"");
  }
  absl::StatusOr<json> value = CheckFieldValue(*spec, *it, 0);
  if (!value.ok()) {
    return Bad(where, absl::StrCat("\"default\" breaks its own rule: ", value.status().message()));
  }
  spec->default_value = *std::move(value);
  return absl::OkStatus();
}

absl::StatusOr<FieldSpec> ParseField(const json& f, std::string_view type_where, size_t index) {
  std::string where = absl::StrCat(std::string(type_where), "fields[", index, "]: ");
  if (!f.is_object()) return Bad(where, "must be an object");
  FieldSpec spec;
  auto name = f.find("name");
  if (name == f.end() || !name->is_string()) return Bad(where, "needs a \"name\" string");
  spec.name = name->get<std::string>();
  if (!IsValidFieldName(spec.name)) {
    return Bad(where, "\"name\" must be 1-64 of [a-z0-9_], starting with a letter");
  }
  where = absl::StrCat(std::string(type_where), "field \"", spec.name, "\": ");
  RETURN_IF_ERROR(CheckKeys(f, kFieldKeys, where));
  auto type = f.find("type");
  if (type == f.end() || !type->is_string()) return Bad(where, "needs a \"type\" string");
  if (!FieldKindFromName(type->get_ref<const std::string&>(), &spec.kind)) {
    return Bad(where, absl::StrCat("unknown type \"", type->get_ref<const std::string&>(),
                                   "\" (integer, number, scale, boolean, string, text, enum, "
                                   "datetime)"));
  }
  if (auto it = f.find("required"); it != f.end() && !it->is_null()) {
    if (!it->is_boolean()) return Bad(where, "\"required\" must be true or false");
    spec.required = it->get<bool>();
  }
  RETURN_IF_ERROR(OptString(f, "prompt", kMaxShortText, true, where, &spec.prompt));
  RETURN_IF_ERROR(OptString(f, "help", kMaxLongText, false, where, &spec.help));
  RETURN_IF_ERROR(ParseBounds(f, where, &spec));
  RETURN_IF_ERROR(ParseChoices(f, where, &spec));
  RETURN_IF_ERROR(ParseMaxLength(f, where, &spec));
  RETURN_IF_ERROR(ParseDefault(f, where, &spec));
  return spec;
}

absl::StatusOr<ExerciseType> ParseType(const json& t, size_t index, const std::string& source) {
  std::string where = absl::StrCat("types[", index, "]: ");
  if (!t.is_object()) return Bad(where, "must be an object");
  ExerciseType type;
  auto id = t.find("id");
  if (id == t.end() || !id->is_string()) return Bad(where, "needs an \"id\" string");
  type.id = id->get<std::string>();
  if (!IsValidTypeId(type.id)) {
    return Bad(where, "\"id\" must be 1-32 of [a-z0-9-], not starting with '-'");
  }
  where = absl::StrCat("type \"", type.id, "\": ");
  RETURN_IF_ERROR(CheckKeys(t, kTypeKeys, where));
  if (auto v = t.find("version"); v != t.end() && !v->is_null()) {
    if (!v->is_number_unsigned() || v->get<uint64_t>() == 0 || v->get<uint64_t>() > UINT32_MAX) {
      return Bad(where, "\"version\" must be a whole number above 0");
    }
    type.version = static_cast<uint32_t>(v->get<uint64_t>());
  }
  type.title = type.id;
  RETURN_IF_ERROR(OptString(t, "title", kMaxShortText, true, where, &type.title));
  RETURN_IF_ERROR(OptString(t, "description", kMaxLongText, false, where, &type.description));
  RETURN_IF_ERROR(OptString(t, "citation", kMaxLongText, false, where, &type.citation));
  auto fields = t.find("fields");
  if (fields == t.end() || !fields->is_array() || fields->empty()) {
    return Bad(where, "needs a non-empty \"fields\" array");
  }
  if (fields->size() > kMaxFields) return Bad(where, "has too many fields");
  std::set<std::string> names;
  for (size_t i = 0; i < fields->size(); ++i) {
    ASSIGN_OR_RETURN(FieldSpec spec, ParseField((*fields)[i], where, i));
    if (!names.insert(spec.name).second) {
      return Bad(where, absl::StrCat("field \"", spec.name, "\" is defined twice"));
    }
    type.fields.push_back(std::move(spec));
  }
  type.source = source;
  return type;
}

json BoundJson(double v) {
  if (std::floor(v) == v) return json(static_cast<int64_t>(v));
  return json(v);
}

}  // namespace

bool IsValidTypeId(std::string_view id) {
  if (id.empty() || id.size() > 32 || id[0] == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

absl::StatusOr<std::vector<ExerciseType>> ParseManifestJson(const json& doc,
                                                            const std::string& source) {
  if (!doc.is_object()) return Bad("", "a manifest must be a JSON object");
  auto version = doc.find("haven_plugin");
  if (version == doc.end()) return Bad("", "missing \"haven_plugin\": 1");
  if (!version->is_number_integer() || version->get<int64_t>() != kManifestFormatVersion) {
    return Bad("", absl::StrCat("unsupported \"haven_plugin\" ", version->dump(),
                                " (this haven reads ", kManifestFormatVersion, ")"));
  }
  auto types = doc.find("types");
  if (types == doc.end() || !types->is_array() || types->empty()) {
    return Bad("", "needs a non-empty \"types\" array");
  }
  if (types->size() > kMaxTypes) return Bad("", "declares too many types");
  std::vector<ExerciseType> out;
  std::set<std::string> ids;
  for (size_t i = 0; i < types->size(); ++i) {
    ASSIGN_OR_RETURN(ExerciseType type, ParseType((*types)[i], i, source));
    if (!ids.insert(type.id).second) {
      return Bad("", absl::StrCat("type \"", type.id, "\" is defined twice"));
    }
    out.push_back(std::move(type));
  }
  return out;
}

absl::StatusOr<std::vector<ExerciseType>> ParseManifestText(std::string_view json_text,
                                                            const std::string& source) {
  if (json_text.size() > kMaxManifestBytes) {
    return Bad("", absl::StrCat("larger than ", kMaxManifestBytes, " bytes"));
  }
  JsonFault fault = JsonFault::kNone;
  auto parsed = ParseJsonBounded(json_text, kManifestJsonLimits, "manifest", &fault);
  if (fault == JsonFault::kTooDeep) {
    return Bad("", absl::StrCat("nested deeper than ", kManifestJsonLimits.max_depth, " levels"));
  }
  if (!parsed.ok()) return Bad("", "not valid JSON");
  const json& doc = *parsed;
  try {
    return ParseManifestJson(doc, source);
  } catch (const std::exception& e) {  // nlohmann seam: should not happen, never crash
    return Bad("", absl::StrCat("could not be read: ", e.what()));
  }
}

json ToManifestJson(const ExerciseType& type) {
  json fields = json::array();
  for (const FieldSpec& f : type.fields) {
    json j = {{"name", f.name}, {"type", FieldKindName(f.kind)}, {"required", f.required}};
    if (!f.prompt.empty()) j["prompt"] = f.prompt;
    if (!f.help.empty()) j["help"] = f.help;
    if (f.min) j["min"] = BoundJson(*f.min);
    if (f.exclusive_min) j["exclusive_min"] = true;
    if (f.max) j["max"] = BoundJson(*f.max);
    if (!f.choices.empty()) j["choices"] = f.choices;
    if (!f.default_value.is_null()) j["default"] = f.default_value;
    if (f.max_length) j["max_length"] = *f.max_length;
    fields.push_back(std::move(j));
  }
  json out{{"id", type.id},        {"version", type.version},
           {"title", type.title},  {"description", type.description},
           {"fields", fields},     {"source", type.source},
           {"native", type.native}};
  // Only when given, so that a type without one reads as it always did.
  if (!type.citation.empty()) out["citation"] = type.citation;
  return out;
}

}  // namespace haven
