#include "server/search/snippet.h"

#include <algorithm>
#include <deque>

#include "server/search/word_folding.h"

namespace haven {
namespace {

bool Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Moves `pos` back to the start of the UTF-8 character it is in.
size_t CharStart(std::string_view text, size_t pos) {
  while (pos > 0 && pos < text.size() && Continuation(text[pos])) --pos;
  return pos;
}

// Moves a cut at `pos` to just after a space within `slack` bytes before
// it, when there is one.
size_t SpaceBefore(std::string_view text, size_t pos, size_t slack) {
  for (size_t i = pos; i > 0 && pos - i < slack; --i) {
    if (text[i - 1] == ' ' || text[i - 1] == '\n') return i;
  }
  return pos;
}

void AppendOneLine(std::string_view part, std::string* out) {
  for (char c : part) {
    // Control characters (an escape sequence in an entry) never reach a terminal.
    const bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ';
    if (space && (out->empty() || out->back() == ' ')) continue;
    out->push_back(space ? ' ' : c);
  }
}

}  // namespace

std::optional<std::pair<size_t, size_t>> FindPhrase(std::string_view text,
                                                    const std::vector<std::string>& words) {
  if (words.empty()) return std::nullopt;
  // The last words.size() words seen, with their ranges.
  std::deque<std::pair<std::string, std::pair<size_t, size_t>>> window;
  std::optional<std::pair<size_t, size_t>> found;
  ForEachWord(text, [&](std::string_view folded, size_t begin, size_t end) {
    window.emplace_back(std::string(folded), std::make_pair(begin, end));
    if (window.size() > words.size()) window.pop_front();
    if (window.size() < words.size()) return true;
    for (size_t i = 0; i < words.size(); ++i) {
      if (window[i].first != words[i]) return true;
    }
    found = std::make_pair(window.front().second.first, window.back().second.second);
    return false;
  });
  return found;
}

std::string Excerpt(std::string_view text, size_t begin, size_t end, size_t width) {
  const size_t lead = width / 3;
  size_t from = begin > lead ? begin - lead : 0;
  // Near the end, start earlier so the excerpt still fills its width.
  from = std::min(from, text.size() > width ? text.size() - width : 0);
  from = CharStart(text, from);
  if (from > 0) from = CharStart(text, SpaceBefore(text, from + lead / 2, lead / 2));
  if (from > begin) from = CharStart(text, begin);
  size_t to = std::max(end, from + width);
  if (to < text.size()) {
    to = CharStart(text, to);
    const size_t spaced = SpaceBefore(text, to, width / 4);
    if (spaced > end) to = spaced;
  } else {
    to = text.size();
  }
  std::string out = from > 0 ? "…" : "";
  AppendOneLine(text.substr(from, to - from), &out);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (to < text.size()) out += "…";
  return out;
}

}  // namespace haven
