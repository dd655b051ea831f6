#include "server/practice/reread.h"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

absl::StatusOr<Entry> PickToReread(const Journal& journal, std::string_view type,
                                   int64_t before_us) {
  IndexQuery query;
  query.type = type;
  query.until_us = before_us;
  const size_t matches = std::min<size_t>(journal.CountIndexed(query), UINT32_MAX);
  if (matches == 0) return absl::NotFoundError("no entry to reread");
  EnsureSodium();
  size_t skip = randombytes_uniform(static_cast<uint32_t>(matches));
  std::string id;
  journal.VisitIndexed(query, [&](const IndexedEntry& e) {
    if (skip-- > 0) return true;
    id = e.id;
    return false;
  });
  // Deleted between the count and the walk: as if there was none.
  if (id.empty()) return absl::NotFoundError("no entry to reread");
  return journal.Get(id);
}

}  // namespace haven
