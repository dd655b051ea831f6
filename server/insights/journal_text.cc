#include "server/insights/journal_text.h"

#include <array>

namespace haven {

using nlohmann::json;

std::string WeekdayName(int64_t day_number) {
  static constexpr std::array<const char*, 7> kNames = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  const int64_t d = day_number + 3;  // day 0 was a Thursday
  return kNames[((d % 7) + 7) % 7];
}

std::string FieldLabel(const MarkdownField& field) {
  std::string s = field.label.empty() ? field.name : field.label;
  for (char& c : s) c = c == '_' ? ' ' : c;
  return s;
}

std::string InlineValue(const json& v) {
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_boolean()) {
    s = v.get<bool>() ? "yes" : "no";
  } else if (v.is_array()) {
    for (const json& x : v) s += (s.empty() ? "" : ", ") + InlineValue(x);
  } else {
    s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  for (char& c : s) c = (c == '\n' || c == '\r') ? ' ' : c;
  return s;
}

MarkdownType InferredType(const Entry& e) {
  MarkdownType t;
  for (auto it = e.fields.begin(); it != e.fields.end(); ++it) {
    const bool text =
        it->is_string() && it->get_ref<const std::string&>().find('\n') != std::string::npos;
    t.fields.push_back({it.key(), "", text});
  }
  return t;
}

ShownFields FieldsToShow(const Entry& e, const MarkdownType& type) {
  ShownFields shown;
  for (const MarkdownField& f : type.fields) {
    auto it = e.fields.find(f.name);
    if (it == e.fields.end() || it->is_null()) continue;
    if (f.is_text && it->is_string()) {
      shown.paragraphs.emplace_back(FieldLabel(f), it->get<std::string>());
    } else {
      shown.values.push_back({FieldLabel(f), InlineValue(*it), false});
    }
  }
  if (e.derived.is_object()) {
    for (auto it = e.derived.begin(); it != e.derived.end(); ++it) {
      if (it->is_object()) continue;
      shown.values.push_back({FieldLabel({it.key(), "", false}), InlineValue(*it), true});
    }
  }
  return shown;
}

}  // namespace haven
