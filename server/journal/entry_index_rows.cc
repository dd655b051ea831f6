// EntryIndex's rows in bulk: building the index at unlock, renumbering
// without stale rows, and picking the current rows a search named.
#include <algorithm>

#include "server/crypto/ids.h"
#include "server/journal/entry_index.h"

namespace haven {

bool EntryIndex::Batch::Add(std::string_view id, int64_t at_us, std::string_view type,
                            bool deleted) {
  auto raw = HexDecode(id);
  Key key;
  if (!raw || raw->size() != key.size()) return false;
  std::copy(raw->begin(), raw->end(), key.begin());
  auto known = std::find(types_.begin(), types_.end(), type);
  if (known == types_.end()) known = types_.insert(types_.end(), std::string(type));
  rows_.push_back({key, at_us, static_cast<uint16_t>(known - types_.begin()), deleted});
  return true;
}

uint32_t EntryIndex::AddAll(std::vector<Batch> batches) {
  const auto first = static_cast<uint32_t>(rows_.size());
  const bool empty = by_id_.empty() && rows_.empty();
  size_t total = rows_.size();
  for (const Batch& batch : batches) total += batch.rows_.size();
  rows_.reserve(total);
  for (Batch& batch : batches) {
    std::vector<uint16_t> interned;
    for (const std::string& type : batch.types_) interned.push_back(Intern(type));
    for (const Batch::Row& row : batch.rows_) {
      if (empty) {
        rows_.push_back(
            Row{row.at_us, row.key, interned[row.type], row.deleted ? kDeleted : kLive});
      } else {
        Upsert(HexEncode(
                   std::string_view(reinterpret_cast<const char*>(row.key.data()), row.key.size())),
               row.at_us, *types_[interned[row.type]], row.deleted);
      }
    }
    batch = Batch();  // free it before taking the next
  }
  if (empty) AddSorted();
  return first;
}

void EntryIndex::AddSorted() {
  // Two vectors of 16 bytes a row, one after the other, are all the extra
  // memory: sorted by id, then by time, they go into the trees in order.
  {
    std::vector<std::pair<Key, uint32_t>> ids;
    ids.reserve(rows_.size());
    for (uint32_t r = 0; r < rows_.size(); ++r) ids.emplace_back(rows_[r].key, r);
    std::sort(ids.begin(), ids.end());
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i + 1 < ids.size() && ids[i + 1].first == ids[i].first) {
        rows_[ids[i].second].state = kStale;  // the same entry twice: keep the last
        ++stale_;
        continue;
      }
      by_id_.insert(by_id_.end(), ids[i]);
    }
  }
  std::vector<TimeSlot> slots;
  slots.reserve(by_id_.size());
  for (uint32_t r = 0; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    if (row.state != kStale) slots.push_back({row.at_us, r, row.type, row.state == kDeleted});
  }
  std::sort(slots.begin(), slots.end(), TimeOrder{&rows_});
  for (const TimeSlot& slot : slots) {
    by_time_.insert(by_time_.end(), slot);
    Count(slot, +1);
  }
}

std::vector<uint32_t> EntryIndex::Compact() {
  std::vector<uint32_t> renumber(rows_.size(), kDropped);
  std::vector<Row> kept;
  kept.reserve(rows_.size() - stale_);
  for (size_t r = 0; r < rows_.size(); ++r) {
    if (rows_[r].state == kStale) continue;
    renumber[r] = static_cast<uint32_t>(kept.size());
    kept.push_back(rows_[r]);
  }
  for (auto& [key, row] : by_id_) row = renumber[row];
  // The time order does not change, only the numbers in it.
  std::vector<TimeSlot> slots(by_time_.begin(), by_time_.end());
  by_time_.clear();
  rows_ = std::move(kept);
  for (TimeSlot& slot : slots) {
    slot.row = renumber[slot.row];
    by_time_.insert(by_time_.end(), slot);
  }
  stale_ = 0;
  return renumber;
}

bool EntryIndex::Selected(const Row& row, const IndexQuery& q, std::optional<uint16_t> type) const {
  if (row.state == kStale || (row.state == kDeleted && !q.include_deleted)) return false;
  if (type && row.type != *type) return false;
  if (q.since_us && row.at_us < *q.since_us) return false;
  if (q.until_us && row.at_us >= *q.until_us) return false;
  return true;
}

std::vector<IndexMatch> EntryIndex::Pick(std::vector<uint32_t> rows, const IndexQuery& q,
                                         size_t sorted) const {
  std::optional<uint16_t> type;
  if (!q.type.empty()) {
    type = Find(q.type);
    if (!type) return {};
  }
  std::erase_if(rows,
                [&](uint32_t r) { return r >= rows_.size() || !Selected(rows_[r], q, type); });
  auto newer = [&](uint32_t a, uint32_t b) {
    return rows_[a].at_us != rows_[b].at_us ? rows_[a].at_us > rows_[b].at_us
                                            : rows_[a].key > rows_[b].key;
  };
  const size_t prefix = std::min(sorted, rows.size());
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(prefix), rows.end(),
                    newer);
  std::vector<IndexMatch> out;
  out.reserve(rows.size());
  for (uint32_t r : rows) out.push_back(IndexMatch{rows_[r].key, rows_[r].at_us});
  return out;
}

}  // namespace haven
