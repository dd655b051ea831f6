#include "server/journal/entry_index.h"

#include <algorithm>
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

std::optional<EntryIndex::Key> KeyFromHex(std::string_view hex) {
  auto raw = HexDecode(hex);
  EntryIndex::Key key;
  if (!raw || raw->size() != key.size()) return std::nullopt;
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

std::string KeyToHex(const EntryIndex::Key& key) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

}  // namespace

std::string IndexMatch::id() const { return KeyToHex(key); }

bool EntryIndex::TimeOrder::operator()(const TimeSlot& a, const TimeSlot& b) const {
  if (a.at_us != b.at_us) return a.at_us < b.at_us;
  // Only entries at the same microsecond read their ids.
  if (a.row == b.row) return false;
  if (a.row == kProbe) return true;
  if (b.row == kProbe) return false;
  return (*rows)[a.row].key < (*rows)[b.row].key;
}

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

void EntryIndex::Retire(uint32_t row) {
  auto old = by_time_.find(TimeSlot{rows_[row].at_us, row, 0, false});
  if (old != by_time_.end()) {
    Count(*old, -1);
    by_time_.erase(old);
  }
  rows_[row].state = kStale;
  ++stale_;
}

std::optional<uint32_t> EntryIndex::Upsert(std::string_view id, int64_t at_us,
                                           std::string_view type, bool deleted) {
  auto key = KeyFromHex(id);
  if (!key) return std::nullopt;
  const auto row = static_cast<uint32_t>(rows_.size());
  const uint16_t interned = Intern(type);
  rows_.push_back(Row{at_us, *key, interned, deleted ? kDeleted : kLive});
  auto [it, inserted] = by_id_.try_emplace(*key, row);
  if (!inserted) {
    Retire(it->second);
    it->second = row;
  }
  const TimeSlot slot{at_us, row, interned, deleted};
  by_time_.insert(slot);
  Count(slot, +1);
  return row;
}

void EntryIndex::Remove(std::string_view id) {
  auto key = KeyFromHex(id);
  if (!key) return;
  auto it = by_id_.find(*key);
  if (it == by_id_.end()) return;
  Retire(it->second);
  by_id_.erase(it);
}

bool EntryIndex::Contains(std::string_view id) const {
  auto key = KeyFromHex(id);
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
  auto low = KeyFromHex(p + std::string(24 - p.size(), '0'));
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
  auto begin =
      q.since_us ? by_time_.lower_bound(TimeSlot{*q.since_us, kProbe, 0, false}) : by_time_.begin();
  auto end =
      q.until_us ? by_time_.lower_bound(TimeSlot{*q.until_us, kProbe, 0, false}) : by_time_.end();
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
    item.id = KeyToHex(rows_[slot.row].key);
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
