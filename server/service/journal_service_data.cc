// Stats, export and import: the journal service's whole-history calls. Each
// parses its request, calls one function of server/insights/ and fills the
// reply (or the stream).
#include <optional>

#include "common/status.h"
#include "common/time.h"
#include "server/insights/import_session.h"
#include "server/insights/journal_export.h"
#include "server/insights/journal_stats.h"
#include "server/service/journal_service.h"

namespace haven {
namespace {

constexpr size_t kExportChunkBytes = 64 * 1024;

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

}  // namespace

grpc::Status JournalService::Stats(grpc::ServerContext*, const v1::StatsRequest* req,
                                   v1::StatsReply* reply) {
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  StatsQuery query;
  query.type = req->type();
  if (req->has_since()) query.since_us = req->since_us();
  if (req->has_until()) query.until_us = req->until_us();
  auto now = RequestNowMicros(req->now_us(), NowMicros());
  if (!now.ok()) return ToGrpc(now.status());
  query.now_us = *now;
  auto stats = JournalStats(**journal, *types_, query);
  if (!stats.ok()) return ToGrpc(stats.status());
  reply->set_stats_json(stats->dump());
  return grpc::Status::OK;
}

grpc::Status JournalService::Export(grpc::ServerContext*, const v1::ExportRequest* req,
                                    grpc::ServerWriter<v1::ExportChunk>* writer) {
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  ExportQuery query;
  query.format = req->format();
  query.type = req->type();
  if (req->has_since()) query.since_us = req->since_us();
  query.now_us = NowMicros();
  ChunkSink sink(writer);
  absl::Status s = ExportJournal(**journal, *types_, query,
                                 [&sink](std::string_view text) { return sink.Add(text); });
  if (!s.ok()) return ToGrpc(s);
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
