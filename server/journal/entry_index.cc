#include "server/journal/entry_index.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "absl/status/status.h"
#include "server/crypto/ids.h"

namespace haven {
namespace {

constexpr size_t kMinPrefix = 6;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

template <typename Key>
std::optional<Key> KeyFromHex(std::string_view hex) {
  auto raw = HexDecode(hex);
  if (!raw || raw->size() != std::tuple_size_v<Key>) return std::nullopt;
  Key key;
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

template <typename Key>
std::string KeyToHex(const Key& key) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

}  // namespace

uint16_t EntryIndex::Intern(std::string_view type) {
  if (auto found = Find(type)) return *found;
  types_.push_back(std::make_unique<std::string>(type));
  counts_.emplace_back();
  return static_cast<uint16_t>(types_.size() - 1);
}

std::optional<uint16_t> EntryIndex::Find(std::string_view type) const {
  for (uint16_t i = 0; i < types_.size(); ++i) {
    if (*types_[i] == type) return i;
  }
  return std::nullopt;
}

void EntryIndex::Count(const TimeSlot& slot, int delta) {
  TypeCounts& c = counts_[slot.type];
  if (slot.deleted) {
    c.deleted += delta;
  } else {
    c.live += delta;
    live_ += delta;
  }
}

void EntryIndex::Upsert(std::string_view id, int64_t at_us, std::string_view type, bool deleted) {
  auto key = KeyFromHex<Key>(id);
  if (!key) return;
  TimeSlot slot{at_us, *key, Intern(type), deleted};
  auto [it, inserted] = by_id_.try_emplace(*key, at_us);
  if (!inserted) {
    auto old = by_time_.find(TimeSlot{it->second, *key, 0, false});
    if (old != by_time_.end()) {
      Count(*old, -1);
      by_time_.erase(old);
    }
    it->second = at_us;
  }
  by_time_.insert(slot);
  Count(slot, +1);
}

void EntryIndex::Remove(std::string_view id) {
  auto key = KeyFromHex<Key>(id);
  if (!key) return;
  auto it = by_id_.find(*key);
  if (it == by_id_.end()) return;
  auto slot = by_time_.find(TimeSlot{it->second, *key, 0, false});
  if (slot != by_time_.end()) {
    Count(*slot, -1);
    by_time_.erase(slot);
  }
  by_id_.erase(it);
}

void EntryIndex::Batch::Add(std::string_view id, int64_t at_us, std::string_view type,
                            bool deleted) {
  auto key = KeyFromHex<Key>(id);
  if (!key) return;
  auto known = std::find(types_.begin(), types_.end(), type);
  if (known == types_.end()) known = types_.insert(types_.end(), std::string(type));
  rows_.push_back({*key, at_us, static_cast<uint16_t>(known - types_.begin()), deleted});
}

void EntryIndex::AddAll(std::vector<Batch> batches) {
  std::vector<Batch::Row> rows;
  for (Batch& batch : batches) {
    std::vector<uint16_t> interned;
    for (const std::string& type : batch.types_) interned.push_back(Intern(type));
    for (Batch::Row& row : batch.rows_) row.type = interned[row.type];
    if (rows.empty()) {
      rows = std::move(batch.rows_);
    } else {
      rows.insert(rows.end(), batch.rows_.begin(), batch.rows_.end());
    }
    batch.rows_ = {};
  }
  if (!by_id_.empty()) {
    for (const Batch::Row& row : rows) {
      Upsert(KeyToHex(row.key), row.at_us, *types_[row.type], row.deleted);
    }
    return;
  }
  // One vector, sorted twice (by id, then by time), is all the extra
  // memory: a million rows take 32 MB while the index is built.
  auto same_key = [](const Batch::Row& a, const Batch::Row& b) { return a.key == b.key; };
  std::sort(rows.begin(), rows.end(),
            [](const Batch::Row& a, const Batch::Row& b) { return a.key < b.key; });
  rows.erase(std::unique(rows.begin(), rows.end(), same_key), rows.end());  // one per id
  for (const Batch::Row& row : rows) by_id_.insert(by_id_.end(), {row.key, row.at_us});
  std::sort(rows.begin(), rows.end(), [](const Batch::Row& a, const Batch::Row& b) {
    return a.at_us != b.at_us ? a.at_us < b.at_us : a.key < b.key;
  });
  for (const Batch::Row& row : rows) {
    const TimeSlot slot{row.at_us, row.key, row.type, row.deleted};
    by_time_.insert(by_time_.end(), slot);
    Count(slot, +1);
  }
}

bool EntryIndex::Contains(std::string_view id) const {
  auto key = KeyFromHex<Key>(id);
  return key && by_id_.contains(*key);
}

absl::StatusOr<std::string> EntryIndex::Resolve(std::string_view prefix) const {
  std::string p(prefix);
  for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (p.size() < kMinPrefix) {
    return absl::InvalidArgumentError("entry id \"" + std::string(prefix) +
                                      "\": give at least 6 characters");
  }
  if (!IsHex(p) || p.size() > 24)
    return absl::NotFoundError("no entry with id " + std::string(prefix));
  auto low = KeyFromHex<Key>(p + std::string(24 - p.size(), '0'));
  std::string found;
  for (auto it = by_id_.lower_bound(*low); it != by_id_.end(); ++it) {
    std::string hex = KeyToHex(it->first);
    if (hex.compare(0, p.size(), p) != 0) break;
    if (!found.empty()) {
      return absl::InvalidArgumentError("entry id \"" + p +
                                        "\" is ambiguous: give more characters");
    }
    found = std::move(hex);
  }
  if (found.empty()) return absl::NotFoundError("no entry with id " + p);
  return found;
}

template <typename OnSlot>
void EntryIndex::Walk(const IndexQuery& q, OnSlot&& on_slot) const {
  std::optional<uint16_t> type;
  if (!q.type.empty()) {
    type = Find(q.type);
    if (!type) return;
  }
  if (q.until_us && q.since_us && *q.until_us <= *q.since_us) return;
  constexpr Key kLowest{};
  auto begin = q.since_us ? by_time_.lower_bound(TimeSlot{*q.since_us, kLowest, 0, false})
                          : by_time_.begin();
  auto end =
      q.until_us ? by_time_.lower_bound(TimeSlot{*q.until_us, kLowest, 0, false}) : by_time_.end();
  auto offer = [&](const TimeSlot& slot) {
    if (slot.deleted && !q.include_deleted) return true;
    if (type && slot.type != *type) return true;
    return on_slot(slot);
  };
  if (q.oldest_first) {
    for (auto it = begin; it != end; ++it) {
      if (!offer(*it)) return;
    }
  } else {
    for (auto it = end; it != begin;) {
      if (!offer(*--it)) return;
    }
  }
}

size_t EntryIndex::Count(const IndexQuery& q) const {
  if (!q.since_us && !q.until_us) {
    if (q.type.empty()) return q.include_deleted ? by_id_.size() : live_;
    auto type = Find(q.type);
    if (!type) return 0;
    const TypeCounts& c = counts_[*type];
    return c.live + (q.include_deleted ? c.deleted : 0);
  }
  size_t n = 0;
  Walk(q, [&](const TimeSlot&) {
    ++n;
    return true;
  });
  return n;
}

void EntryIndex::Visit(const IndexQuery& q,
                       const std::function<bool(const IndexedEntry&)>& visit) const {
  IndexedEntry item;
  Walk(q, [&](const TimeSlot& slot) {
    item.id = KeyToHex(slot.key);
    item.at_us = slot.at_us;
    item.type = types_[slot.type].get();
    item.deleted = slot.deleted;
    return visit(item);
  });
}

std::vector<std::pair<std::string, size_t>> EntryIndex::LiveByType() const {
  std::vector<std::pair<std::string, size_t>> out;
  for (size_t i = 0; i < types_.size(); ++i) {
    if (counts_[i].live > 0) out.emplace_back(*types_[i], counts_[i].live);
  }
  return out;
}

}  // namespace haven
