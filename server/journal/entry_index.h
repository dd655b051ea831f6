// The in-memory index of the unlocked journal: entry time, type and state
// per entry id, ordered both by time (for list) and by id (for prefixes).
// Entry times are secret, so this index exists only in memory, built from
// the sealed view at unlock and dropped at lock.
//
// Every version of an entry the index takes gets a row, numbered in the
// order taken; an entry's row is replaced (and the old one goes stale)
// when the entry changes. The row numbers are the search index's document
// numbers (server/search/search_index.h): the one table of entry id, time,
// type and state that both indexes use is here.
//
// It is sized for a lifetime of practice: about 60 bytes per entry (rows,
// the id tree and the time tree), and it answers "how many match" without
// visiting entries when only the type (or nothing) is filtered, so
// `haven list --limit 50` costs the same at 100 entries and at a million.
//
// Not thread-safe: the view guards it. Not copyable or movable (the time
// order refers to the rows).
#ifndef HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_
#define HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/statusor.h"

namespace haven {

struct IndexedEntry {
  std::string id;  // hex
  int64_t at_us = 0;
  const std::string* type = nullptr;  // interned, lives as long as the index
  bool deleted = false;
};

// Which entries a visit or count covers.
struct IndexQuery {
  std::string_view type;            // empty: every type
  std::optional<int64_t> since_us;  // at_us >= since_us
  std::optional<int64_t> until_us;  // at_us < until_us
  bool include_deleted = false;
  bool oldest_first = false;
};

// An entry picked by its row (EntryIndex::Pick).
struct IndexMatch {
  std::array<uint8_t, 12> key;  // the id, decoded
  int64_t at_us = 0;
  std::string id() const;  // hex
};

class EntryIndex {
 public:
  using Key = std::array<uint8_t, 12>;
  // Compact's mark for a row that has no new number.
  static constexpr uint32_t kDropped = UINT32_MAX;

  // Entries gathered on one thread of a whole-history pass, added to the
  // index at once by AddAll.
  class Batch {
   public:
    // As Upsert takes them: false (and nothing added) for an id that is
    // not 24 hex chars.
    bool Add(std::string_view id, int64_t at_us, std::string_view type, bool deleted);
    size_t size() const { return rows_.size(); }

   private:
    friend class EntryIndex;
    struct Row {
      Key key;
      int64_t at_us;
      uint16_t type;  // into types_
      bool deleted;
    };
    std::vector<Row> rows_;
    std::vector<std::string> types_;
  };

  EntryIndex() = default;
  EntryIndex(const EntryIndex&) = delete;
  EntryIndex& operator=(const EntryIndex&) = delete;

  // Inserts or replaces, and returns the entry's new row: greater than
  // every row before. Ids are 24 hex chars; others are ignored (nullopt).
  std::optional<uint32_t> Upsert(std::string_view id, int64_t at_us, std::string_view type,
                                 bool deleted);
  // Upserts every row of `batches`; the k-th row of the batches, taken in
  // order, gets row `first` + k, where `first` is the returned number.
  // Into an empty index (building it at unlock) the rows go in sorted,
  // several times faster than a million inserts in the random order of a
  // scan.
  uint32_t AddAll(std::vector<Batch> batches);
  // Forgets an entry (its create was taken away: docs/design.md, "Devices
  // and key epochs"); nothing when it is not indexed. Its row goes stale.
  void Remove(std::string_view id);
  bool Contains(std::string_view id) const;

  // Whether stale rows outnumber the current ones (and are many).
  bool NeedsCompaction() const { return stale_ >= 1024 && stale_ * 2 >= rows_.size(); }
  // Renumbers the rows without the stale ones, keeping their order, and
  // returns each old row's new number (kDropped for a stale one), for
  // whoever keeps things by row number.
  std::vector<uint32_t> Compact();

  // The index as a snapshot's plaintext holds it (docs/design.md, "Index
  // snapshot"): the type names and every row, in row order. Only without
  // stale rows (right after Compact); false otherwise.
  bool Encode(std::string* out) const;
  // Reads what Encode wrote into an empty index, consuming it from `in`.
  // DataLoss on any fault (counts, sizes, a type number or state out of
  // range, an id twice); the index is then unusable and must be dropped.
  absl::Status Decode(std::string_view* in);
  // Empties the index and frees its memory.
  void Clear();
  // Rows held, stale ones included: every row number is below it.
  size_t rows() const { return rows_.size(); }

  size_t size() const { return by_id_.size(); }
  size_t live() const { return live_; }

  // The one entry whose id starts with `prefix` (>= 6 chars or the whole id).
  // NotFound / InvalidArgument (ambiguous or too short).
  absl::StatusOr<std::string> Resolve(std::string_view prefix) const;

  // Entries matching `query`; O(1) without a time range, else a walk of the
  // range that decodes nothing.
  size_t Count(const IndexQuery& query) const;
  // Visits matching entries newest first (oldest first on request) until
  // `visit` returns false. Only entries inside the time range are walked.
  void Visit(const IndexQuery& query, const std::function<bool(const IndexedEntry&)>& visit) const;
  // Live entries per type, types with none left out, in no particular
  // order; O(types), visits no entry.
  std::vector<std::pair<std::string, size_t>> LiveByType() const;
  // Of `rows` (any rows, stale ones included), the current ones `query`
  // selects (its order aside), newest first for at least the first
  // `sorted` of them (the rest in no particular order).
  std::vector<IndexMatch> Pick(std::vector<uint32_t> rows, const IndexQuery& query,
                               size_t sorted) const;

 private:
  static constexpr uint8_t kLive = 0, kDeleted = 1, kStale = 2;
  struct Row {
    int64_t at_us;
    Key key;
    uint16_t type;  // interned
    uint8_t state;  // kLive, kDeleted, kStale
  };
  // A current row in the time order: its time, and what a count needs.
  struct TimeSlot {
    int64_t at_us;
    uint32_t row;  // kProbe: before every id at `at_us`
    uint16_t type;
    bool deleted;
  };
  static constexpr uint32_t kProbe = UINT32_MAX;
  // By time, then by id (read from the rows).
  struct TimeOrder {
    const std::vector<Row>* rows;
    bool operator()(const TimeSlot& a, const TimeSlot& b) const;
  };
  struct TypeCounts {
    size_t live = 0;
    size_t deleted = 0;
  };

  uint16_t Intern(std::string_view type);
  // The interned number of `type`, or nullopt when no entry has it.
  std::optional<uint16_t> Find(std::string_view type) const;
  void Count(const TimeSlot& slot, int delta);
  // Takes `row` out of the time order and the counts, and marks it stale.
  void Retire(uint32_t row);
  // AddAll's path into an empty index.
  void AddSorted();
  bool Selected(const Row& row, const IndexQuery& q, std::optional<uint16_t> type) const;
  // Calls `on_slot` for each slot matching `q`, in the query's order, until
  // it returns false.
  template <typename OnSlot>
  void Walk(const IndexQuery& q, OnSlot&& on_slot) const;

  std::vector<Row> rows_;
  absl::btree_map<Key, uint32_t> by_id_;  // id -> its current row
  absl::btree_set<TimeSlot, TimeOrder> by_time_{TimeOrder{&rows_}};
  std::vector<std::unique_ptr<std::string>> types_;  // IndexedEntry points here
  std::vector<TypeCounts> counts_;                   // per interned type
  size_t live_ = 0;
  size_t stale_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_
