// Journal::Search: the search index names the entries holding every word;
// phrases and excluded phrases are decided by reading those entries; the
// newest ones are opened for their excerpt (docs/design.md, "Search").
#include <limits>

#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "server/journal/search_doc.h"
#include "server/search/snippet.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

struct Text {
  std::string field;
  std::string text;
};

// The entry's string values in the order of its type's fields (then any
// others, by name), then its tags.
std::vector<Text> TextsOf(const Entry& entry, const TypeRegistry& types) {
  std::vector<std::string> names;
  if (auto type = types.Find(entry.type)) {
    for (const auto& spec : type->fields) names.push_back(spec.name);
  }
  for (const auto& [name, value] : entry.fields.items()) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::vector<Text> texts;
  for (const auto& name : names) {
    auto it = entry.fields.find(name);
    if (it != entry.fields.end() && it->is_string())
      texts.push_back({name, it->get<std::string>()});
  }
  for (const auto& tag : entry.tags) texts.push_back({"tags", tag});
  return texts;
}

bool HoldsPhrase(const SearchDoc& doc, const std::vector<std::string>& words) {
  for (auto text : doc.texts) {
    if (FindPhrase(text, words)) return true;
  }
  for (auto tag : doc.tags) {
    if (FindPhrase(tag, words)) return true;
  }
  return false;
}

// Whether an entry the index named holds every wanted phrase and no
// excluded one.
bool Holds(const SearchQuery& query, const SearchDoc& doc) {
  for (const auto& phrase : query.wanted) {
    if (phrase.size() > 1 && !HoldsPhrase(doc, phrase)) return false;
  }
  for (const auto& phrase : query.excluded) {
    if (phrase.size() > 1 && HoldsPhrase(doc, phrase)) return false;
  }
  return true;
}

void AddExcerpt(const SearchQuery& query, const TypeRegistry& types, SearchHit* hit) {
  for (const auto& text : TextsOf(hit->entry, types)) {
    if (auto at = FindPhrase(text.text, query.wanted.front())) {
      hit->field = text.field;
      hit->snippet = Excerpt(text.text, at->first, at->second);
      return;
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<SearchHit>> Journal::Search(const SearchQuery& query,
                                                       const SearchFilter& filter, size_t limit,
                                                       size_t* total) const {
  const bool reading = query.NeedsReading();
  // Without phrases the newest `limit` are all that is read; a few more are
  // sorted in case some changed since the index named them.
  constexpr size_t kSpareSorted = 64;
  const std::vector<IndexMatch> matches =
      view_.Search(query.RequiredWords(), query.ExcludedWords(), filter,
                   reading ? std::numeric_limits<size_t>::max() : limit + kSpareSorted);
  std::vector<SearchHit> hits;
  SearchDocReader reader;
  size_t found = 0;
  for (const auto& match : matches) {
    if (!reading && hits.size() >= limit) break;
    ASSIGN_OR_RETURN(v1::EntryState state, view_.LoadState(match.id()));
    // Gone or changed since the index named it (a pull in between).
    if (!IsEntry(state) || !Holds(query, reader.Read(state))) continue;
    ++found;
    if (hits.size() >= limit) continue;
    SearchHit hit{StateToEntry(state), "", ""};
    AddExcerpt(query, *types_, &hit);
    hits.push_back(std::move(hit));
  }
  if (total != nullptr) *total = reading ? found : matches.size();
  return hits;
}

}  // namespace haven
