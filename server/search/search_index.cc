#include "server/search/search_index.h"

#include <algorithm>

#include "server/util/byte_codec.h"

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

namespace {

// A term is a folded word (at most 64 bytes) or a tag behind its mark.
constexpr size_t kMaxTermBytes = 1024;

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError("index snapshot: " + std::string(what));
}

}  // namespace

void SearchIndex::Encode(std::string* out) const {
  uint32_t terms = 0;
  terms_.ForEach([&](const std::string&, const PostingList& list) { terms += list.size() > 0; });
  PutFixed<uint32_t>(out, terms);
  terms_.ForEach([&](const std::string& term, const PostingList& list) {
    if (list.size() == 0) return;
    PutFixed<uint16_t>(out, static_cast<uint16_t>(term.size()));
    out->append(term);
    PutFixed<uint32_t>(out, list.size());
    PutFixed<uint32_t>(out, static_cast<uint32_t>(list.bytes().size()));
    out->append(list.bytes());
  });
}

absl::Status SearchIndex::Decode(std::string_view* in, uint32_t docs) {
  if (terms_.size() != 0 || next_ != 0) return absl::FailedPreconditionError("not empty");
  uint32_t terms = 0;
  if (!GetFixed(in, &terms) || terms > in->size() / 11) return Corrupt("term count");
  for (uint32_t i = 0; i < terms; ++i) {
    uint16_t term_size = 0;
    uint32_t count = 0, size = 0;
    std::string_view term, bytes;
    if (!GetFixed(in, &term_size) || term_size == 0 || term_size > kMaxTermBytes ||
        !GetBytes(in, term_size, &term) || !GetFixed(in, &count) || !GetFixed(in, &size) ||
        !GetBytes(in, size, &bytes)) {
      return Corrupt("term");
    }
    if (terms_.Find(term)) return Corrupt("a term twice");
    auto list = PostingList::FromBytes(bytes, count, docs);
    if (!list) return Corrupt("posting list");
    terms_.list(terms_.Id(term)) = std::move(*list);
  }
  next_ = docs;
  return absl::OkStatus();
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
