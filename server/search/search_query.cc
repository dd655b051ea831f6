#include "server/search/search_query.h"

#include <algorithm>

#include "server/search/word_folding.h"

namespace haven {
namespace {

struct Item {
  std::string text;
  bool excluded = false;
};

absl::Status AddItem(Item item, SearchQuery* query) {
  std::vector<std::string> words;
  ForEachWord(item.text, [&](std::string_view folded, size_t, size_t) {
    words.emplace_back(folded);
    return true;
  });
  if (words.empty()) {
    return absl::InvalidArgumentError("search: \"" + item.text +
                                      "\" holds no letter or digit to look for");
  }
  (item.excluded ? query->excluded : query->wanted).push_back(std::move(words));
  return absl::OkStatus();
}

// Splits an argument holding quotes into items: spaces separate them,
// "..." keeps spaces inside one, a leading '-' excludes.
absl::Status SplitQuoted(const std::string& arg, std::vector<Item>* items) {
  size_t pos = 0;
  while (pos < arg.size()) {
    if (arg[pos] == ' ' || arg[pos] == '\t') {
      ++pos;
      continue;
    }
    Item item;
    if (arg[pos] == '-') {
      item.excluded = true;
      ++pos;
    }
    if (pos < arg.size() && arg[pos] == '"') {
      const size_t close = arg.find('"', pos + 1);
      if (close == std::string::npos) {
        return absl::InvalidArgumentError("search: a phrase is missing its closing quote: " +
                                          arg.substr(pos));
      }
      item.text = arg.substr(pos + 1, close - pos - 1);
      pos = close + 1;
    } else {
      const size_t end = arg.find_first_of(" \t\"", pos);
      item.text = arg.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? arg.size() : end;
    }
    items->push_back(std::move(item));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Item>> SplitArgs(const std::vector<std::string>& args) {
  std::vector<Item> items;
  size_t bytes = 0;
  for (const auto& arg : args) {
    bytes += arg.size();
    if (bytes > kMaxSearchBytes) {
      return absl::InvalidArgumentError("search: the words are longer than " +
                                        std::to_string(kMaxSearchBytes) + " bytes in all");
    }
    if (arg.find('"') != std::string::npos) {
      if (absl::Status s = SplitQuoted(arg, &items); !s.ok()) return s;
      continue;
    }
    Item item{arg, false};
    if (!arg.empty() && arg[0] == '-') item = Item{arg.substr(1), true};
    items.push_back(std::move(item));
  }
  if (items.size() > kMaxSearchItems) {
    return absl::InvalidArgumentError("search: more than " + std::to_string(kMaxSearchItems) +
                                      " words and phrases");
  }
  return items;
}

}  // namespace

absl::StatusOr<SearchQuery> ParseSearchQuery(const std::vector<std::string>& args) {
  auto items = SplitArgs(args);
  if (!items.ok()) return items.status();
  SearchQuery query;
  for (auto& item : *items) {
    if (absl::Status s = AddItem(std::move(item), &query); !s.ok()) return s;
  }
  size_t words = 0;
  for (const auto& phrase : query.wanted) words += phrase.size();
  for (const auto& phrase : query.excluded) words += phrase.size();
  if (words > kMaxSearchItems) {
    return absl::InvalidArgumentError("search: more than " + std::to_string(kMaxSearchItems) +
                                      " words in all (phrases count each of their words)");
  }
  if (query.wanted.empty()) {
    return absl::InvalidArgumentError(
        "search: give at least one word to find (-word only leaves entries out)");
  }
  return query;
}

std::vector<std::string> SearchQuery::RequiredWords() const {
  std::vector<std::string> out;
  for (const auto& phrase : wanted) out.insert(out.end(), phrase.begin(), phrase.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> SearchQuery::ExcludedWords() const {
  std::vector<std::string> out;
  for (const auto& phrase : excluded) {
    if (phrase.size() == 1) out.push_back(phrase[0]);
  }
  return out;
}

bool SearchQuery::NeedsReading() const {
  auto long_phrase = [](const std::vector<std::string>& p) { return p.size() > 1; };
  return std::any_of(wanted.begin(), wanted.end(), long_phrase) ||
         std::any_of(excluded.begin(), excluded.end(), long_phrase);
}

}  // namespace haven
