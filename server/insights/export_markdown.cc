// The Markdown journal of `haven export --format md`.
#include "common/time.h"
#include "server/insights/export.h"
#include "server/insights/journal_text.h"

namespace haven {
namespace {

using nlohmann::json;

std::string DayHeading(int64_t day) {
  return "## " + WeekdayName(day) + " " + DateOfDay(day) + "\n\n";
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

std::string Fields(const Entry& e, const MarkdownType& type) {
  const ShownFields shown = FieldsToShow(e, type);
  std::string list, paragraphs;
  for (const ShownValue& v : shown.values) {
    list += v.computed ? "- *" + v.label + " (computed):* " + v.value + "\n"
                       : "- **" + v.label + ":** " + v.value + "\n";
  }
  for (const auto& [label, text] : shown.paragraphs) paragraphs += Paragraph(label, text);
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
  if (known == types_.end()) inferred = InferredType(e);
  const MarkdownType& type = known != types_.end() ? known->second : inferred;
  const std::string title = type.title.empty() ? e.type : type.title;
  out += "### " + FormatRfc3339(e.at_us).substr(11, 5) + " · " + title + "\n\n";
  if (!e.tags.empty()) out += "*Tags: " + InlineValue(json(e.tags)) + "*\n\n";
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
