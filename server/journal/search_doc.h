// The words of an entry state for the search index: its string field
// values and tags, decoded (docs/design.md, "Search").
#ifndef HAVEN_SERVER_JOURNAL_SEARCH_DOC_H_
#define HAVEN_SERVER_JOURNAL_SEARCH_DOC_H_

#include <string>
#include <vector>

#include "haven/v1/record.pb.h"
#include "server/search/search_index.h"

namespace haven {

// Reused across the entries of one thread: the decoded text lives here
// until the next Read.
class SearchDocReader {
 public:
  // The document of `state` (an entry: IsEntry), valid until the next call.
  const SearchDoc& Read(const v1::EntryState& state);

 private:
  std::vector<std::string> texts_;
  std::vector<std::string> tags_;
  std::string scratch_;
  SearchDoc doc_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_SEARCH_DOC_H_
