#include "common/json_member.h"

namespace haven {

using nlohmann::json;

const json& Member(const json& obj, const char* key) {
  static const json* const kNull = new json();
  if (!obj.is_object()) return *kNull;
  auto it = obj.find(key);
  return it == obj.end() ? *kNull : *it;
}

double NumberOr(const json& obj, const char* key, double fallback) {
  const json& v = Member(obj, key);
  return v.is_number() ? v.get<double>() : fallback;
}

std::string TextOf(const json& obj, const char* key) {
  const json& v = Member(obj, key);
  return v.is_string() ? v.get<std::string>() : "";
}

const json& ArrayOf(const json& obj, const char* key) {
  static const json* const kEmpty = new json(json::array());
  const json& v = Member(obj, key);
  return v.is_array() ? v : *kEmpty;
}

}  // namespace haven
