// How one journal entry reads to a person, shared by the Markdown and HTML
// journals of `haven export`: weekday names, field labels and values as one
// line of text. Internal to haven_insights.
#ifndef HAVEN_SERVER_INSIGHTS_JOURNAL_TEXT_H_
#define HAVEN_SERVER_INSIGHTS_JOURNAL_TEXT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "server/insights/export.h"

namespace haven {

// "Friday" for a local day number (day 0, 1970-01-01, was a Thursday).
std::string WeekdayName(int64_t day_number);

// The field's label, else its name, with "_" shown as a space.
std::string FieldLabel(const MarkdownField& field);

// A value as one line of text: strings as they are with line breaks turned
// into spaces, booleans as "yes"/"no", arrays joined with ", ", anything else
// as compact JSON.
std::string InlineValue(const nlohmann::json& value);

// What a journal shows of an entry, in manifest order: free-text fields as
// paragraphs (label, text), every other present value and then each derived
// value (computed) as one labelled line. Each journal only formats them.
struct ShownValue {
  std::string label;
  std::string value;  // InlineValue
  bool computed = false;
};
struct ShownFields {
  std::vector<ShownValue> values;
  std::vector<std::pair<std::string, std::string>> paragraphs;  // label, text
};
ShownFields FieldsToShow(const Entry& e, const MarkdownType& type);

// A layout for an entry whose type this device does not know: every field,
// shown as text when it holds a line break.
MarkdownType InferredType(const Entry& e);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_JOURNAL_TEXT_H_
