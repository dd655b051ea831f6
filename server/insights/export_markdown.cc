// The Markdown journal of `haven export --format md`.
#include <array>

#include "server/insights/export.h"
#include "server/util/time.h"

namespace haven {
namespace {

using nlohmann::json;

std::string DayHeading(int64_t day) {
  static constexpr std::array<const char*, 7> kNames = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  const int64_t d = day + 3;  // day 0 was a Thursday
  return std::string("## ") + kNames[((d % 7) + 7) % 7] + " " + DateOfDay(day) + "\n\n";
}

std::string Label(const MarkdownField& f) {
  std::string s = f.label.empty() ? f.name : f.label;
  for (char& c : s) c = c == '_' ? ' ' : c;
  return s;
}

// One line of text for a list item: line breaks become spaces.
std::string Inline(const json& v) {
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_boolean()) {
    s = v.get<bool>() ? "yes" : "no";
  } else if (v.is_array()) {
    for (const json& x : v) s += (s.empty() ? "" : ", ") + Inline(x);
  } else {
    s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  for (char& c : s) c = (c == '\n' || c == '\r') ? ' ' : c;
  return s;
}

// Quoting each line keeps the writer's own "#" or "-" from turning into
// headings or lists of the journal.
std::string Paragraph(const std::string& label, const std::string& text) {
  std::string out = "**" + label + "**\n\n> ";
  for (char c : text) {
    if (c == '\r') continue;
    out += c;
    if (c == '\n') out += "> ";
  }
  return out + "\n\n";
}

MarkdownType Inferred(const Entry& e) {
  MarkdownType t;
  for (auto it = e.fields.begin(); it != e.fields.end(); ++it) {
    const bool text =
        it->is_string() && it->get_ref<const std::string&>().find('\n') != std::string::npos;
    t.fields.push_back({it.key(), "", text});
  }
  return t;
}

std::string Fields(const Entry& e, const MarkdownType& type) {
  std::string list, paragraphs;
  for (const MarkdownField& f : type.fields) {
    auto it = e.fields.find(f.name);
    if (it == e.fields.end() || it->is_null()) continue;
    if (f.is_text && it->is_string()) {
      paragraphs += Paragraph(Label(f), it->get<std::string>());
    } else {
      list += "- **" + Label(f) + ":** " + Inline(*it) + "\n";
    }
  }
  if (e.derived.is_object()) {
    for (auto it = e.derived.begin(); it != e.derived.end(); ++it) {
      if (it->is_object()) continue;
      list += "- *" + Label({it.key(), "", false}) + " (computed):* " + Inline(*it) + "\n";
    }
  }
  return list + (list.empty() ? "" : "\n") + paragraphs;
}

}  // namespace

std::string MarkdownWriter::Header() const { return "# " + title_ + "\n\n"; }

std::string MarkdownWriter::Entry(const haven::Entry& e) {
  std::string out;
  const int64_t day = LocalDayNumber(e.at_us);
  if (!day_ || *day_ != day) out += DayHeading(day);
  day_ = day;
  auto known = types_.find(e.type);
  MarkdownType inferred;
  if (known == types_.end()) inferred = Inferred(e);
  const MarkdownType& type = known != types_.end() ? known->second : inferred;
  const std::string title = type.title.empty() ? e.type : type.title;
  out += "### " + FormatRfc3339(e.at_us).substr(11, 5) + " · " + title + "\n\n";
  if (!e.tags.empty()) out += "*Tags: " + Inline(json(e.tags)) + "*\n\n";
  return out + Fields(e, type);
}

std::string ExportMarkdown(const std::vector<const Entry*>& entries,
                           std::map<std::string, MarkdownType> types) {
  MarkdownWriter w(std::move(types));
  std::string out = w.Header();
  for (const haven::Entry* e : entries) out += w.Entry(*e);
  return out;
}

}  // namespace haven
