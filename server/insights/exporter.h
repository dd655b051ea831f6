// `haven export`: one Exporter per format (json, jsonl, csv, md, html), all
// behind one interface, chosen by MakeExporter. An exporter turns entries into
// text one piece at a time, so the daemon streams a million entries without
// building one huge string. docs/formats.md ("Export formats") describes
// what each writes; export.h and export_html.h hold the writers.
//
// Thread safety: an exporter is used by one thread at a time.
#ifndef HAVEN_SERVER_INSIGHTS_EXPORTER_H_
#define HAVEN_SERVER_INSIGHTS_EXPORTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/insights/export.h"
#include "server/model/entry.h"

namespace haven {

// Everything an export may draw on: what was asked for, the selected types,
// and two ways to read the selected entries. The data layer fills it
// (ExportJournal in journal_export.h); tests fill it by hand.
struct ExportInput {
  std::string type;                 // only entries of this type; all when empty
  std::optional<int64_t> since_us;  // only entries at or after this time
  int64_t now_us = 0;               // when the export is made (html shows it)
  // The selected types by id: titles and field labels (md, html).
  std::map<std::string, MarkdownType> types;
  // The selected types' field names in manifest order, each once (csv columns).
  std::vector<std::string> fields;
  // Visits every selected entry oldest first until `visit` returns false.
  std::function<absl::Status(const std::function<bool(const Entry&)>& visit)> scan;
  // `haven stats` over the selected entries (html's figures).
  std::function<absl::StatusOr<nlohmann::json>()> stats;
};

class Exporter {
 public:
  virtual ~Exporter() = default;

  // Runs once before Begin. A format that must see the whole selection
  // first (csv's derived columns, html's figures) reads it here; errors are
  // the input's (a scan or stats error).
  virtual absl::Status Prepare(const ExportInput& input) = 0;
  // The text before the first entry, of each entry (oldest first) and after
  // the last one.
  virtual std::string Begin() = 0;
  virtual std::string Entry(const haven::Entry& e) = 0;
  virtual std::string End() = 0;
};

// The exporter for `format`: "json" (also when empty), "jsonl", "csv", "md"
// or "html". Anything else is InvalidArgument naming the formats there are.
absl::StatusOr<std::unique_ptr<Exporter>> MakeExporter(std::string_view format);

// Where export text goes, one piece at a time; false when it cannot take
// more (the reader went away).
using ExportSink = std::function<bool(std::string_view text)>;

// Prepare, Begin, every entry of `input.scan`, End, each piece into `sink`.
// A sink that refuses a piece stops the scan; that is not an error (the
// reader is gone and hears nothing more). Errors are Prepare's or the scan's.
absl::Status WriteExport(Exporter& exporter, const ExportInput& input, const ExportSink& sink);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_EXPORTER_H_
