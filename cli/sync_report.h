// What `haven sync` prints (docs/commands.md, `haven sync`): what this sync
// sent and received, then what background syncs had moved since the last
// `haven sync`. Counts are records, called "changes": one per new entry,
// edit, deletion, restore or shared exercise type.
#ifndef HAVEN_CLI_SYNC_REPORT_H_
#define HAVEN_CLI_SYNC_REPORT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "haven/v1/daemon.pb.h"

namespace haven::cli {

// One or two lines, each ending in "\n", e.g.
//   Up to date: nothing was left to send or receive.
//   Since your last `haven sync`, background sync sent 3 changes and
//   received 5 (the last at 14:02).
// The time is local: "14:02" on the day of `now_us`, else "2026-12-03 14:02".
std::string SyncReportText(const v1::SyncReply& reply, int64_t now_us);

// {"pushed":N,"pulled":M,"background":{"pushed":X,"pulled":Y,"last":T}},
// T an RFC 3339 local time or null when no background sync moved anything.
nlohmann::json SyncReportJson(const v1::SyncReply& reply);

}  // namespace haven::cli

#endif  // HAVEN_CLI_SYNC_REPORT_H_
