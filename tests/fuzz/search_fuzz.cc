// search_fuzz: the input, split at NUL bytes, is the arguments of `haven
// search` (ParseSearchQuery); whole, it is a stored JSON value
// (ForEachJsonString) whose text is folded into words (ForEachWord),
// indexed, searched for the query, and excerpted around each phrase found.
// Nothing may crash, hang or read out of bounds, and every excerpt is
// whole UTF-8 where the text was.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/search/json_text.h"
#include "server/search/search_index.h"
#include "server/search/search_query.h"
#include "server/search/snippet.h"
#include "server/search/word_folding.h"

namespace {

std::vector<std::string> SplitAtNul(const std::string& input) {
  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '\0') {
      args.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  return args;
}

void Exercise(const std::string& text, const haven::SearchQuery& query) {
  haven::SearchIndex index;
  index.Add(7, haven::SearchDoc{{text}, {text}});
  auto matches = index.Find(query.RequiredWords(), query.ExcludedWords(), {});
  if (matches.size() > 1 || (matches.size() == 1 && matches[0] != 7)) std::abort();
  for (const auto& phrase : query.wanted) {
    if (auto at = haven::FindPhrase(text, phrase)) {
      if (at->first > at->second || at->second > text.size()) std::abort();
      std::string excerpt = haven::Excerpt(text, at->first, at->second);
      if (excerpt.size() > text.size() + 8) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto query = haven::ParseSearchQuery(SplitAtNul(input));
  std::string scratch;
  haven::ForEachJsonString(input, &scratch, [&](std::string_view text) {
    haven::ForEachWord(text, [&](std::string_view folded, size_t begin, size_t end) {
      if (folded.empty() || begin >= end || end > text.size()) std::abort();
      return true;
    });
    if (query.ok()) Exercise(std::string(text), *query);
  });
  if (query.ok()) Exercise(input, *query);
  return 0;
}
