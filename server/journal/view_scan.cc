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

#include "absl/status/status.h"
#include "common/json_bounded.h"
#include "server/journal/merge.h"
#include "server/journal/view.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Below this share of all entries, reading matches one by one wins.
constexpr size_t kSelectiveDivisor = 8;
// A view row takes about 1 KiB of arena; 48 rows fit the first block.
constexpr size_t kArenaBlockBytes = 64 << 10;
constexpr size_t kRowsPerArena = 48;

}  // namespace

bool View::Matches(const ListFilter& filter, const v1::EntryState& state) {
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

absl::Status View::ScanParallel(
    const ListFilter& filter, int workers,
    const std::function<void(int, const v1::EntryState&)>& visit) const {
  workers = std::max(workers, 1);
  std::vector<std::string> ids;
  {
    absl::ReaderMutexLock lock(&mu_);
    IndexQuery query{filter.type, filter.since_us, filter.until_us, filter.include_deleted,
                     filter.oldest_first};
    const size_t matches = index_.entries().Count(query);
    if (matches == 0) return absl::OkStatus();
    if (matches * kSelectiveDivisor < index_.entries().size()) {
      ids.reserve(matches);
      index_.entries().Visit(query, [&](const IndexedEntry& e) {
        ids.push_back(e.id);
        return true;
      });
    }
  }
  auto emit = [&](int worker, const v1::EntryState& state) {
    if (Matches(filter, state)) visit(worker, state);
  };
  if (ids.empty()) return ForEachRow(workers, emit);
  return RunOnThreads(workers, [&](int worker) -> absl::Status {
    for (size_t i = worker; i < ids.size(); i += workers) {
      ASSIGN_OR_RETURN(v1::EntryState state, LoadState(ids[i]));
      emit(worker, state);
    }
    return absl::OkStatus();
  });
}

absl::Status View::ForEachRow(int workers,
                              const std::function<void(int, const v1::EntryState&)>& visit,
                              size_t* skipped) const {
  std::atomic<size_t> bad_rows = 0;
  absl::Status status = store_->ScanSplit(Family::kView, workers, [&](int worker, Cursor& it) {
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
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      if (++since_reset == kRowsPerArena) {
        arena.Reset();
        since_reset = 0;
      }
      auto* state = google::protobuf::Arena::CreateMessage<v1::EntryState>(&arena);
      // A row moved under another key, or damaged, is never used.
      if (!OpenRow(it.key(), it.value(), &plain, state, RowCheck::kSeal).ok()) {
        ++bad_rows;
        continue;
      }
      visit(worker, *state);
    }
    return absl::OkStatus();
  });
  if (skipped != nullptr) *skipped = bad_rows;
  return status;
}

}  // namespace haven
