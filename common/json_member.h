// Reading a JSON object that may lack a key or hold the wrong type, without
// throwing: the stats views draw from the daemon's stats JSON and tolerate
// anything missing or mistyped in it (docs/formats.md, "Stats").
#ifndef HAVEN_COMMON_JSON_MEMBER_H_
#define HAVEN_COMMON_JSON_MEMBER_H_

#include <nlohmann/json.hpp>
#include <string>

namespace haven {

// obj[key] when `obj` is an object holding it, else null: safe on any JSON.
const nlohmann::json& Member(const nlohmann::json& obj, const char* key);
// Member as a number, or `fallback` when it is not one.
double NumberOr(const nlohmann::json& obj, const char* key, double fallback);
// Member as a string, or empty when it is not one.
std::string TextOf(const nlohmann::json& obj, const char* key);
// Member as an array, or an empty one.
const nlohmann::json& ArrayOf(const nlohmann::json& obj, const char* key);

}  // namespace haven

#endif  // HAVEN_COMMON_JSON_MEMBER_H_
