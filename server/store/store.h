// haven's storage: one RocksDB opened with haven's column families. Holds
// only sealed bytes and metadata that may be seen on a locked disk
// (docs/design.md, "Storage"). This component is the only code that names
// RocksDB: the rest of the daemon writes through WriteBatch, reads through
// Get and Cursor, scans through ScanSplit and asks for durability with Sync.
//
// Thread safety: all methods may be called concurrently (RocksDB's own
// guarantees); callers serialise their read-modify-write sequences
// themselves. A WriteBatch or Cursor is used by one thread at a time.
#ifndef HAVEN_SERVER_STORE_STORE_H_
#define HAVEN_SERVER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace rocksdb {
class Cache;
class ColumnFamilyHandle;
class DB;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

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

class Store;

// Puts and deletes across families that Store::Write applies atomically.
// Made by Store::NewBatch; keys and values are copied in.
class WriteBatch {
 public:
  WriteBatch(WriteBatch&& other) noexcept;
  WriteBatch& operator=(WriteBatch&& other) noexcept;
  ~WriteBatch();

  void Put(Family family, std::string_view key, std::string_view value);
  void Delete(Family family, std::string_view key);
  // Bytes the batch takes (its keys, values and framing).
  size_t ByteSize() const;
  // Puts and deletes in the batch.
  size_t Count() const;

 private:
  friend class Store;
  WriteBatch(const Store* store, size_t reserved_bytes);

  const Store* store_;
  std::unique_ptr<rocksdb::WriteBatch> rep_;
};

// A forward pass over one family's keys, in byte order. Made by
// Store::NewCursor (or handed out by ScanSplit). key() and value() stay
// valid until the next move.
class Cursor {
 public:
  Cursor(Cursor&& other) noexcept;
  ~Cursor();

  void Seek(std::string_view key);
  void SeekToFirst();
  bool Valid() const;
  void Next();
  std::string_view key() const;
  std::string_view value() const;
  // Ok unless the pass met an error (then Valid() is false).
  absl::Status status() const;

 private:
  friend class Store;
  explicit Cursor(std::unique_ptr<rocksdb::Iterator> it);

  std::unique_ptr<rocksdb::Iterator> it_;
};

class Store {
 public:
  // Creates the database when missing.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // An empty batch with room for `reserved_bytes`, so that a big one is not
  // copied as it grows.
  WriteBatch NewBatch(size_t reserved_bytes = 0) const;
  // Applies the batch atomically. `sync` makes it durable (fsync of the
  // write-ahead log) before returning; without it the write is durable at
  // the next Sync or synced write.
  absl::Status Write(WriteBatch* batch, bool sync);
  // Makes every write so far durable.
  absl::Status Sync();

  absl::StatusOr<std::optional<std::string>> Get(Family family, std::string_view key,
                                                 CacheUse cache = CacheUse::kKeep) const;
  absl::Status Put(Family family, std::string_view key, std::string_view value, bool sync);
  Cursor NewCursor(Family family, CacheUse cache = CacheUse::kKeep) const;

  // One pass over a whole family, as of one snapshot, split by key range
  // over `workers` threads (worker i reads the keys whose first byte is in
  // [256*i/workers, 256*(i+1)/workers)): for keys that are keyed hashes the
  // ranges are even. `scan(worker, cursor)` runs on worker's thread with a
  // cursor over its range, not yet positioned (SeekToFirst it). Reads
  // ahead, leaves the block cache alone and does not verify block checksums:
  // for values the caller authenticates itself. Returns the error of the
  // lowest-numbered failing worker, or of a cursor.
  absl::Status ScanSplit(Family family, int workers,
                         const std::function<absl::Status(int, Cursor&)>& scan) const;

  // For a locked vault, whose blocks (sealed, but of no use until the next
  // unlock) should not keep memory: drops every cached block no reader
  // holds and writes the memtables out to tables, waiting for the flush.
  // Acknowledged writes were durable already (WAL); this only moves them.
  // Returns about how many bytes were freed.
  uint64_t ReleaseMemory();
  // Bytes in memtables and the block cache.
  uint64_t MemoryHeld() const;
  // Tables of `family` in level 0 (not yet compacted), and whether its
  // automatic compaction is off: what a BulkLoad changes.
  uint64_t TablesInLevel0(Family family) const;
  bool AutoCompactionOff(Family family) const;

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
  BulkLoad StartBulkLoad() ABSL_LOCKS_EXCLUDED(bulk_mu_);

 private:
  friend class WriteBatch;
  Store() = default;
  rocksdb::ColumnFamilyHandle* handle(Family family) const;
  // Pauses (false) or resumes (true) automatic compaction of every family.
  absl::Status SetAutoCompaction(bool on);
  void EndBulkLoad() ABSL_LOCKS_EXCLUDED(bulk_mu_);

  std::shared_ptr<rocksdb::Cache> block_cache_;  // shared by every family
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned, indexed by Family
  absl::Mutex bulk_mu_;
  int bulk_loads_ ABSL_GUARDED_BY(bulk_mu_) = 0;
};

// Big-endian integers keep the store's byte order equal to numeric order.
std::string EncodeU64(uint64_t v);
uint64_t DecodeU64(std::string_view bytes);  // first 8 bytes

}  // namespace haven

#endif  // HAVEN_SERVER_STORE_STORE_H_
