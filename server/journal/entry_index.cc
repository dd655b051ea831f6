#include "server/journal/entry_index.h"

#include <memory>

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

}  // namespace

uint32_t EntryIndex::Intern(std::string_view type) {
  for (uint32_t i = 0; i < types_.size(); ++i) {
    if (*types_[i] == type) return i;
  }
  types_.push_back(std::make_unique<std::string>(type));
  return static_cast<uint32_t>(types_.size() - 1);
}

void EntryIndex::Upsert(std::string_view id, int64_t at_us, std::string_view type,
                        bool deleted) {
  auto raw = HexDecode(id);
  if (!raw || raw->size() != 12) return;
  Key key;
  std::copy(raw->begin(), raw->end(), key.begin());
  Slot slot{at_us, Intern(type), deleted};
  auto [it, inserted] = by_id_.try_emplace(key, slot);
  if (!inserted) {
    by_time_.erase({it->second.at_us, key});
    if (!it->second.deleted) --live_;
    it->second = slot;
  }
  by_time_.insert({at_us, key});
  if (!deleted) ++live_;
}

absl::StatusOr<std::string> EntryIndex::Resolve(std::string_view prefix) const {
  std::string p(prefix);
  for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (p.size() < kMinPrefix) {
    return absl::InvalidArgumentError("entry id \"" + std::string(prefix) +
                                      "\": give at least 6 characters");
  }
  if (!IsHex(p) || p.size() > 24) return absl::NotFoundError("no entry with id " + std::string(prefix));
  std::string padded = p + std::string(24 - p.size(), '0');
  auto raw = HexDecode(padded);
  Key low;
  std::copy(raw->begin(), raw->end(), low.begin());
  std::string found;
  for (auto it = by_id_.lower_bound(low); it != by_id_.end(); ++it) {
    std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(it->first.data()),
                                                 it->first.size()));
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

template <typename It>
void EntryIndex::Visit(It begin, It end,
                       const std::function<bool(const IndexedEntry&)>& visit) const {
  IndexedEntry item;
  for (auto it = begin; it != end; ++it) {
    const Slot& slot = by_id_.find(it->second)->second;
    item.id = HexEncode(std::string_view(reinterpret_cast<const char*>(it->second.data()), 12));
    item.at_us = it->first;
    item.type = types_[slot.type].get();
    item.deleted = slot.deleted;
    if (!visit(item)) return;
  }
}

void EntryIndex::VisitNewestFirst(const std::function<bool(const IndexedEntry&)>& visit) const {
  Visit(by_time_.rbegin(), by_time_.rend(), visit);
}

void EntryIndex::VisitOldestFirst(const std::function<bool(const IndexedEntry&)>& visit) const {
  Visit(by_time_.begin(), by_time_.end(), visit);
}

}  // namespace haven
