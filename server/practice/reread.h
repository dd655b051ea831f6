// `haven reread`: one past entry chosen at random, to be read again (a
// letter to oneself is written for that).
#ifndef HAVEN_SERVER_PRACTICE_REREAD_H_
#define HAVEN_SERVER_PRACTICE_REREAD_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/journal/journal.h"
#include "server/model/entry.h"

namespace haven {

// A live entry of `type` (empty: any type) timed before `before_us`, each
// equally likely (libsodium's randombytes_uniform over the index's
// matches, newest first). NotFound when there is none.
absl::StatusOr<Entry> PickToReread(const Journal& journal, std::string_view type,
                                   int64_t before_us);

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_REREAD_H_
