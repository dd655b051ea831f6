#include "server/store/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "server/util/log.h"
#include "server/util/parallel.h"

namespace haven {
namespace {

const char* const kFamilyNames[] = {"records", "meta", "view"};

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  // Small memtables keep an idle daemon's memory low; the journal writes
  // little at a time except during import and sync, which batch.
  cf.write_buffer_size = 8 << 20;
  cf.max_write_buffer_number = 2;
  cf.compression = rocksdb::kNoCompression;  // sealed bytes do not compress
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  // Most point reads look up a key that may not be there (a new entry's
  // view row, a record being synced in): the filter answers without
  // reading a data block.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Debian's portable RocksDB computes CRC32C without the CPU's
  // instruction; XXH3 is fast in plain code. Tables written with CRC32C
  // before stay readable: each names its checksum.
  table.checksum = rocksdb::kXXH3;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::ReadOptions Reading(CacheUse cache) {
  rocksdb::ReadOptions options;
  options.fill_cache = cache == CacheUse::kKeep;
  return options;
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

std::string_view FromSlice(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Read ahead this much in a whole-family pass.
constexpr size_t kScanReadahead = 2 << 20;

absl::Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError(s.ToString());
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError("store is in use by another process: " + s.ToString());
  }
  return absl::InternalError("store: " + s.ToString());
}

}  // namespace

WriteBatch::WriteBatch(const Store* store, size_t reserved_bytes)
    : store_(store), rep_(std::make_unique<rocksdb::WriteBatch>(reserved_bytes)) {}
WriteBatch::WriteBatch(WriteBatch&& other) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&& other) noexcept = default;
WriteBatch::~WriteBatch() = default;

void WriteBatch::Put(Family family, std::string_view key, std::string_view value) {
  rep_->Put(store_->handle(family), ToSlice(key), ToSlice(value));
}

void WriteBatch::Delete(Family family, std::string_view key) {
  rep_->Delete(store_->handle(family), ToSlice(key));
}

size_t WriteBatch::ByteSize() const { return rep_->GetDataSize(); }

size_t WriteBatch::Count() const { return rep_->Count(); }

Cursor::Cursor(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}
Cursor::Cursor(Cursor&& other) noexcept = default;
Cursor::~Cursor() = default;

void Cursor::Seek(std::string_view key) { it_->Seek(ToSlice(key)); }
void Cursor::SeekToFirst() { it_->SeekToFirst(); }
bool Cursor::Valid() const { return it_->Valid(); }
void Cursor::Next() { it_->Next(); }
std::string_view Cursor::key() const { return FromSlice(it_->key()); }
std::string_view Cursor::value() const { return FromSlice(it_->value()); }
absl::Status Cursor::status() const { return FromRocks(it_->status()); }

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto cache = rocksdb::NewLRUCache(16 << 20);
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_open_files = 256;
  options.keep_log_file_num = 2;
  options.max_background_jobs = 2;
  options.db_write_buffer_size = 32 << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, FamilyOptions(cache));
  for (const char* name : kFamilyNames) families.emplace_back(name, FamilyOptions(cache));
  // A device's records arrive in sequence order per writer (device id, then
  // sequence, in the key): the memtable keeps an insert position per
  // 16-byte prefix and starts each insert from it instead of the top.
  families[1 + static_cast<size_t>(Family::kRecords)]
      .options.memtable_insert_with_hint_prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(16));

  std::unique_ptr<Store> store(new Store());
  store->block_cache_ = cache;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, families, &handles, &raw);
  if (!s.ok()) return FromRocks(s);
  store->db_.reset(raw);
  store->handles_ = std::move(handles);
  return store;
}

Store::~Store() {
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  if (db_) db_->Close();
}

rocksdb::ColumnFamilyHandle* Store::handle(Family family) const {
  return handles_[1 + static_cast<size_t>(family)];
}

WriteBatch Store::NewBatch(size_t reserved_bytes) const { return WriteBatch(this, reserved_bytes); }

absl::Status Store::Write(WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Write(wo, batch->rep_.get()));
}

absl::Status Store::Sync() { return FromRocks(db_->SyncWAL()); }

