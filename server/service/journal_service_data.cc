// Stats, export and import: the journal service's whole-history calls.
#include <set>

#include "server/insights/export.h"
#include "server/insights/export_html.h"
#include "server/insights/import.h"
#include "server/service/import_session.h"
#include "server/insights/stats.h"
#include "server/model/entry_json.h"
#include "server/journal/merge.h"
#include "server/service/journal_service.h"
#include "common/status.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"
#include "common/time.h"

namespace haven {
namespace {

constexpr size_t kExportChunkBytes = 64 * 1024;

bool IsNumeric(FieldKind kind) {
  return kind == FieldKind::kInteger || kind == FieldKind::kNumber || kind == FieldKind::kScale;
}

// Sends text in chunks of about kExportChunkBytes.
class ChunkSink {
 public:
  explicit ChunkSink(grpc::ServerWriter<v1::ExportChunk>* writer) : writer_(writer) {}
  bool Add(std::string_view text) {
    buffer_.append(text);
    return buffer_.size() < kExportChunkBytes || Flush();
  }
  bool Flush() {
    if (buffer_.empty()) return true;
    v1::ExportChunk chunk;
    chunk.set_data(std::move(buffer_));
    buffer_.clear();
    return writer_->Write(chunk);
  }

 private:
  grpc::ServerWriter<v1::ExportChunk>* writer_;
  std::string buffer_;
};

// Which entries an html report holds, when not all: "Only Check-in entries
// from 2026-11-01".
std::string ReportScope(const v1::ExportRequest& req,
                        const std::map<std::string, MarkdownType>& types) {
  std::string scope;
  if (!req.type().empty()) {
    auto it = types.find(req.type());
    const bool titled = it != types.end() && !it->second.title.empty();
    scope = "Only " + (titled ? it->second.title : req.type()) + " entries";
  }
  if (req.has_since()) {
    scope += std::string(scope.empty() ? "Entries" : "") + " from " + LocalDate(req.since_us());
  }
  return scope;
}

}  // namespace

absl::StatusOr<nlohmann::json> JournalService::StatsJson(const Journal& journal,
                                                         const std::string& only_type,
                                                         std::optional<int64_t> since_us,
                                                         std::optional<int64_t> until_us,
                                                         int64_t now_us) {
  ListFilter filter;
  filter.type = only_type;
  filter.since_us = since_us;
  filter.until_us = until_us;

  StatsOptions options;
  if (!only_type.empty()) options.type = only_type;
  options.since_us = filter.since_us;
  options.until_us = filter.until_us;
  options.summarize_types.emplace();
  for (const auto& type : types_->List()) {
    auto& numeric = options.numeric_fields[type->id];
    for (const auto& f : type->fields) {
      if (IsNumeric(f.kind)) numeric.push_back({f.name, f.kind == FieldKind::kScale, f.min, f.max});
    }
    if (types_->CanSummarize(*type)) options.summarize_types->insert(type->id);
  }
  options.summarize = [this](const std::string& type_id, const std::vector<const Entry*>& list) {
    auto type = types_->Find(type_id);
    if (!type) return std::vector<std::string>();
    auto lines = types_->Summarize(*type, list);
    return lines.ok() ? *lines : std::vector<std::string>();
  };
  // One builder per scan thread, merged at the end: a million entries are
  // opened on every core and never all held in memory.
  const int workers = PassThreads();
  std::vector<StatsBuilder> builders;
  for (int i = 0; i < workers; ++i) builders.emplace_back(options, now_us);
  RETURN_IF_ERROR(
      journal.ScanParallel(filter, workers, [&](int worker, const v1::EntryState& state) {
        bool summarized = options.summarize_types->contains(state.type());
        builders[worker].Add(
            StateToEntry(state, summarized ? FieldValues::kAll : FieldValues::kNoStrings));
      }));
  for (int i = 1; i < workers; ++i) builders[0].Merge(std::move(builders[i]));
  return builders[0].Finish();
}

grpc::Status JournalService::Stats(grpc::ServerContext*, const v1::StatsRequest* req,
                                   v1::StatsReply* reply) {
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  std::optional<int64_t> since, until;
  if (req->has_since()) since = req->since_us();
  if (req->has_until()) until = req->until_us();
  int64_t now = req->now_us() != 0 ? req->now_us() : NowMicros();
  auto stats = StatsJson(**journal, req->type(), since, until, now);
  if (!stats.ok()) return ToGrpc(stats.status());
  reply->set_stats_json(stats->dump());
  return grpc::Status::OK;
}

grpc::Status JournalService::Export(grpc::ServerContext*, const v1::ExportRequest* req,
                                    grpc::ServerWriter<v1::ExportChunk>* writer) {
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  const std::string& format = req->format().empty() ? "json" : req->format();
  if (format != "json" && format != "jsonl" && format != "csv" && format != "md" &&
      format != "html") {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        "--format: export writes json, jsonl, csv, md or html, not \"" + format + "\"");
  }
  ListFilter filter;
  filter.type = req->type();
  if (req->has_since()) filter.since_us = req->since_us();
  filter.oldest_first = true;

