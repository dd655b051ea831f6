// Whole-history reads (stats, unlock): every matching entry, in no
// particular order, opened on several threads at once.
//
// Two ways to find them. When most entries match, one sequential pass over
// the sealed view (split into key ranges, one per thread) costs far less
// than a random read per entry: view keys are keyed hashes, so the ranges
// are even and the pass reads each block once. When few match, the index
// names them and each is read on its own.
#include <google/protobuf/arena.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>

#include "absl/status/status.h"
#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "common/json_bounded.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Below this share of all entries, reading matches one by one wins.
constexpr size_t kSelectiveDivisor = 8;
constexpr size_t kScanReadahead = 2 << 20;
// A view row takes about 1 KiB of arena; 48 rows fit the first block.
constexpr size_t kArenaBlockBytes = 64 << 10;
constexpr size_t kRowsPerArena = 48;

}  // namespace

bool Journal::MatchesState(const ListFilter& filter, const v1::EntryState& state) {
  if (!IsEntry(state)) return false;
  if (!filter.type.empty() && state.type() != filter.type) return false;
  if (!filter.include_deleted && IsDeleted(state)) return false;
  if (filter.since_us || filter.until_us) {
    const int64_t at = AtOf(state);
    if (filter.since_us && at < *filter.since_us) return false;
    if (filter.until_us && at >= *filter.until_us) return false;
  }
  if (!filter.tags.empty()) {
    auto parsed = ParseJsonBounded(state.tags().value_json(), kRecordJsonLimits, "tags");
    const nlohmann::json tags = parsed.ok() ? std::move(*parsed) : nlohmann::json();
    if (!tags.is_array()) return false;
    for (const auto& wanted : filter.tags) {
      if (std::find(tags.begin(), tags.end(), wanted) == tags.end()) return false;
    }
  }
  return true;
}

absl::Status Journal::ScanParallel(
    const ListFilter& filter, int workers,
    const std::function<void(int, const v1::EntryState&)>& visit) const {
  workers = std::max(workers, 1);
  size_t matches, all;
  std::vector<std::string> ids;
  {
    std::shared_lock lock(index_mu_);
    IndexQuery query{filter.type, filter.since_us, filter.until_us, filter.include_deleted,
                     filter.oldest_first};
    matches = index_.Count(query);
    all = index_.size();
    if (matches == 0) return absl::OkStatus();
    if (matches * kSelectiveDivisor < all) {
      ids.reserve(matches);
      index_.Visit(query, [&](const IndexedEntry& e) {
        ids.push_back(e.id);
        return true;
      });
    }
  }
  auto emit = [&](int worker, const v1::EntryState& state) {
    if (MatchesState(filter, state)) visit(worker, state);
  };

  if (!ids.empty()) {
    return RunOnThreads(workers, [&](int worker) -> absl::Status {
      for (size_t i = worker; i < ids.size(); i += workers) {
        ASSIGN_OR_RETURN(v1::EntryState state, LoadState(ids[i]));
        emit(worker, state);
      }
      return absl::OkStatus();
    });
  }

  return ForEachViewRow(workers, emit);
}

absl::Status Journal::ForEachViewRow(int workers,
                                     const std::function<void(int, const v1::EntryState&)>& visit,
                                     size_t* skipped) const {
  std::atomic<size_t> bad_rows = 0;
  rocksdb::DB* db = store_->db();
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  absl::Status status = RunOnThreads(workers, [&](int worker) -> absl::Status {
    // Worker i reads the keys whose first byte is in [256*i/n, 256*(i+1)/n).
    std::string lower(1, static_cast<char>(256 * worker / workers));
    std::string upper(1, static_cast<char>(256 * (worker + 1) / workers));
    rocksdb::Slice lower_slice(lower), upper_slice(upper);
    rocksdb::ReadOptions options;
    options.snapshot = snapshot;
    options.fill_cache = false;  // a one-off pass should not evict what list uses
    options.readahead_size = kScanReadahead;
    // Every row is authenticated when it is opened; hashing each block for
    // its checksum as well only repeats that work.
    options.verify_checksums = false;
    if (worker > 0) options.iterate_lower_bound = &lower_slice;
    if (worker + 1 < workers) options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, store_->handle(Family::kView)));
    // Rows are parsed into an arena that is reset every few rows, and
    // opened into one reused buffer: a row's dozen small strings and map
    // nodes cost no malloc or free.
    std::vector<char> first_block(kArenaBlockBytes);
    google::protobuf::ArenaOptions arena_options;
    arena_options.initial_block = first_block.data();
    arena_options.initial_block_size = first_block.size();
    google::protobuf::Arena arena(arena_options);
    std::string plain;
    size_t since_reset = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (++since_reset == kRowsPerArena) {
        arena.Reset();
        since_reset = 0;
      }
      auto* state = google::protobuf::Arena::CreateMessage<v1::EntryState>(&arena);
      // A row moved under another key, or damaged, is never used.
      if (!OpenViewRow(std::string_view(it->key().data(), it->key().size()),
                       std::string_view(it->value().data(), it->value().size()), &plain, state,
                       RowCheck::kSeal)
               .ok()) {
        ++bad_rows;
        continue;
      }
      visit(worker, *state);
    }
    return FromRocks(it->status());
  });
  db->ReleaseSnapshot(snapshot);
  if (skipped != nullptr) *skipped = bad_rows;
  return status;
}

}  // namespace haven
