// What `haven nudge`, `remind` and `reread` read from people and say to
// them (docs/commands.md): parsing a time of day, a list of days and an
// interval, the nudge's one line, and when an entry was written.
#ifndef HAVEN_CLI_PRACTICE_TEXT_H_
#define HAVEN_CLI_PRACTICE_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "haven/v1/daemon.pb.h"

namespace haven::cli {

// "HH:MM" (or "H:MM"), 00:00 to 23:59, to a minute of the day.
// InvalidArgument naming the value otherwise.
absl::StatusOr<uint32_t> ParseTimeOfDay(const std::string& text);
// "mon,tue,sat" (any case; full names too) to day names mon..sun, in the
// order given. InvalidArgument naming --days and the first bad name.
absl::StatusOr<std::vector<std::string>> ParseDayList(const std::string& text);
// "every day", or "mon, tue".
std::string DaysText(const v1::Reminder& reminder);
// `--every DUR`: a duration (common/time.h) in days and weeks only, 1d to
// 366d ("14d", "2w", "4w", "1w3d"), to microseconds. InvalidArgument
// naming --every.
absl::StatusOr<int64_t> ParseEvery(const std::string& text);
// The reminder's interval as `list` shows it: "2w" (whole weeks), "10d",
// or empty when it has none.
std::string EveryText(const v1::Reminder& reminder);

// The nudge's line for a day with nothing practised yet; warm, one line,
// naming the streak it would continue and the practice done most often.
std::string NudgeLine(const v1::NudgeReply& reply);

// "Written 3 months ago, on Tuesday 2 June 2026": when `at_us` was, in
// local days before `now_us`.
std::string WrittenWhen(int64_t at_us, int64_t now_us);

}  // namespace haven::cli

#endif  // HAVEN_CLI_PRACTICE_TEXT_H_
