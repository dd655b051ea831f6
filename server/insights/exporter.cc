// The five export formats behind Exporter, and the loop that drives one.
#include "server/insights/exporter.h"

#include <set>
#include <utility>

#include "common/field_error.h"
#include "common/time.h"
#include "server/insights/export_html.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// A JSON array of export entry objects, one per line.
class JsonExporter final : public Exporter {
 public:
  absl::Status Prepare(const ExportInput&) override { return absl::OkStatus(); }
  std::string Begin() override { return "["; }
  std::string Entry(const haven::Entry& e) override {
    std::string out = (first_ ? "\n" : ",\n") + EntryToExportJson(e).dump();
    first_ = false;
    return out;
  }
  std::string End() override { return first_ ? "]\n" : "\n]\n"; }

 private:
  bool first_ = true;
};

// One export entry object per line.
class JsonLinesExporter final : public Exporter {
 public:
  absl::Status Prepare(const ExportInput&) override { return absl::OkStatus(); }
  std::string Begin() override { return ""; }
  std::string Entry(const haven::Entry& e) override { return EntryToExportJson(e).dump() + "\n"; }
  std::string End() override { return ""; }
};

class CsvExporter final : public Exporter {
 public:
  // Derived columns are whatever the exported entries carry: one pass to
  // find them, before the header names them.
  absl::Status Prepare(const ExportInput& input) override {
    std::set<std::string> derived;
    RETURN_IF_ERROR(input.scan([&](const haven::Entry& e) {
      for (const auto& [name, value] : e.derived.items()) derived.insert(name);
      return true;
    }));
    csv_.emplace(CsvColumns{input.fields, {derived.begin(), derived.end()}});
    return absl::OkStatus();
  }
  std::string Begin() override { return csv_->Header(); }
  std::string Entry(const haven::Entry& e) override { return csv_->Row(e); }
  std::string End() override { return ""; }

 private:
  std::optional<CsvWriter> csv_;
};

class MarkdownExporter final : public Exporter {
 public:
  absl::Status Prepare(const ExportInput& input) override {
    md_.emplace(input.types);
    return absl::OkStatus();
  }
  std::string Begin() override { return md_->Header(); }
  std::string Entry(const haven::Entry& e) override { return md_->Entry(e); }
  std::string End() override { return ""; }

 private:
  std::optional<MarkdownWriter> md_;
};

// Which entries an html report holds, when not all: "Only Check-in entries
// from 2026-11-01".
std::string ReportScope(const ExportInput& input) {
  std::string scope;
  if (!input.type.empty()) {
    auto it = input.types.find(input.type);
    const bool titled = it != input.types.end() && !it->second.title.empty();
    scope = "Only " + (titled ? it->second.title : input.type) + " entries";
  }
  if (input.since_us) {
    scope += std::string(scope.empty() ? "Entries" : "") + " from " + LocalDate(*input.since_us);
  }
  return scope;
}

class HtmlExporter final : public Exporter {
 public:
  // The report's figures are `haven stats` over the same entries.
  absl::Status Prepare(const ExportInput& input) override {
    ASSIGN_OR_RETURN(nlohmann::json stats, input.stats());
    html_.emplace(input.types,
                  HtmlReportOptions{"Practice journal", ReportScope(input), input.now_us});
    header_ = html_->Header(stats);
    return absl::OkStatus();
  }
  std::string Begin() override { return std::move(header_); }
  std::string Entry(const haven::Entry& e) override { return html_->Entry(e); }
  std::string End() override { return html_->Footer(); }

 private:
  std::optional<HtmlReportWriter> html_;
  std::string header_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Exporter>> MakeExporter(std::string_view format) {
  if (format.empty() || format == "json") return std::make_unique<JsonExporter>();
  if (format == "jsonl") return std::make_unique<JsonLinesExporter>();
  if (format == "csv") return std::make_unique<CsvExporter>();
  if (format == "md") return std::make_unique<MarkdownExporter>();
  if (format == "html") return std::make_unique<HtmlExporter>();
  return InputError(
      absl::StatusCode::kInvalidArgument, "format", "format",
      "export writes json, jsonl, csv, md or html, not \"" + std::string(format) + "\"");
}

absl::Status WriteExport(Exporter& exporter, const ExportInput& input, const ExportSink& sink) {
  RETURN_IF_ERROR(exporter.Prepare(input));
  // Only the scan stops at a refused piece: once the reader is gone, what
  // Begin and End add reaches no one either way.
  sink(exporter.Begin());
  RETURN_IF_ERROR(input.scan([&](const Entry& e) { return sink(exporter.Entry(e)); }));
  sink(exporter.End());
  return absl::OkStatus();
}

}  // namespace haven
