// The append-only log of sealed records, per device, with contiguous
// sequence numbers starting at 1. Works while the vault is locked: it reads
// only record headers, so sync can move ciphertext without the key.
//
// Writing is two steps: Stage builds the batch that holds the records and
// their heads (the caller may add rows of its own to it), and Commit writes
// it and then advances the heads in memory. A crash between the two loses
// nothing: the heads on disk are written in the same batch as the records.
//
// Thread safety: every method is safe to call from any thread. Appends are
// not serialised here: the writer of a log (the journal, or the hub for a
// vault) holds a mutex of its own from Accept or Stage to Commit, so that
// heads never move under it.
#ifndef HAVEN_SERVER_STORE_RECORD_LOG_H_
#define HAVEN_SERVER_STORE_RECORD_LOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/crypto/sealed_record.h"
#include "server/store/store.h"

namespace haven {

// Device id (16 raw bytes) -> highest sequence number held.
using VersionVector = std::map<std::string, uint64_t>;

struct IncomingRecord {
  RecordHeader header;
  std::string sealed;
};

// The log's order: by device id, then sequence number. Accept sorts by it;
// whoever matches Accept's result against its own input sorts by it too.
bool LogOrder(const RecordHeader& a, const RecordHeader& b);

class RecordLog {
 public:
  // Loads the heads; `store` must outlive the log. A hub keeps one log per
  // vault in one store, each under its vault id as `key_prefix`.
  static absl::StatusOr<std::unique_ptr<RecordLog>> Open(Store* store, std::string key_prefix = "");

  uint64_t Head(std::string_view device) const ABSL_LOCKS_EXCLUDED(heads_mu_);
  VersionVector Heads() const ABSL_LOCKS_EXCLUDED(heads_mu_);
  uint64_t TotalRecords() const ABSL_LOCKS_EXCLUDED(heads_mu_);

  // Keeps the records that extend a device's sequence contiguously (given in
  // any order), drops ones already held, and stops at the first gap. The
  // result is in LogOrder.
  std::vector<IncomingRecord> Accept(std::vector<IncomingRecord> records) const;

  // Records on their way into the log, and the batch that will carry them.
  struct Append {
    std::vector<IncomingRecord> records;
    WriteBatch batch;
  };
  // Step 1: a batch holding `records` (each extends its device's sequence:
  // accepted, or numbered by their writer) and their heads, with room for
  // as many bytes again (the view rows a journal writes beside them).
  Append Stage(std::vector<IncomingRecord> records) const;
  // Step 2: writes the batch (durably before returning when `sync`), then
  // advances the in-memory heads. On error nothing moves.
  absl::Status Commit(Append* append, bool sync) ABSL_LOCKS_EXCLUDED(heads_mu_);

  // Up to `max_records` / about `max_bytes` of a device's records from `from_seq`.
  absl::StatusOr<std::vector<std::string>> Read(std::string_view device, uint64_t from_seq,
                                                size_t max_records, size_t max_bytes) const;
  absl::StatusOr<std::optional<std::string>> Get(std::string_view device, uint64_t seq) const;

  std::string RecordKey(std::string_view device, uint64_t seq) const;
  std::string HeadKey(std::string_view device) const;

 private:
  RecordLog(Store* store, std::string key_prefix) : store_(store), prefix_(std::move(key_prefix)) {}

  Store* store_;
  const std::string prefix_;
  mutable absl::Mutex heads_mu_;
  VersionVector heads_ ABSL_GUARDED_BY(heads_mu_);
};

}  // namespace haven

#endif  // HAVEN_SERVER_STORE_RECORD_LOG_H_
