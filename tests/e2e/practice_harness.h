// Helpers of the practice e2e tests (nudge, remind, reread, on this day):
// local dates as `--at` takes them, and waiting for a file to say enough.
#ifndef HAVEN_TESTS_E2E_PRACTICE_HARNESS_H_
#define HAVEN_TESTS_E2E_PRACTICE_HARNESS_H_

#include <time.h>

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace haven::e2e {

// Local date `days_from_today` days from today, moved by `years`, at
// hh:mm, as "YYYY-MM-DD HH:MM" (mktime normalises a day past the month's end).
inline std::string LocalAt(int days_from_today, int hour, int minute, int years = 0) {
  time_t now = time(nullptr);
  struct tm t = {};
  localtime_r(&now, &t);
  t.tm_year += years;
  t.tm_mday += days_from_today;
  t.tm_hour = hour;
  t.tm_min = minute;
  t.tm_sec = 0;
  t.tm_isdst = -1;
  mktime(&t);
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d %02d:%02d", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min);
  return text;
}

// Seconds from now to that local time (negative: in the past).
inline long long SecondsUntil(int days_from_today, int hour, int minute) {
  time_t now = time(nullptr);
  struct tm t = {};
  localtime_r(&now, &t);
  t.tm_mday += days_from_today;
  t.tm_hour = hour;
  t.tm_min = minute;
  t.tm_sec = 0;
  t.tm_isdst = -1;
  return static_cast<long long>(mktime(&t)) - static_cast<long long>(now);
}

// The lines of `text` holding `needle`.
inline std::vector<std::string> LinesWith(const std::string& text, const std::string& needle) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.find(needle) != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_PRACTICE_HARNESS_H_
