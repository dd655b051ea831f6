#include "server/insights/import_session.h"

#include <future>
#include <optional>
#include <utility>

#include "server/crypto/ids.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Entries checked together: large enough to keep every thread busy, small
// enough that two batches in memory stay a few megabytes.
constexpr size_t kBatchEntries = 2048;
// Checked entries handed to the journal at once: it overlaps the batches
// within one group, and holds its write mutex for about a quarter second.
constexpr size_t kWriteGroupEntries = 8192;
// From about this many entries (a few memtables of records and view rows)
// an import pauses compaction while it writes (Store::BulkLoad).
constexpr uint64_t kBulkImportEntries = 20000;

struct Prepared {
  bool in_journal = false;  // already there: skipped
  bool id_from_input = false;
  std::string entry_id;
  std::string body;  // the serialised record body, when it is to be written
};

absl::StatusOr<Prepared> Prepare(const Journal& journal, ImportItem& item, bool serialize) {
  RETURN_IF_ERROR(ParseImportItem(&item));
  auto entry = EntryFromExportJson(item.value);
  if (!entry.ok()) return ImportError(item, entry.status());
  LogInput in;
  in.origin = "line " + std::to_string(item.line);
  in.id = entry->id.value_or("");
  in.type = std::move(entry->type);
  in.at_us = entry->at_us;
  in.tags = std::move(entry->tags);
  in.fields_json = std::move(entry->fields);
  in.created_us = entry->created_us.value_or(0);
  in.updated_us = entry->updated_us.value_or(0);
  item.value = nullptr;  // the record body holds what is needed now
  ASSIGN_OR_RETURN(std::optional<v1::RecordBody> body, journal.PrepareImport(in));
  Prepared prepared;
  prepared.in_journal = !body;
  prepared.id_from_input = !in.id.empty();
  if (body) {
    prepared.entry_id = body->entry_id();
    // Serialised here, on the checking threads, rather than in the input-order loop.
    if (serialize) prepared.body = body->SerializeAsString();
  }
  return prepared;
}

}  // namespace

ImportSession::ImportSession(Journal* journal, bool validate_only, std::string spool_dir)
    : journal_(journal),
      validate_only_(validate_only),
      spool_dir_(std::move(spool_dir)),
      threads_(PassThreads()),
      reader_(ImportReader::kDefaultMaxObjectBytes, /*defer_parse=*/true) {}

absl::Status ImportSession::Feed(std::string_view chunk) {
  absl::Status split = reader_.Feed(chunk);
  // Entries split before a fault come first in the input: their errors win.
  RETURN_IF_ERROR(TakeReady(/*all=*/!split.ok()));
  return split;
}

absl::Status ImportSession::Finish() {
  absl::Status split = reader_.Finish();
  RETURN_IF_ERROR(TakeReady(/*all=*/true));
  RETURN_IF_ERROR(split);
  if (validate_only_ || !spool_) return absl::OkStatus();
  return WriteSpooled();
}

absl::Status ImportSession::TakeReady(bool all) {
  while (auto item = reader_.Next()) {
    batch_.push_back(std::move(*item));
    if (batch_.size() >= kBatchEntries) RETURN_IF_ERROR(CheckBatch());
  }
  if (all && !batch_.empty()) RETURN_IF_ERROR(CheckBatch());
  return absl::OkStatus();
}

absl::Status ImportSession::CheckBatch() {
  std::vector<absl::StatusOr<Prepared>> prepared(batch_.size());
  const int threads = std::min<int>(threads_, static_cast<int>(batch_.size()));
  // The workers always succeed: each entry's error waits in `prepared`, to
  // be reported in input order below.
  RETURN_IF_ERROR(RunOnThreads(threads, [&](int worker) {
    for (size_t i = worker; i < batch_.size(); i += threads) {
      prepared[i] = Prepare(*journal_, batch_[i], /*serialize=*/!validate_only_);
    }
    return absl::OkStatus();
  }));
  batch_.clear();
  for (auto& result : prepared) {
    RETURN_IF_ERROR(result.status());  // the first bad entry in input order
    if (result->in_journal ||
        (result->id_from_input && !ids_seen_.insert(*HexDecode(result->entry_id)).second)) {
      ++skipped_;  // already in the journal, or earlier in this input
      continue;
    }
    ++imported_;
    if (validate_only_) continue;
    if (!spool_) {
      ASSIGN_OR_RETURN(SealedSpool spool, SealedSpool::Create(spool_dir_));
      spool_.emplace(std::move(spool));
    }
    RETURN_IF_ERROR(spool_->Append(result->body));
  }
  return absl::OkStatus();
}

absl::Status ImportSession::WriteSpooled() {
  RETURN_IF_ERROR(spool_->Rewind());
  const uint64_t checked = imported_;
  imported_ = 0;
  std::optional<Store::BulkLoad> bulk;
  if (checked >= kBulkImportEntries) bulk.emplace(journal_->StartBulkWrite());
  std::future<absl::StatusOr<size_t>> writing;
  auto await_write = [&]() -> absl::Status {
    if (!writing.valid()) return absl::OkStatus();
    ASSIGN_OR_RETURN(size_t written, writing.get());
    imported_ += written;
    return absl::OkStatus();
  };
  std::string item;
  bool more = true;
  while (more) {
    std::vector<v1::RecordBody> bodies;
    bodies.reserve(kWriteGroupEntries);
    while (bodies.size() < kWriteGroupEntries) {
      ASSIGN_OR_RETURN(more, spool_->Next(&item));
      if (!more) break;
      if (!bodies.emplace_back().ParseFromString(item)) {
        return absl::DataLossError("the import's scratch file holds a bad entry");
      }
    }
    // One group is written while the next is read.
    RETURN_IF_ERROR(await_write());
    if (bodies.empty()) break;
    writing =
        std::async(std::launch::async, [journal = journal_, bodies = std::move(bodies)]() mutable {
          return journal->WriteImported(std::move(bodies));
        });
  }
  RETURN_IF_ERROR(await_write());
  skipped_ += checked - imported_;  // arrived through sync meanwhile
  return absl::OkStatus();
}

}  // namespace haven
