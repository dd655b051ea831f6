#include "server/search/search_index.h"

#include <algorithm>

namespace haven {

void SearchIndex::Shard::Add(const SearchDoc& doc) {
  DocTermIds(doc, &terms_, &scratch_);
  for (uint32_t term : scratch_) terms_.list(term).Append(docs_);
  ++docs_;
}

void SearchIndex::Add(uint32_t doc, const SearchDoc& words) {
  if (doc < next_) return;
  next_ = uint64_t{doc} + 1;
  DocTermIds(words, &terms_, &scratch_);
  for (uint32_t term : scratch_) terms_.list(term).Append(doc);
}

void SearchIndex::AddAll(std::vector<Shard> shards, uint32_t first) {
  if (first < next_) return;
  uint64_t base = first;
  for (auto& shard : shards) {
    shard.terms_.ForEach([&](const std::string& term, const PostingList& list) {
      terms_.list(terms_.Id(term)).AppendShifted(list, static_cast<uint32_t>(base));
    });
    base += shard.docs_;
    shard = Shard();  // free it before joining the next
  }
  next_ = base;
  terms_.ShrinkToFit();
}

void SearchIndex::Renumber(const std::vector<uint32_t>& renumber) {
  terms_.Renumber(renumber);
  uint64_t next = 0;
  for (uint32_t to : renumber) {
    if (to != PostingList::kDropped) next = std::max(next, uint64_t{to} + 1);
  }
  next_ = next;
}

}  // namespace haven
