// JSON and CSV export (Markdown lives in export_markdown.cc).
#include "server/insights/export.h"

#include <algorithm>
#include <set>

#include "common/time.h"

namespace haven {
namespace {

using nlohmann::json;

const std::vector<std::string>& FixedColumns() {
  static const auto* kColumns = new std::vector<std::string>{
      "id", "type", "type_version", "at", "created", "updated", "tags"};
  return *kColumns;
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& t : tags) out += (out.empty() ? "" : ";") + t;
  return out;
}

std::string Cell(const json& obj, const std::string& key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  return CsvField(it->is_string() ? it->get_ref<const std::string&>()
                                  : it->dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

std::vector<std::string> UnionFieldNames(const std::vector<std::vector<std::string>>& per_type) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& names : per_type) {
    for (const std::string& n : names) {
      if (seen.insert(n).second) out.push_back(n);
    }
  }
  return out;
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvWriter::Header() const {
  const auto& fixed = FixedColumns();
  std::string out;
  for (const std::string& c : fixed) out += (out.empty() ? "" : ",") + c;
  for (const std::string& f : columns_.fields) {
    const bool clash = std::find(fixed.begin(), fixed.end(), f) != fixed.end();
    out += "," + CsvField(clash ? "fields." + f : f);
  }
  for (const std::string& d : columns_.derived) out += "," + CsvField("derived." + d);
  return out + "\n";
}

std::string CsvWriter::Row(const Entry& e) const {
  // Time formatting dominates a large export; the three times are often equal.
  const std::string at = FormatExactTime(e.at_us);
  const std::string created = e.created_us == e.at_us ? at : FormatExactTime(e.created_us);
  const std::string updated = e.updated_us == e.created_us ? created
                              : e.updated_us == e.at_us    ? at
                                                           : FormatExactTime(e.updated_us);
  std::string out;
  out.reserve(128);
  out.append(CsvField(e.id)).append(",").append(CsvField(e.type)).append(",");
  out.append(std::to_string(e.type_version)).append(",").append(at).append(",");
  out.append(created).append(",").append(updated).append(",").append(CsvField(JoinTags(e.tags)));
  for (const std::string& f : columns_.fields) out.append(",").append(Cell(e.fields, f));
  for (const std::string& d : columns_.derived) out.append(",").append(Cell(e.derived, d));
  out += '\n';
  return out;
}

std::string ExportCsv(const std::vector<const Entry*>& entries, const CsvColumns& columns) {
  CsvWriter w(columns);
  std::string out = w.Header();
  for (const Entry* e : entries) out += w.Row(*e);
  return out;
}

}  // namespace haven
