// `haven export` over a journal: the entries a journal holds, in the format
// asked for (exporter.h), with titles and columns from the types in a
// registry.
#ifndef HAVEN_SERVER_INSIGHTS_JOURNAL_EXPORT_H_
#define HAVEN_SERVER_INSIGHTS_JOURNAL_EXPORT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "server/insights/exporter.h"
#include "server/journal/journal.h"
#include "server/plugins/type_registry.h"

namespace haven {

struct ExportQuery {
  std::string format;               // as for MakeExporter
  std::string type;                 // only entries of this type; all when empty
  std::optional<int64_t> since_us;  // only entries at or after this time
  int64_t now_us = 0;               // when the export is made (html shows it)
};

// Writes the selected live entries, oldest first, into `sink` (WriteExport
// says when it stops early). InvalidArgument for an unknown format, before
// anything is read; otherwise the journal's errors.
absl::Status ExportJournal(const Journal& journal, const TypeRegistry& types,
                           const ExportQuery& query, const ExportSink& sink);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_JOURNAL_EXPORT_H_
