// Words as search compares them: split at anything that is not a letter,
// a digit or a combining mark, folded so that case and accents do not
// matter ("Été" and "ete" are one word; "Straße" and "strasse" too).
//
// ASCII words are lowercased in place; words with other characters go
// through Unicode case folding, compatibility decomposition and the
// removal of combining marks (utf8proc). Invalid UTF-8 never fails: each
// bad byte ends the word it is in.
#ifndef HAVEN_SERVER_SEARCH_WORD_FOLDING_H_
#define HAVEN_SERVER_SEARCH_WORD_FOLDING_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace haven {

// Words longer than this many bytes (before folding) are cut to it: no one
// searches for them, and the index keeps its terms short.
inline constexpr size_t kMaxWordBytes = 64;

// Calls `visit(folded, begin, end)` for each word of `text`, in order:
// `folded` is the folded word (valid until the next call), [begin, end)
// the word's bytes in `text`. Returns false as soon as `visit` does.
template <typename Visit>
bool ForEachWord(std::string_view text, Visit&& visit);

// The one folded word of `word`'s characters, as ForEachWord folds them
// (empty when it holds no letter or digit).
std::string FoldWord(std::string_view word);

// ---------------------------------------------------------------- details
namespace search_internal {

// The length of the word starting at text[pos] (0: text[pos] starts no
// word; `*skip` then receives how many bytes to pass over). `*ascii` says
// whether the word is plain ASCII.
size_t WordAt(std::string_view text, size_t pos, size_t* skip, bool* ascii);
// Folds `word` into `*out` (replacing its content).
void Fold(std::string_view word, bool ascii, std::string* out);

}  // namespace search_internal

template <typename Visit>
bool ForEachWord(std::string_view text, Visit&& visit) {
  std::string folded;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t skip = 1;
    bool ascii = true;
    const size_t len = search_internal::WordAt(text, pos, &skip, &ascii);
    if (len == 0) {
      pos += skip;
      continue;
    }
    size_t cut = std::min(len, kMaxWordBytes);  // at a character's start
    while (cut < len && (static_cast<unsigned char>(text[pos + cut]) & 0xC0) == 0x80) --cut;
    search_internal::Fold(text.substr(pos, cut), ascii, &folded);
    if (!folded.empty() && !visit(std::string_view(folded), pos, pos + len)) return false;
    pos += len;
  }
  return true;
}

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_WORD_FOLDING_H_
