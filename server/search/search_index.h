// The search index of the unlocked journal (docs/design.md, "Search"):
// for each folded word, the documents holding it. Like the entry index it
// exists only in the unlocked daemon's memory, built from the sealed view
// at unlock, kept in step with every write and pull, and dropped at lock;
// nothing of it is ever written anywhere.
//
// Documents are numbers the caller hands out, each greater than the last:
// the view's entry index numbers every version of an entry it holds (its
// row), and the same number names that version's words here. This index
// keeps no table of its own: which numbers are current, and the entry,
// time, type and state behind each, are the caller's. A changed entry gets
// a new number and its old one goes stale, so a posting list only ever
// grows at its end; the caller renumbers both when stale numbers pile up.
//
// Not thread-safe: the view guards it with its index lock.
#ifndef HAVEN_SERVER_SEARCH_SEARCH_INDEX_H_
#define HAVEN_SERVER_SEARCH_SEARCH_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/search/posting_list.h"
#include "server/search/term_table.h"

namespace haven {

// The words of one entry: `texts` are its string field values (decoded),
// `tags` its tags; both are only read during the call that takes them.
struct SearchDoc {
  std::vector<std::string_view> texts;
  std::vector<std::string_view> tags;
};

// Which entries a search covers besides its words.
struct SearchFilter {
  std::string type;  // empty: every type
  std::optional<int64_t> since_us;
  std::optional<int64_t> until_us;
  std::vector<std::string> tags;  // exact tags, all required
  bool include_deleted = false;
};

class SearchIndex {
 public:
  // Documents gathered on one thread of a whole-history pass, numbered
  // 0, 1, .. in the order added, joined to the index by AddAll.
  class Shard {
   public:
    void Add(const SearchDoc& doc);
    uint32_t size() const { return docs_; }

   private:
    friend class SearchIndex;
    uint32_t docs_ = 0;
    TermTable terms_;
    std::vector<uint32_t> scratch_;
  };

  // Indexes the words of document `doc`, which must be greater than every
  // document indexed before (a smaller one is ignored).
  void Add(uint32_t doc, const SearchDoc& words);
  // Joins `shards`: the k-th document of the shards, taken in order,
  // becomes document `first` + k. `first` must be greater than every
  // document indexed before (nothing is joined otherwise).
  void AddAll(std::vector<Shard> shards, uint32_t first);
  // Renumbers every document (PostingList::Renumber): `renumber[d]` is the
  // new number of `d`, or PostingList::kDropped. The mapping must keep the
  // order of the numbers it keeps.
  void Renumber(const std::vector<uint32_t>& renumber);

  // The documents holding every word of `required` and every exact tag of
  // `tags`, and no word of `excluded` (folded words), ascending. Stale
  // numbers are among them: the caller knows which are current.
  std::vector<uint32_t> Find(const std::vector<std::string>& required,
                             const std::vector<std::string>& excluded,
                             const std::vector<std::string>& tags) const;

  // The index as a snapshot's plaintext holds it (docs/design.md, "Index
  // snapshot"): every term with a non-empty list, and the lists' bytes.
  void Encode(std::string* out) const;
  // Reads what Encode wrote into an empty index whose documents are below
  // `docs`, consuming it from `in`. DataLoss on any fault (counts, sizes,
  // a repeated term, a list that is not ascending or reaches `docs`);
  // the index is then unusable and must be dropped.
  absl::Status Decode(std::string_view* in, uint32_t docs);

  size_t terms() const { return terms_.size(); }
  // Heap bytes held by the term table and the postings.
  size_t ApproximateBytes() const { return terms_.ApproximateBytes(); }

 private:
  TermTable terms_;
  std::vector<uint32_t> scratch_;
  uint64_t next_ = 0;  // every document indexed so far is below it
};

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_SEARCH_INDEX_H_
