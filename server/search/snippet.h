// Where a search's words are in an entry's text: whether a phrase is
// there, and the short excerpt around it that `haven search` shows.
#ifndef HAVEN_SERVER_SEARCH_SNIPPET_H_
#define HAVEN_SERVER_SEARCH_SNIPPET_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven {

// Where `text` first holds `words` (folded, as ForEachWord yields them)
// one after another: the byte range from the first word's start to the
// last word's end; nullopt when it does not.
std::optional<std::pair<size_t, size_t>> FindPhrase(std::string_view text,
                                                    const std::vector<std::string>& words);

// About `width` characters of `text` around [begin, end), on one line,
// cut at spaces where it can be and marked with "…" where it was cut.
std::string Excerpt(std::string_view text, size_t begin, size_t end, size_t width = 72);

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_SNIPPET_H_
