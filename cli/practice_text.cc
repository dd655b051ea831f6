#include "cli/practice_text.h"

#include <time.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "cli/devices.h"
#include "common/time.h"

namespace haven::cli {
namespace {

constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<const char*, 7> kFullDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                  "friday", "saturday", "sunday"};
constexpr size_t kMaxShown = 24;  // of a bad value, in an error
constexpr int64_t kDayUs = 24LL * 3600 * 1000000;
constexpr int64_t kMaxEveryDays = 366;  // as the daemon's NormalizeReminder

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Shown(const std::string& text) { return text.substr(0, kMaxShown); }

bool AllDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string Count(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string AgoText(int64_t days) {
  if (days <= 0) return "today";
  if (days == 1) return "yesterday";
  if (days < 14) return Count(days, "day", "days") + " ago";
  if (days < 61) return Count(days / 7, "week", "weeks") + " ago";
  if (days < 730) return Count(days / 30, "month", "months") + " ago";
  return Count(days / 365, "year", "years") + " ago";
}

}  // namespace

absl::StatusOr<uint32_t> ParseTimeOfDay(const std::string& text) {
  const size_t colon = text.find(':');
  const auto bad = [&] {
    return absl::InvalidArgumentError("time \"" + Shown(text) +
                                      "\": expected HH:MM from 00:00 to 23:59");
  };
  if (colon == std::string::npos || colon == 0 || colon > 2) return bad();
  const std::string hours = text.substr(0, colon), minutes = text.substr(colon + 1);
  if (!AllDigits(hours) || !AllDigits(minutes) || minutes.size() != 2) return bad();
  const int h = std::stoi(hours), m = std::stoi(minutes);
  if (h > 23 || m > 59) return bad();
  return static_cast<uint32_t>(h * 60 + m);
}

absl::StatusOr<std::vector<std::string>> ParseDayList(const std::string& text) {
  std::vector<std::string> days;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string name = Lower(text.substr(start, comma - start));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    size_t i = 0;
    while (i < kDays.size() && name != kDays[i] && name != kFullDays[i]) ++i;
    if (i == kDays.size()) {
      return absl::InvalidArgumentError("--days \"" + Shown(name) +
                                        "\": expected day names like mon,wed,fri "
                                        "(mon tue wed thu fri sat sun)");
    }
    days.emplace_back(kDays[i]);
    start = comma + 1;
  }
  return days;
}

std::string DaysText(const v1::Reminder& reminder) {
  if (reminder.days().empty()) return "every day";
  std::string out;
  for (const auto& day : reminder.days()) out += (out.empty() ? "" : ", ") + day;
  return out;
}

absl::StatusOr<int64_t> ParseEvery(const std::string& text) {
  // Day and week units only: "24h" is a day by value, not as people count days.
  const bool days_or_weeks = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == 'd' || c == 'w';
  });
  auto every = ParseDuration(text);
  if (!days_or_weeks || !every.ok() || *every % kDayUs != 0 || *every < kDayUs ||
      *every > kMaxEveryDays * kDayUs) {
    return absl::InvalidArgumentError("--every \"" + Shown(text) +
                                      "\": expected whole days from 1d to 366d, like 14d, 2w "
                                      "or 4w");
  }
  return *every;
}

std::string EveryText(const v1::Reminder& reminder) {
  const int64_t days = reminder.every_us() / kDayUs;
  if (days <= 0) return "";
  return days % 7 == 0 ? std::to_string(days / 7) + "w" : std::to_string(days) + "d";
}

std::string NudgeLine(const v1::NudgeReply& reply) {
  if (reply.entries() == 0 || reply.top_type().empty()) {
    return "haven: when you have a moment, `haven log` begins a practice "
           "(`haven types` shows them).";
  }
  // Titles come from manifests, which may come from another device: no
  // control character of theirs reaches the terminal of every new shell.
  const std::string type = PrintableName(reply.top_type());
  const std::string title = reply.top_title().empty() ? type : PrintableName(reply.top_title());
  const std::string practice = title + " (haven log " + type + ")";
  const uint32_t streak = reply.streak_days();
  if (streak == 0) {
    return "haven: nothing practised yet today. When you have a moment, " + practice +
           " is the one you come back to most.";
  }
  return "haven: " + Count(streak, "day", "days") + " in a row so far. When you have a moment, " +
         practice + " would make it " + std::to_string(streak + 1) + "; resting is fine too.";
}

std::string WrittenWhen(int64_t at_us, int64_t now_us) {
  const int64_t days = LocalDayNumber(now_us) - LocalDayNumber(at_us);
  const time_t seconds = static_cast<time_t>(at_us / 1000000);
  struct tm local = {};
  localtime_r(&seconds, &local);
  char date[64];
  strftime(date, sizeof(date), "%A %-d %B %Y", &local);
  return "Written " + AgoText(days) + ", on " + date;
}

}  // namespace haven::cli
