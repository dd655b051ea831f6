// Small builders shared by the view index's tests.
#ifndef HAVEN_TESTS_JOURNAL_VIEW_INDEX_TEST_SUPPORT_H_
#define HAVEN_TESTS_JOURNAL_VIEW_INDEX_TEST_SUPPORT_H_

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "server/journal/view_index.h"

namespace haven::testing_support {

// A 24-hex-digit entry id made from `n`.
inline std::string Id(int n) {
  char buf[25];
  std::snprintf(buf, sizeof buf, "%024x", n);
  return buf;
}

// An entry's searchable text: its strings and tags.
inline SearchDoc Words(std::vector<std::string_view> texts,
                       std::vector<std::string_view> tags = {}) {
  return SearchDoc{std::move(texts), std::move(tags)};
}

}  // namespace haven::testing_support

#endif  // HAVEN_TESTS_JOURNAL_VIEW_INDEX_TEST_SUPPORT_H_
