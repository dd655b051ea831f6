// The in-memory index of the unlocked journal: entry time, type and state
// per entry id, ordered both by time (for list) and by id (for prefixes).
// Entry times are secret, so this index exists only in memory, built from
// the sealed view at unlock and dropped at lock.
//
// Not thread-safe: the Journal guards it.
#ifndef HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_
#define HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
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

class EntryIndex {
 public:
  // Inserts or replaces. Ids are 24 hex chars.
  void Upsert(std::string_view id, int64_t at_us, std::string_view type, bool deleted);

  size_t size() const { return by_id_.size(); }
  size_t live() const { return live_; }

  // The one entry whose id starts with `prefix` (>= 6 chars or the whole id).
  // NotFound / InvalidArgument (ambiguous or too short).
  absl::StatusOr<std::string> Resolve(std::string_view prefix) const;

  // Visits entries newest first until `visit` returns false.
  void VisitNewestFirst(const std::function<bool(const IndexedEntry&)>& visit) const;
  void VisitOldestFirst(const std::function<bool(const IndexedEntry&)>& visit) const;

 private:
  using Key = std::array<uint8_t, 12>;
  struct Slot {
    int64_t at_us;
    uint32_t type;
    bool deleted;
  };
  uint32_t Intern(std::string_view type);
  template <typename It>
  void Visit(It begin, It end, const std::function<bool(const IndexedEntry&)>& visit) const;

  absl::btree_map<Key, Slot> by_id_;
  absl::btree_set<std::pair<int64_t, Key>> by_time_;
  std::vector<std::unique_ptr<std::string>> types_;
  size_t live_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_ENTRY_INDEX_H_
