// Folded words ("terms") numbered as they are first seen, each with its
// posting list; and the terms of one document, by number. Numbering a
// word once per occurrence and sorting numbers (not strings) is what keeps
// indexing a million entries at unlock cheap.
#ifndef HAVEN_SERVER_SEARCH_TERM_TABLE_H_
#define HAVEN_SERVER_SEARCH_TERM_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/search/posting_list.h"

namespace haven {

struct SearchDoc;

class TermTable {
 public:
  // The number of `term`, added (with an empty list) when new.
  uint32_t Id(std::string_view term);
  std::optional<uint32_t> Find(std::string_view term) const;
  PostingList& list(uint32_t id) { return lists_[id]; }
  const PostingList& list(uint32_t id) const { return lists_[id]; }
  size_t size() const { return lists_.size(); }

  // Calls `visit(term, list)` for every term.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const auto& [term, id] : ids_) visit(term, lists_[id]);
  }
  // Renumbers every list (PostingList::Renumber) and frees their slack.
  void Renumber(const std::vector<uint32_t>& renumber);
  void ShrinkToFit();
  size_t ApproximateBytes() const;

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<PostingList> lists_;
};

// The numbers (in `table`, adding new terms) of the terms a document is
// indexed under: its folded words, each tag's folded words, and each tag
// whole (TagTerm, for the --tag filter). Sorted and unique; `out` is
// replaced.
void DocTermIds(const SearchDoc& doc, TermTable* table, std::vector<uint32_t>* out);
// The term that stands for the exact tag `tag`.
std::string TagTerm(std::string_view tag);

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_TERM_TABLE_H_
