// The in-memory index of the unlocked journal: entry time, type and state
// per entry id, ordered both by time (for list) and by id (for prefixes).
// Entry times are secret, so this index exists only in memory, built from
// the sealed view at unlock and dropped at lock.
//
// It is sized for a lifetime of practice: about 60 bytes per entry (a
// million entries fit in ~60 MB), and it answers "how many match" without
// visiting entries when only the type (or nothing) is filtered, so
// `haven list --limit 50` costs the same at 100 entries and at a million.
//
// Not thread-safe: the Journal guards it.
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

class EntryIndex {
 private:
  using Key = std::array<uint8_t, 12>;

 public:
  // Entries gathered on one thread of a whole-history pass, added to the
  // index at once by AddAll.
  class Batch {
   public:
    // As Upsert takes them; ids that are not 24 hex chars are ignored.
    void Add(std::string_view id, int64_t at_us, std::string_view type, bool deleted);

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

  // Inserts or replaces. Ids are 24 hex chars; others are ignored.
  void Upsert(std::string_view id, int64_t at_us, std::string_view type, bool deleted);
  // Upserts every row of `batches`. Into an empty index (building it at
  // unlock) the rows go in sorted, several times faster than a million
  // inserts in the random order of a scan.
  void AddAll(std::vector<Batch> batches);
  // Forgets an entry (its create was taken away: docs/design.md, "Devices
  // and key epochs"); nothing when it is not indexed.
  void Remove(std::string_view id);
  bool Contains(std::string_view id) const;

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

 private:
  struct TimeSlot {
    int64_t at_us;
    Key key;
    uint16_t type;
    bool deleted;
    bool operator<(const TimeSlot& o) const {
      return at_us != o.at_us ? at_us < o.at_us : key < o.key;
    }
  };
  struct TypeCounts {
    size_t live = 0;
    size_t deleted = 0;
  };

  uint16_t Intern(std::string_view type);
  // The interned number of `type`, or nullopt when no entry has it.
  std::optional<uint16_t> Find(std::string_view type) const;
  void Count(const TimeSlot& slot, int delta);
  // Calls `on_slot` for each slot matching `q`, in the query's order, until
  // it returns false.
  template <typename OnSlot>
  void Walk(const IndexQuery& q, OnSlot&& on_slot) const;

  absl::btree_map<Key, int64_t> by_id_;  // id -> at_us, to find its TimeSlot
  absl::btree_set<TimeSlot> by_time_;
  std::vector<std::unique_ptr<std::string>> types_;
  std::vector<TypeCounts> counts_;  // per interned type
  size_t live_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_
