// SearchIndex::Find: intersecting the posting lists, then the filter.
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

std::vector<uint32_t> SearchIndex::Candidates(const std::vector<std::string>& required,
                                              const std::vector<std::string>& excluded) const {
  std::vector<const PostingList*> lists;
  for (const auto& word : required) {
    auto id = terms_.Find(word);
    if (!id) return {};
    lists.push_back(&terms_.list(*id));
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

bool SearchIndex::Selected(const Doc& doc, const SearchFilter& filter,
                           std::optional<uint16_t> type) const {
  if (doc.state == kStale || (doc.state == kDeleted && !filter.include_deleted)) return false;
  if (type && doc.type != *type) return false;
  if (filter.since_us && doc.at_us < *filter.since_us) return false;
  if (filter.until_us && doc.at_us >= *filter.until_us) return false;
  return true;
}

std::vector<SearchMatch> SearchIndex::Find(const std::vector<std::string>& required,
                                           const std::vector<std::string>& excluded,
                                           const SearchFilter& filter, size_t sorted) const {
  std::optional<uint16_t> type;
  if (!filter.type.empty()) {
    auto it = std::find(types_.begin(), types_.end(), filter.type);
    if (it == types_.end()) return {};
    type = static_cast<uint16_t>(it - types_.begin());
  }
  std::vector<std::string> all = required;
  for (const auto& tag : filter.tags) all.push_back(TagTerm(tag));
  std::vector<uint32_t> docs = Candidates(all, excluded);
  std::erase_if(docs, [&](uint32_t d) { return !Selected(docs_[d], filter, type); });
  auto newer = [&](uint32_t a, uint32_t b) {
    return docs_[a].at_us != docs_[b].at_us ? docs_[a].at_us > docs_[b].at_us
                                            : docs_[a].key > docs_[b].key;
  };
  const size_t prefix = std::min(sorted, docs.size());
  std::partial_sort(docs.begin(), docs.begin() + static_cast<std::ptrdiff_t>(prefix), docs.end(),
                    newer);
  std::vector<SearchMatch> out;
  out.reserve(docs.size());
  for (uint32_t d : docs) out.push_back(SearchMatch{docs_[d].key, docs_[d].at_us});
  return out;
}

}  // namespace haven
