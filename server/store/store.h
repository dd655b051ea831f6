// RocksDB, opened with haven's column families. Holds only sealed bytes and
// metadata that may be seen on a locked disk (docs/design.md, "What a hub or a locked disk sees").
//
// Thread safety: all methods may be called concurrently (RocksDB's own
// guarantees); callers serialise read-modify-write sequences themselves.
#ifndef HAVEN_SERVER_STORE_STORE_H_
#define HAVEN_SERVER_STORE_STORE_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace haven {

enum class Family {
  kRecords,  // device id || seq (big-endian) -> sealed record
  kMeta,     // small named values: vault id, wrapped key, heads, remotes
  kView,     // keyed hash of entry id -> sealed entry state
};

// Whether a read keeps the blocks it loads in the block cache. Passes over
// a whole family (building the index, stats, export, verify) read every
// block once: kSkip leaves the cache to the blocks people's next commands
// need and keeps the daemon's memory flat.
enum class CacheUse { kKeep, kSkip };

class Store {
 public:
  // Creates the database when missing.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::ColumnFamilyHandle* handle(Family family) const;

  // `sync` makes the write durable (fsync of the WAL) before returning.
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);
  absl::StatusOr<std::optional<std::string>> Get(Family family, std::string_view key,
                                                 CacheUse cache = CacheUse::kKeep) const;
  absl::Status Put(Family family, std::string_view key, std::string_view value, bool sync);
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family family,
                                                 CacheUse cache = CacheUse::kKeep) const;

  // For a locked vault, whose blocks (sealed, but of no use until the next
  // unlock) should not keep memory: drops every cached block no reader
  // holds and writes the memtables out to tables, waiting for the flush.
  // Acknowledged writes were durable already (WAL); this only moves them.
  // Returns about how many bytes were freed.
  uint64_t ReleaseMemory();
  // Bytes in memtables and the block cache.
  uint64_t MemoryHeld() const;

  // While a BulkLoad lives (a big import), RocksDB does not compact. As an
  // import grows the vault, compaction would rewrite its tables level after
  // level, again and again (a million-entry import spent a quarter of its
  // time on that); after it, one compaction in the background sorts what
  // it wrote, once. Meanwhile tables pile up in level 0, which point reads
  // pass through their bloom filters and scans merge. Compaction resumes
  // when the last BulkLoad ends, and with any restart.
  class BulkLoad {
   public:
    BulkLoad(BulkLoad&& other) noexcept : store_(std::exchange(other.store_, nullptr)) {}
    BulkLoad& operator=(BulkLoad&&) = delete;
    ~BulkLoad();

   private:
    friend class Store;
    explicit BulkLoad(Store* store) : store_(store) {}
    Store* store_;  // null when moved from, or when compaction could not pause
  };
  BulkLoad StartBulkLoad();

  rocksdb::DB* db() const { return db_.get(); }

 private:
  Store() = default;
  // Pauses (false) or resumes (true) automatic compaction of every family.
  absl::Status SetAutoCompaction(bool on);
  void EndBulkLoad();

  std::shared_ptr<rocksdb::Cache> block_cache_;  // shared by every family
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned, indexed by Family
  std::mutex bulk_mu_;
  int bulk_loads_ = 0;  // guarded by bulk_mu_
};

absl::Status FromRocks(const rocksdb::Status& s);

// Big-endian integers keep RocksDB's byte order equal to numeric order.
std::string EncodeU64(uint64_t v);
uint64_t DecodeU64(std::string_view bytes);  // first 8 bytes

}  // namespace haven

#endif  // HAVEN_SERVER_STORE_STORE_H_
