#include "server/search/search_index.h"

#include <algorithm>

#include "server/crypto/ids.h"

namespace haven {
namespace {

// Entry ids as the entry index keys them (server/crypto/ids.h's hex).
std::optional<SearchIndex::Key> KeyOf(std::string_view id) {
  auto raw = HexDecode(id);
  SearchIndex::Key key{};
  if (!raw || raw->size() != key.size()) return std::nullopt;
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

}  // namespace

std::string SearchMatch::id() const {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

void SearchIndex::Shard::Add(const SearchDoc& doc) {
  auto key = KeyOf(doc.id);
  if (!key) return;
  const auto number = static_cast<uint32_t>(docs_.size());
  auto type = std::find(types_.begin(), types_.end(), doc.type);
  if (type == types_.end()) type = types_.emplace(types_.end(), doc.type);
  docs_.push_back(Doc{*key, doc.at_us, static_cast<uint16_t>(type - types_.begin()), doc.deleted});
  DocTermIds(doc, &terms_, &scratch_);
  for (uint32_t term : scratch_) terms_.list(term).Append(number);
}

void SearchIndex::AddAll(std::vector<Shard> shards) {
  for (auto& shard : shards) {
    const auto base = static_cast<uint32_t>(docs_.size());
    for (const auto& d : shard.docs_) {
      auto [it, added] = by_key_.emplace(d.key, static_cast<uint32_t>(docs_.size()));
      if (!added) {
        docs_[it->second].state = kStale;  // the same entry seen twice: keep the last
        ++stale_;
        it->second = static_cast<uint32_t>(docs_.size());
      }
      docs_.push_back(
          Doc{d.key, d.at_us, Intern(shard.types_[d.type]), d.deleted ? kDeleted : kLive});
    }
    shard.terms_.ForEach([&](const std::string& term, const PostingList& list) {
      terms_.list(terms_.Id(term)).AppendShifted(list, base);
    });
    shard = Shard();  // free it before joining the next
  }
  terms_.ShrinkToFit();
  docs_.shrink_to_fit();
}

void SearchIndex::Upsert(const SearchDoc& doc) {
  auto key = KeyOf(doc.id);
  if (!key) return;
  MarkStale(*key);
  const auto number = static_cast<uint32_t>(docs_.size());
  docs_.push_back(Doc{*key, doc.at_us, Intern(doc.type), doc.deleted ? kDeleted : kLive});
  by_key_[*key] = number;
  DocTermIds(doc, &terms_, &scratch_);
  for (uint32_t term : scratch_) terms_.list(term).Append(number);
  CompactIfStale();
}

void SearchIndex::Remove(std::string_view id) {
  auto key = KeyOf(id);
  if (!key) return;
  MarkStale(*key);
  by_key_.erase(*key);
  CompactIfStale();
}

void SearchIndex::MarkStale(const Key& key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  docs_[it->second].state = kStale;
  ++stale_;
}

void SearchIndex::CompactIfStale() {
  if (stale_ < 1024 || stale_ * 2 < docs_.size()) return;
  std::vector<uint32_t> renumber(docs_.size(), PostingList::kDropped);
  std::vector<Doc> kept;
  kept.reserve(docs_.size() - stale_);
  for (size_t i = 0; i < docs_.size(); ++i) {
    if (docs_[i].state == kStale) continue;
    renumber[i] = static_cast<uint32_t>(kept.size());
    by_key_[docs_[i].key] = renumber[i];
    kept.push_back(docs_[i]);
  }
  docs_ = std::move(kept);
  terms_.Renumber(renumber);
  stale_ = 0;
}

uint16_t SearchIndex::Intern(std::string_view type) {
  for (size_t i = 0; i < types_.size(); ++i) {
    if (types_[i] == type) return static_cast<uint16_t>(i);
  }
  types_.emplace_back(type);
  return static_cast<uint16_t>(types_.size() - 1);
}

size_t SearchIndex::ApproximateBytes() const {
  return docs_.capacity() * sizeof(Doc) +
         by_key_.capacity() * (sizeof(Key) + sizeof(uint32_t) + 1) + terms_.ApproximateBytes();
}

}  // namespace haven
