// `haven list --on-this-day`: entries from this calendar day (the local
// month and day of "now") in earlier years. Each earlier year's day is one
// time range of the journal's index, so the cost is one short walk per
// year, never the whole history.
//
// 29 February: on 28 February of a year that is not a leap year, each
// earlier year's range runs to 1 March, so that an entry of a leap day
// comes back on the nearest day there is; on 29 February only earlier leap
// days match; on 1 March, only 1 March.
#ifndef HAVEN_SERVER_PRACTICE_ON_THIS_DAY_H_
#define HAVEN_SERVER_PRACTICE_ON_THIS_DAY_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "server/journal/journal.h"
#include "server/model/entry.h"

namespace haven {

struct DayRange {
  int64_t since_us;  // local midnight starting the day
  int64_t until_us;  // local midnight ending it (exclusive)
};

// The ranges of this calendar day in each year before the year of
// `now_us`, newest first, back to `oldest_year` (at most 400 years).
std::vector<DayRange> OnThisDayRanges(int64_t now_us, int64_t oldest_year);

// The entries `filter` selects within those ranges (its since/until narrow
// them further; its limit counts across all years), newest first; `total`
// (optional) receives the number of matches before the limit.
absl::StatusOr<std::vector<Entry>> ListOnThisDay(const Journal& journal, const ListFilter& filter,
                                                 int64_t now_us, size_t* total);

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_ON_THIS_DAY_H_
