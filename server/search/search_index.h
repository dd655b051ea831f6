// The search index of the unlocked journal (docs/design.md, "Search"):
// for each folded word, the entries holding it. Like the entry index it
// exists only in the unlocked daemon's memory, built from the sealed view
// at unlock, kept in step with every write and pull, and dropped at lock;
// nothing of it is ever written anywhere.
//
// Entries are numbered as they are added ("documents"); a changed entry
// gets a new number and its old one goes stale, so a posting list only
// ever grows at its end. Once stale numbers outnumber live ones, the index
// renumbers itself without them.
//
// Not thread-safe: the view guards it with its index lock.
#ifndef HAVEN_SERVER_SEARCH_SEARCH_INDEX_H_
#define HAVEN_SERVER_SEARCH_SEARCH_INDEX_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/search/posting_list.h"
#include "server/search/term_table.h"

namespace haven {

// What the index takes of one entry. `texts` are its string field values
// (decoded), `tags` its tags; both are only read during the call.
struct SearchDoc {
  std::string_view id;  // 24 hex chars; others are ignored
  int64_t at_us = 0;
  std::string_view type;
  bool deleted = false;
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

// An entry id as 12 bytes (the 24 hex chars decoded).
using SearchKey = std::array<uint8_t, 12>;

struct SearchMatch {
  SearchKey key;
  int64_t at_us = 0;
  std::string id() const;  // hex
};

class SearchIndex {
 public:
  using Key = SearchKey;

  // Documents gathered on one thread of a whole-history pass, joined to
  // the index by AddAll.
  class Shard {
   public:
    void Add(const SearchDoc& doc);

   private:
    friend class SearchIndex;
    struct Doc {
      Key key;
      int64_t at_us;
      uint16_t type;  // into types_
      bool deleted;
    };
    std::vector<Doc> docs_;
    std::vector<std::string> types_;
    TermTable terms_;
    std::vector<uint32_t> scratch_;
  };

  // Joins `shards` into an empty index (building it at unlock).
  void AddAll(std::vector<Shard> shards);
  // Indexes `doc` afresh, replacing what the index held for its id.
  void Upsert(const SearchDoc& doc);
  // Forgets an entry; nothing when it is not indexed.
  void Remove(std::string_view id);

  // The entries holding every word of `required` and none of `excluded`
  // (folded words) that `filter` selects, newest first for at least the
  // first `sorted` of them (the rest in no particular order).
  std::vector<SearchMatch> Find(const std::vector<std::string>& required,
                                const std::vector<std::string>& excluded,
                                const SearchFilter& filter, size_t sorted) const;

  size_t entries() const { return by_key_.size(); }
  size_t terms() const { return terms_.size(); }
  // Heap bytes held by the document table, the id map and the postings
  // (not counting the term strings' own allocations).
  size_t ApproximateBytes() const;

 private:
  struct Doc {
    Key key;
    int64_t at_us;
    uint16_t type;
    uint8_t state;  // kLive, kDeleted, kStale
  };
  static constexpr uint8_t kLive = 0, kDeleted = 1, kStale = 2;

  uint16_t Intern(std::string_view type);
  void MarkStale(const Key& key);
  // Renumbers the documents without the stale ones, when they outnumber
  // the rest.
  void CompactIfStale();
  std::vector<uint32_t> Candidates(const std::vector<std::string>& required,
                                   const std::vector<std::string>& excluded) const;
  bool Selected(const Doc& doc, const SearchFilter& filter, std::optional<uint16_t> type) const;

  std::vector<Doc> docs_;
  absl::flat_hash_map<Key, uint32_t> by_key_;  // entry -> its live document
  TermTable terms_;
  std::vector<uint32_t> scratch_;
  std::vector<std::string> types_;
  size_t stale_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_SEARCH_INDEX_H_
