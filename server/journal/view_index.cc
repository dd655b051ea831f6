#include "server/journal/view_index.h"

#include <utility>

#include "server/util/byte_codec.h"
#include "server/util/index_heap.h"
#include "server/util/status_macros.h"

namespace haven {

static_assert(EntryIndex::kDropped == PostingList::kDropped,
              "the entry index's renumbering is handed to the posting lists as is");

void ViewIndex::Batch::Add(std::string_view id, int64_t at_us, std::string_view type, bool deleted,
                           const SearchDoc& words) {
  // The k-th row of the entries is the k-th document of the words.
  if (entries_.Add(id, at_us, type, deleted)) words_.Add(words);
}

ViewIndex::~ViewIndex() { Clear(); }

void ViewIndex::AddAll(std::vector<Batch> batches) {
  IndexHeapScope heap;
  std::vector<EntryIndex::Batch> entries;
  std::vector<SearchIndex::Shard> words;
  entries.reserve(batches.size());
  words.reserve(batches.size());
  for (Batch& batch : batches) {
    entries.push_back(std::move(batch.entries_));
    words.push_back(std::move(batch.words_));
  }
  batches.clear();
  const uint32_t first = entries_.AddAll(std::move(entries));
  words_.AddAll(std::move(words), first);
  CompactIfStale();
}

void ViewIndex::Upsert(std::string_view id, int64_t at_us, std::string_view type, bool deleted,
                       const SearchDoc& words) {
  IndexHeapScope heap;
  auto row = entries_.Upsert(id, at_us, type, deleted);
  if (!row) return;
  words_.Add(*row, words);
  CompactIfStale();
}

void ViewIndex::Remove(std::string_view id) {
  IndexHeapScope heap;
  entries_.Remove(id);
  CompactIfStale();
}

namespace {

// The first bytes of a snapshot's plaintext: its format.
constexpr std::string_view kSnapshotMagic = "haven-index-v1";

}  // namespace

std::string ViewIndex::Snapshot() {
  IndexHeapScope heap;  // the caller frees what it returns inside a scope too
  if (entries_.rows() != entries_.size()) words_.Renumber(entries_.Compact());
  std::string out(kSnapshotMagic);
  entries_.Encode(&out);
  words_.Encode(&out);
  return out;
}

absl::Status ViewIndex::Restore(std::string_view plain) {
  IndexHeapScope heap;
  if (!plain.starts_with(kSnapshotMagic)) {
    return absl::DataLossError("index snapshot: not this format");
  }
  plain.remove_prefix(kSnapshotMagic.size());
  RETURN_IF_ERROR(entries_.Decode(&plain));
  RETURN_IF_ERROR(words_.Decode(&plain, static_cast<uint32_t>(entries_.rows())));
  if (!plain.empty()) return absl::DataLossError("index snapshot: bytes after the end");
  return absl::OkStatus();
}

void ViewIndex::Clear() {
  IndexHeapScope heap;
  entries_.Clear();
  words_ = SearchIndex();
}

void ViewIndex::CompactIfStale() {
  if (entries_.NeedsCompaction()) words_.Renumber(entries_.Compact());
}

std::vector<IndexMatch> ViewIndex::Search(const std::vector<std::string>& required,
                                          const std::vector<std::string>& excluded,
                                          const SearchFilter& filter, size_t sorted) const {
  IndexQuery query;
  query.type = filter.type;
  query.since_us = filter.since_us;
  query.until_us = filter.until_us;
  query.include_deleted = filter.include_deleted;
  return entries_.Pick(words_.Find(required, excluded, filter.tags), query, sorted);
}

}  // namespace haven
