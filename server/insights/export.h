// `haven export`: entries as lossless JSON, as CSV and as a readable Markdown
// journal. Writers return one piece of text at a time so the daemon can
// stream a million entries without building one huge string.
//
// Thread safety: a writer is used by one thread at a time.
#ifndef HAVEN_SERVER_INSIGHTS_EXPORT_H_
#define HAVEN_SERVER_INSIGHTS_EXPORT_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/model/entry.h"
#include "server/model/entry_json.h"  // EntryToExportJson, the JSON export writes

namespace haven {

// Field names of several types in order, each name once (first wins): the
// CSV columns for entries of those types.
std::vector<std::string> UnionFieldNames(const std::vector<std::vector<std::string>>& per_type);

// RFC 4180 quoting: fields holding a comma, quote, CR or LF are quoted, with
// quotes doubled. Rows end in "\n".
std::string CsvField(std::string_view text);

struct CsvColumns {
  std::vector<std::string> fields;   // one column each, named as the field
  std::vector<std::string> derived;  // one column each, named "derived.NAME"
};

// Columns: id,type,type_version,at,created,updated,tags (";"-joined), then
// `fields` and `derived`. A field named like a fixed column is headed
// "fields.NAME". Strings are written as is, numbers and booleans as JSON,
// arrays and objects as compact JSON, missing values as empty cells.
class CsvWriter {
 public:
  explicit CsvWriter(CsvColumns columns) : columns_(std::move(columns)) {}
  std::string Header() const;
  std::string Row(const Entry& e) const;

 private:
  CsvColumns columns_;
};

std::string ExportCsv(const std::vector<const Entry*>& entries, const CsvColumns& columns);

// How a type reads in Markdown, from its manifest.
struct MarkdownField {
  std::string name;
  std::string label;     // e.g. the manifest prompt; the name when empty
  bool is_text = false;  // multi-line text: shown as a quoted paragraph
};
struct MarkdownType {
  std::string title;  // e.g. "Self-Compassion Break"; the type id when empty
  std::vector<MarkdownField> fields;
};

// A journal grouped by local day: "## Friday 2026-11-20" headings, then per
// entry "### 08:30 · Title", tags, short fields as a list and text fields as
// quoted paragraphs, then derived values. Pass entries oldest first; a new
// day heading is written whenever the local day changes. Entries of a type
// missing from `types` show every field, text when it holds a line break.
class MarkdownWriter {
 public:
  MarkdownWriter(std::map<std::string, MarkdownType> types, std::string title = "Practice journal")
      : types_(std::move(types)), title_(std::move(title)) {}
  std::string Header() const;
  std::string Entry(const haven::Entry& e);

 private:
  std::map<std::string, MarkdownType> types_;
  std::string title_;
  std::optional<int64_t> day_;  // local day of the previous entry
};

std::string ExportMarkdown(const std::vector<const Entry*>& entries,
                           std::map<std::string, MarkdownType> types);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_EXPORT_H_
