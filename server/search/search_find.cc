// SearchIndex::Find: intersecting the posting lists.
#include <algorithm>

#include "server/search/search_index.h"

namespace haven {
namespace {

// Keeps the numbers of `docs` (ascending) that `list` holds, or, when
// `keep_held` is false, those it does not.
void Intersect(const PostingList& list, bool keep_held, std::vector<uint32_t>* docs) {
  PostingList::Cursor cursor(list);
  size_t kept = 0;
  for (uint32_t doc : *docs) {
    cursor.SeekAtLeast(doc);
    const bool held = cursor.valid() && cursor.doc() == doc;
    if (held == keep_held) (*docs)[kept++] = doc;
  }
  docs->resize(kept);
}

}  // namespace

std::vector<uint32_t> SearchIndex::Find(const std::vector<std::string>& required,
                                        const std::vector<std::string>& excluded,
                                        const std::vector<std::string>& tags) const {
  std::vector<const PostingList*> lists;
  auto want = [&](const std::string& term) {
    auto id = terms_.Find(term);
    if (id) lists.push_back(&terms_.list(*id));
    return id.has_value();
  };
  for (const auto& word : required) {
    if (!want(word)) return {};
  }
  for (const auto& tag : tags) {
    if (!want(TagTerm(tag))) return {};
  }
  if (lists.empty()) return {};
  std::sort(lists.begin(), lists.end(),
            [](const PostingList* a, const PostingList* b) { return a->size() < b->size(); });
  std::vector<uint32_t> docs = lists.front()->Decode();
  for (size_t i = 1; i < lists.size() && !docs.empty(); ++i) Intersect(*lists[i], true, &docs);
  for (const auto& word : excluded) {
    auto id = terms_.Find(word);
    if (id && !docs.empty()) Intersect(terms_.list(*id), false, &docs);
  }
  return docs;
}

}  // namespace haven