absl::StatusOr<std::optional<std::string>> Store::Get(Family family, std::string_view key,
                                                      CacheUse cache) const {
  std::string value;
  rocksdb::Status s = db_->Get(Reading(cache), handle(family), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

absl::Status Store::Put(Family family, std::string_view key, std::string_view value, bool sync) {
  WriteBatch batch = NewBatch();
  batch.Put(family, key, value);
  return Write(&batch, sync);
}

Cursor Store::NewCursor(Family family, CacheUse cache) const {
  return Cursor(
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(Reading(cache), handle(family))));
}

absl::Status Store::ScanSplit(Family family, int workers,
                              const std::function<absl::Status(int, Cursor&)>& scan) const {
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  absl::Status status = RunOnThreads(workers, [&](int worker) -> absl::Status {
    std::string lower(1, static_cast<char>(256 * worker / workers));
    std::string upper(1, static_cast<char>(256 * (worker + 1) / workers));
    rocksdb::Slice lower_slice(lower), upper_slice(upper);
    rocksdb::ReadOptions options;
    options.snapshot = snapshot;
    options.fill_cache = false;  // a one-off pass should not evict what list uses
    options.readahead_size = kScanReadahead;
    // The caller authenticates every value; hashing each block for its
    // checksum as well only repeats that work.
    options.verify_checksums = false;
    if (worker > 0) options.iterate_lower_bound = &lower_slice;
    if (worker + 1 < workers) options.iterate_upper_bound = &upper_slice;
    Cursor cursor(std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, handle(family))));
    absl::Status scanned = scan(worker, cursor);
    if (!scanned.ok()) return scanned;
    return cursor.status();
  });
  db_->ReleaseSnapshot(snapshot);
  return status;
}

uint64_t Store::ReleaseMemory() {
  uint64_t before = MemoryHeld();
  rocksdb::FlushOptions flush;
  flush.allow_write_stall = true;
  (void)db_->Flush(flush, handles_);  // on failure the data stays in the WAL and memtables
  block_cache_->EraseUnRefEntries();
  uint64_t after = MemoryHeld();
  return before > after ? before - after : 0;
}

absl::Status Store::SetAutoCompaction(bool on) {
  for (auto* h : handles_) {
    rocksdb::Status s = db_->SetOptions(h, {{"disable_auto_compactions", on ? "false" : "true"}});
    if (!s.ok()) return FromRocks(s);
  }
  return absl::OkStatus();
}

Store::BulkLoad Store::StartBulkLoad() {
  absl::MutexLock lock(&bulk_mu_);
  if (bulk_loads_ == 0) {
    absl::Status paused = SetAutoCompaction(false);
    if (!paused.ok()) {
      // Only slower: the load goes on with compaction running.
      (void)SetAutoCompaction(true);
      Log(LogLevel::kWarn, "compaction did not pause for a bulk load",
          {{"error", std::string(paused.message())}});
      return BulkLoad(nullptr);
    }
  }
  ++bulk_loads_;
  return BulkLoad(this);
}

void Store::EndBulkLoad() {
  absl::MutexLock lock(&bulk_mu_);
  if (--bulk_loads_ > 0) return;
  absl::Status resumed = SetAutoCompaction(true);
  if (!resumed.ok()) {
    // The next start resumes it: options set here are not kept.
    Log(LogLevel::kError, "compaction did not resume after a bulk load",
        {{"error", std::string(resumed.message())}});
  }
}

Store::BulkLoad::~BulkLoad() {
  if (store_ != nullptr) store_->EndBulkLoad();
}

uint64_t Store::MemoryHeld() const {
  uint64_t memtables = 0;
  db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &memtables);
  return memtables + block_cache_->GetUsage();
}

uint64_t Store::TablesInLevel0(Family family) const {
  std::string files;
  if (!db_->GetProperty(handle(family), "rocksdb.num-files-at-level0", &files)) return 0;
  return std::stoull(files);
}

bool Store::AutoCompactionOff(Family family) const {
  return db_->GetOptions(handle(family)).disable_auto_compactions;
}

std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

uint64_t DecodeU64(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

}  // namespace haven
