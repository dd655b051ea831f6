#include "server/insights/journal_export.h"

#include <memory>
#include <utility>
#include <vector>

#include "server/insights/journal_stats.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Titles, field labels and csv columns of the selected types, in manifest
// order.
void DescribeTypes(const TypeRegistry& types, const std::string& only_type, ExportInput* input) {
  std::vector<std::vector<std::string>> field_names;
  for (const auto& type : types.List()) {
    if (!only_type.empty() && type->id != only_type) continue;
    std::vector<std::string> names;
    MarkdownType md{type->title, {}};
    for (const auto& f : type->fields) {
      names.push_back(f.name);
      md.fields.push_back({f.name, f.prompt, f.kind == FieldKind::kText});
    }
    field_names.push_back(std::move(names));
    input->types.emplace(type->id, std::move(md));
  }
  input->fields = UnionFieldNames(field_names);
}

}  // namespace

absl::Status ExportJournal(const Journal& journal, const TypeRegistry& types,
                           const ExportQuery& query, const ExportSink& sink) {
  ASSIGN_OR_RETURN(std::unique_ptr<Exporter> exporter, MakeExporter(query.format));
  ExportInput input;
  input.type = query.type;
  input.since_us = query.since_us;
  input.now_us = query.now_us;
  DescribeTypes(types, query.type, &input);
  ListFilter filter;
  filter.type = query.type;
  filter.since_us = query.since_us;
  filter.oldest_first = true;
  input.scan = [&](const std::function<bool(const Entry&)>& visit) {
    return journal.Scan(filter, visit);
  };
  input.stats = [&]() {
    return JournalStats(journal, types, {query.type, query.since_us, std::nullopt, query.now_us});
  };
  return WriteExport(*exporter, input, sink);
}

}  // namespace haven
