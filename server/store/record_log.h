// The append-only log of sealed records, per device, with contiguous
// sequence numbers starting at 1. Works while the vault is locked: it reads
// only record headers, so sync can move ciphertext without the key.
//
// Thread safety: every method is safe to call from any thread. Writers
// (local writes and sync) hold write_mutex() across Accept -> Store::Write ->
// Commit so heads never move under them.
#ifndef HAVEN_SERVER_STORE_RECORD_LOG_H_
#define HAVEN_SERVER_STORE_RECORD_LOG_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/write_batch.h>

#include "absl/status/statusor.h"
#include "server/crypto/sealed_record.h"
#include "server/store/store.h"

namespace haven {

// Device id (16 raw bytes) -> highest sequence number held.
using VersionVector = std::map<std::string, uint64_t>;

struct IncomingRecord {
  RecordHeader header;
  std::string sealed;
};

class RecordLog {
 public:
  // Loads the heads; `store` must outlive the log. A hub keeps one log per
  // vault in one store, each under its vault id as `key_prefix`.
  static absl::StatusOr<std::unique_ptr<RecordLog>> Open(Store* store,
                                                         std::string key_prefix = "");

  std::mutex& write_mutex() { return write_mu_; }

  uint64_t Head(std::string_view device) const;
  VersionVector Heads() const;
  uint64_t TotalRecords() const;

  // Keeps the records that extend a device's sequence contiguously (given in
  // any order), drops ones already held, and stops at the first gap.
  // Caller holds write_mutex().
  std::vector<IncomingRecord> Accept(std::vector<IncomingRecord> records) const;
  // An empty batch with room for `records` and as many bytes again (the
  // view rows a journal writes beside them), so that it is not copied as
  // it grows.
  static rocksdb::WriteBatch BatchFor(const std::vector<IncomingRecord>& records);
  // Adds the records and their heads to `batch`. Caller holds write_mutex().
  void Stage(rocksdb::WriteBatch* batch, const std::vector<IncomingRecord>& records) const;
  // After the batch is durable: advances the in-memory heads.
  void Commit(const std::vector<IncomingRecord>& records);

  // Up to `max_records` / about `max_bytes` of a device's records from `from_seq`.
  absl::StatusOr<std::vector<std::string>> Read(std::string_view device, uint64_t from_seq,
                                                size_t max_records, size_t max_bytes) const;
  absl::StatusOr<std::optional<std::string>> Get(std::string_view device, uint64_t seq) const;

  std::string RecordKey(std::string_view device, uint64_t seq) const;
  std::string HeadKey(std::string_view device) const;

 private:
  RecordLog(Store* store, std::string key_prefix)
      : store_(store), prefix_(std::move(key_prefix)) {}

  Store* store_;
  const std::string prefix_;
  std::mutex write_mu_;
  mutable std::mutex heads_mu_;
  VersionVector heads_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_STORE_RECORD_LOG_H_