  // Columns and titles come from the selected types, in manifest order.
  std::vector<std::vector<std::string>> field_names, derived_names;
  std::map<std::string, MarkdownType> md_types;
  for (const auto& type : types_->List()) {
    if (!req->type().empty() && type->id != req->type()) continue;
    std::vector<std::string> names;
    MarkdownType md{type->title, {}};
    for (const auto& f : type->fields) {
      names.push_back(f.name);
      md.fields.push_back({f.name, f.prompt, f.kind == FieldKind::kText});
    }
    field_names.push_back(std::move(names));
    md_types.emplace(type->id, std::move(md));
  }
  if (format == "csv") {
    // Derived columns are whatever the exported entries carry; one pass to find them.
    std::set<std::string> derived;
    auto s = (*journal)->Scan(filter, [&](const Entry& e) {
      for (const auto& [k, v] : e.derived.items()) derived.insert(k);
      return true;
    });
    if (!s.ok()) return ToGrpc(s);
    derived_names.push_back({derived.begin(), derived.end()});
  }
  CsvWriter csv({UnionFieldNames(field_names), UnionFieldNames(derived_names)});
  MarkdownWriter md(md_types);

  ChunkSink sink(writer);
  std::optional<HtmlReportWriter> html;
  if (format == "html") {
    // The report's figures are `haven stats` over the same entries.
    const int64_t now = NowMicros();
    auto stats = StatsJson(**journal, req->type(), filter.since_us, std::nullopt, now);
    if (!stats.ok()) return ToGrpc(stats.status());
    html.emplace(md_types, HtmlReportOptions{"Practice journal", ReportScope(*req, md_types), now});
    sink.Add(html->Header(*stats));
  }
  bool first = true;
  if (format == "json") sink.Add("[");
  if (format == "csv") sink.Add(csv.Header());
  if (format == "md") sink.Add(md.Header());
  absl::Status s = (*journal)->Scan(filter, [&](const Entry& e) {
    if (format == "json") {
      return sink.Add((first ? "\n" : ",\n") + EntryToExportJson(e).dump()) && (first = false, true);
    }
    if (format == "jsonl") return sink.Add(EntryToExportJson(e).dump() + "\n");
    if (format == "csv") return sink.Add(csv.Row(e));
    if (html) return sink.Add(html->Entry(e));
    return sink.Add(md.Entry(e));
  });
  if (!s.ok()) return ToGrpc(s);
  if (format == "json") sink.Add(first ? "]\n" : "\n]\n");
  if (html) sink.Add(html->Footer());
  sink.Flush();
  return grpc::Status::OK;
}

grpc::Status JournalService::Import(grpc::ServerContext*,
                                    grpc::ServerReader<v1::ImportChunk>* reader,
                                    v1::ImportReply* reply) {
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  v1::ImportChunk chunk;
  if (!reader->Read(&chunk)) return grpc::Status::OK;  // nothing sent
  const bool validate_only = chunk.validate_only();
  ImportSession session(journal->get(), validate_only, spool_dir_);
  absl::Status s = session.Feed(chunk.data());
  while (s.ok() && reader->Read(&chunk)) s = session.Feed(chunk.data());
  if (s.ok()) s = session.Finish();
  if (!s.ok()) return ToGrpc(s);
  reply->set_imported(session.imported());
  reply->set_skipped(session.skipped());
  if (!validate_only && session.imported() > 0 && on_write_) on_write_();
  return grpc::Status::OK;
}

}  // namespace haven
