// `haven stats` over a journal: the figures of stats.h computed from the
// entries a journal holds, with the numeric fields and plugin summaries of
// the types in a registry.
#ifndef HAVEN_SERVER_INSIGHTS_JOURNAL_STATS_H_
#define HAVEN_SERVER_INSIGHTS_JOURNAL_STATS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/journal/journal.h"
#include "server/plugins/type_registry.h"

namespace haven {

struct StatsQuery {
  std::string type;                 // only entries of this type; all when empty
  std::optional<int64_t> since_us;  // since_us <= at
  std::optional<int64_t> until_us;  // at < until_us
  int64_t now_us = 0;               // fixes "today" (streaks, the last 30 days)
};

// The object `haven stats --format json` prints (StatsBuilder::Finish).
// Export's html report shows it too, so both give the same figures. The
// journal is read on PassThreads() threads (server/util/parallel.h), each
// folding its share into a builder of its own, so a million entries are
// never all held in memory. Errors are the journal's.
absl::StatusOr<nlohmann::json> JournalStats(const Journal& journal, const TypeRegistry& types,
                                            const StatsQuery& query);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_JOURNAL_STATS_H_
