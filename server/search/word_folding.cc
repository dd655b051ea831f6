#include "server/search/word_folding.h"

#include <utf8proc.h>

#include <cstdlib>

namespace haven {
namespace search_internal {
namespace {

bool AsciiWordChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Letters, digits and the marks that combine with them.
bool WordCategory(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// The length of the word character at text[pos] (0: none, or bad UTF-8).
size_t WordCharAt(std::string_view text, size_t pos, bool* ascii) {
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return AsciiWordChar(c) ? 1 : 0;
  utf8proc_int32_t cp = 0;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
  const utf8proc_ssize_t n =
      utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  if (n <= 0 || !WordCategory(cp)) return 0;
  *ascii = false;
  return static_cast<size_t>(n);
}

}  // namespace

size_t WordAt(std::string_view text, size_t pos, size_t* skip, bool* ascii) {
  size_t end = pos;
  while (end < text.size()) {
    const size_t n = WordCharAt(text, end, ascii);
    if (n == 0) break;
    end += n;
  }
  if (end == pos) {
    // Pass over one whole character, or one bad byte.
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                         static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    *skip = n > 0 ? static_cast<size_t>(n) : 1;
  }
  return end - pos;
}

void Fold(std::string_view word, bool ascii, std::string* out) {
  out->clear();
  if (ascii) {
    out->reserve(word.size());
    for (char c : word) out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                      UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                   static_cast<utf8proc_ssize_t>(word.size()), &mapped, options);
  if (n > 0) out->assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
}

}  // namespace search_internal

std::string FoldWord(std::string_view word) {
  std::string out;
  ForEachWord(word, [&](std::string_view folded, size_t, size_t) {
    out.assign(folded);
    return false;
  });
  return out;
}

}  // namespace haven
