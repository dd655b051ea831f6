// What `haven search WORDS...` asks for, parsed and folded
// (docs/commands.md, "search"): words, "phrases" and -exclusions.
//
// Each argument is one of:
//   - a word: kindness (a word that folds into several, like
//     self-compassion, is a phrase of them);
//   - a phrase: an argument holding spaces (the shell's quotes already
//     removed), or "quoted words" inside an argument;
//   - an exclusion: either of those with a leading '-'.
// An argument holding a double quote is read as several items separated
// by spaces, so `haven search 'kind "gentle voice" -harsh'` works too.
#ifndef HAVEN_SERVER_SEARCH_SEARCH_QUERY_H_
#define HAVEN_SERVER_SEARCH_SEARCH_QUERY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace haven {

inline constexpr size_t kMaxSearchItems = 32;
inline constexpr size_t kMaxSearchBytes = 1024;  // all arguments together

struct SearchQuery {
  // Each a sequence of folded words that must appear in this order in one
  // field (or tag); a single word is a sequence of one.
  std::vector<std::vector<std::string>> wanted;
  std::vector<std::vector<std::string>> excluded;

  // Every word of `wanted`, once each: the index finds the entries that
  // hold all of them.
  std::vector<std::string> RequiredWords() const;
  // The excluded single words (the index drops their entries at once).
  std::vector<std::string> ExcludedWords() const;
  // Whether entries must be read to decide: a phrase is wanted or excluded.
  bool NeedsReading() const;
};

// InvalidArgument naming the item (nothing to find, an unclosed quote, an
// item without letters or digits, too many items or bytes).
absl::StatusOr<SearchQuery> ParseSearchQuery(const std::vector<std::string>& args);

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_SEARCH_QUERY_H_
