// Shape check of one imported entry object.
#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/time.h"
#include "server/insights/import.h"

namespace haven {
namespace {

using nlohmann::json;

absl::Status KeyError(std::string_view key, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("key \"", std::string(key), "\" ", std::string(what)));
}

bool IsEntryId(const std::string& s) {
  return s.size() == 24 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Dates and times only: relative words ("yesterday") mean nothing in a file.
absl::StatusOr<int64_t> TimeKey(const json& obj, const char* key) {
  const json& v = obj.at(key);
  if (!v.is_string()) return KeyError(key, "must be an RFC 3339 time string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s[0] < '0' || s[0] > '9') {
    return KeyError(key, absl::StrCat("must be an RFC 3339 time like 2026-11-20T08:30:00+01:00, "
                                      "not \"",
                                      s, "\""));
  }
  auto us = ParseTimeInput(s, 0);
  if (!us.ok()) {
    return KeyError(key,
                    absl::StrCat("must be an RFC 3339 time: ", std::string(us.status().message())));
  }
  // A day of margin keeps the year four digits in every zone's local time.
  constexpr int64_t kDay = 86'400'000'000;
  if (*us < DayNumberOfDate(1, 1, 2) * kDay || *us >= DayNumberOfDate(9999, 12, 31) * kDay) {
    return KeyError(key, "must be a time between the years 0001 and 9999");
  }
  return *us;
}

absl::Status CheckKeys(const json& obj) {
  static constexpr const char* kKnown[] = {"id",      "type", "type_version", "at",     "created",
                                           "updated", "tags", "fields",       "derived"};
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) == std::end(kKnown)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown key \"", it.key(), "\""));
    }
  }
  for (const char* key : {"type", "at", "fields"}) {
    if (!obj.contains(key)) return KeyError(key, "is required");
  }
  return absl::OkStatus();
}

absl::Status ReadIdTypeVersion(const json& obj, ImportedEntry& out) {
  if (obj.contains("id")) {
    const json& id = obj["id"];
    if (!id.is_string() || !IsEntryId(id.get_ref<const std::string&>())) {
      return KeyError("id", "must be 24 lowercase hex characters");
    }
    out.id = id.get<std::string>();
  }
  const json& type = obj["type"];
  if (!type.is_string() || type.get_ref<const std::string&>().empty()) {
    return KeyError("type", "must be a non-empty string");
  }
  out.type = type.get<std::string>();
  if (obj.contains("type_version")) {
    const json& v = obj["type_version"];
    const bool ok = v.is_number_integer() && v.get<int64_t>() >= 1 &&
                    (v.is_number_unsigned() ? v.get<uint64_t>() : v.get<int64_t>()) <=
                        std::numeric_limits<uint32_t>::max();
    if (!ok) return KeyError("type_version", "must be a whole number from 1");
    out.type_version = static_cast<uint32_t>(v.get<uint64_t>());
  }
  return absl::OkStatus();
}

absl::Status ReadTagsAndFields(const json& obj, ImportedEntry& out) {
  if (obj.contains("tags")) {
    const json& tags = obj["tags"];
    if (!tags.is_array()) return KeyError("tags", "must be an array of strings");
    for (const json& t : tags) {
      if (!t.is_string() || t.get_ref<const std::string&>().empty()) {
        return KeyError("tags", "must hold only non-empty strings");
      }
      out.tags.push_back(t.get<std::string>());
    }
    std::sort(out.tags.begin(), out.tags.end());
    out.tags.erase(std::unique(out.tags.begin(), out.tags.end()), out.tags.end());
  }
  if (!obj["fields"].is_object()) return KeyError("fields", "must be an object");
  out.fields = obj["fields"];
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ImportedEntry> EntryFromExportJson(const json& obj) {
  if (!obj.is_object()) return absl::InvalidArgumentError("an entry must be a JSON object");
  if (absl::Status s = CheckKeys(obj); !s.ok()) return s;
  ImportedEntry out;
  if (absl::Status s = ReadIdTypeVersion(obj, out); !s.ok()) return s;
  auto at = TimeKey(obj, "at");
  if (!at.ok()) return at.status();
  out.at_us = *at;
  for (const char* key : {"created", "updated"}) {
    if (!obj.contains(key)) continue;
    auto t = TimeKey(obj, key);
    if (!t.ok()) return t.status();
    (key[0] == 'c' ? out.created_us : out.updated_us) = *t;
  }
  if (absl::Status s = ReadTagsAndFields(obj, out); !s.ok()) return s;
  return out;
}

}  // namespace haven
