// The unlocked view's in-memory indexes, kept as one (docs/design.md,
// "Search"): the entry index (time, type and state per entry) and the
// search index (the entries holding each word). Every version of an entry
// has one row in the entry index, and that row's number names its words
// in the search index, so the id, time, type and state of an entry are
// held once, and its type name interned once.
//
// Its memory comes from the index heap (server/util/index_heap.h): every
// member that changes it opens an IndexHeapScope, and so must a caller that
// frees what Snapshot returns.
//
// Not thread-safe: the view guards it with its index lock.
#ifndef HAVEN_SERVER_JOURNAL_VIEW_INDEX_H_
#define HAVEN_SERVER_JOURNAL_VIEW_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/journal/entry_index.h"
#include "server/search/search_index.h"

namespace haven {

class ViewIndex {
 public:
  // Entries gathered on one thread of a whole-history pass, added to the
  // index at once by AddAll.
  class Batch {
   public:
    // As Upsert takes them; ids that are not 24 hex chars are ignored.
    void Add(std::string_view id, int64_t at_us, std::string_view type, bool deleted,
             const SearchDoc& words);

   private:
    friend class ViewIndex;
    EntryIndex::Batch entries_;
    SearchIndex::Shard words_;
  };

  ViewIndex() = default;
  ~ViewIndex();  // frees everything inside an index heap scope
  ViewIndex(const ViewIndex&) = delete;
  ViewIndex& operator=(const ViewIndex&) = delete;

  // Adds every entry of `batches`, as Upsert would one by one.
  void AddAll(std::vector<Batch> batches);
  // Inserts or replaces an entry: its time, type, state and words. Ids
  // are 24 hex chars; others are ignored.
  void Upsert(std::string_view id, int64_t at_us, std::string_view type, bool deleted,
              const SearchDoc& words);
  // Forgets an entry; nothing when it is not indexed.
  void Remove(std::string_view id);

  const EntryIndex& entries() const { return entries_; }
  // The current entries holding every word of `required` and none of
  // `excluded` (folded words) that `filter` selects, newest first for at
  // least the first `sorted` of them (the rest in no particular order).
  std::vector<IndexMatch> Search(const std::vector<std::string>& required,
                                 const std::vector<std::string>& excluded,
                                 const SearchFilter& filter, size_t sorted) const;
  // The plaintext of an index snapshot (docs/design.md, "Index snapshot"):
  // both indexes, renumbered without stale rows first.
  std::string Snapshot();
  // Reads a snapshot's plaintext into an empty index. DataLoss on any
  // fault: the index must then be dropped and built from the view.
  absl::Status Restore(std::string_view plain);

  // Empties both indexes (a Restore that failed half-way) and frees their
  // memory.
  void Clear();

  // Heap bytes held by the search index alone (SearchIndex::ApproximateBytes).
  size_t search_bytes() const { return words_.ApproximateBytes(); }

 private:
  // Renumbers both indexes without stale rows once they outnumber the rest.
  void CompactIfStale();

  EntryIndex entries_;
  SearchIndex words_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_VIEW_INDEX_H_
