// Local-time rules come from libc (localtime_r / mktime and the TZ database);
// UTC calendar arithmetic is done here so it needs no time zone at all.
#include "common/time.h"

#include <time.h>

#include <charconv>
#include <chrono>
#include <climits>
#include <cstdio>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace haven {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's days_from_civil: proleptic Gregorian date -> days since epoch.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

struct tm LocalTm(int64_t us) {
  const time_t secs = static_cast<time_t>(FloorDiv(us, kMicrosPerSecond));
  struct tm tm {};
  localtime_r(&secs, &tm);
  return tm;
}

// Local wall-clock time -> instant. tm_isdst = -1 lets mktime pick the
// offset in force; a time skipped by a DST jump moves forward past the gap.
int64_t LocalToMicros(int64_t year, int month, int day, int hour, int minute, int second) {
  struct tm tm {};
  tm.tm_year = static_cast<int>(year - 1900);
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  return static_cast<int64_t>(mktime(&tm)) * kMicrosPerSecond;
}

int64_t LocalMidnightOfNow(int64_t now_us, int days_back) {
  struct tm tm = LocalTm(now_us);
  return LocalToMicros(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday - days_back, 0, 0, 0);
}

// A tiny cursor over the input for the fixed-width date/time grammar.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ == s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `width` decimal digits.
  std::optional<int> Digits(int width) {
    if (s_.size() - pos_ < static_cast<size_t>(width)) return std::nullopt;
    int v = 0;
    for (int i = 0; i < width; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    pos_ += width;
    return v;
  }
  // Fractional seconds after '.', as microseconds (digits past 6 truncated).
  std::optional<int64_t> Fraction() {
    int64_t us = 0;
    int n = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (n < 6) us = us * 10 + (s_[pos_] - '0');
      ++n;
      ++pos_;
    }
    if (n == 0) return std::nullopt;
    for (int i = n; i < 6; ++i) us *= 10;
    return us;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

struct ParsedDateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t frac_us = 0;
  bool has_time = false;
  std::optional<int> offset_seconds;  // set when the text names a zone
};

std::optional<ParsedDateTime> ParseDateTime(std::string_view text) {
  Scanner sc(text);
  ParsedDateTime p;
  auto y = sc.Digits(4);
  if (!y || !sc.Consume('-')) return std::nullopt;
  auto mo = sc.Digits(2);
  if (!mo || !sc.Consume('-')) return std::nullopt;
  auto d = sc.Digits(2);
  if (!d) return std::nullopt;
  p.year = *y, p.month = *mo, p.day = *d;
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > DaysInMonth(p.year, p.month)) {
    return std::nullopt;
  }
  if (sc.Done()) return p;
  if (!sc.Consume('T') && !sc.Consume('t') && !sc.Consume(' ')) return std::nullopt;
  auto h = sc.Digits(2);
  if (!h || !sc.Consume(':')) return std::nullopt;
  auto mi = sc.Digits(2);
  if (!mi) return std::nullopt;
  p.has_time = true;
  p.hour = *h, p.minute = *mi;
  if (sc.Consume(':')) {
    auto s = sc.Digits(2);
    if (!s) return std::nullopt;
    p.second = *s;
    if (sc.Consume('.')) {
      auto f = sc.Fraction();
      if (!f) return std::nullopt;
      p.frac_us = *f;
    }
  }
  // A leap second (:60) is accepted and lands on the next minute.
  if (p.hour > 23 || p.minute > 59 || p.second > 60) return std::nullopt;
  if (sc.Consume('Z') || sc.Consume('z')) {
    p.offset_seconds = 0;
  } else if (sc.Peek() == '+' || sc.Peek() == '-') {
    const int sign = sc.Peek() == '-' ? -1 : 1;
    sc.Consume(sc.Peek());
    auto oh = sc.Digits(2);
    if (!oh || !sc.Consume(':')) return std::nullopt;
    auto om = sc.Digits(2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    p.offset_seconds = sign * (*oh * 3600 + *om * 60);
  }
  if (!sc.Done()) return std::nullopt;
  return p;
}

int64_t DateTimeToMicros(const ParsedDateTime& p) {
  if (!p.offset_seconds) {
    return LocalToMicros(p.year, p.month, p.day, p.hour, p.minute, p.second) + p.frac_us;
  }
  const int64_t secs = DaysFromCivil(p.year, p.month, p.day) * kSecondsPerDay + p.hour * 3600 +
                       p.minute * 60 + p.second - *p.offset_seconds;
  return secs * kMicrosPerSecond + p.frac_us;
}

// "3d" / "1w" (one number, one calendar unit) or nullopt.
std::optional<std::pair<int64_t, char>> CalendarOffset(std::string_view s) {
  if (s.size() < 2 || (s.back() != 'd' && s.back() != 'w')) return std::nullopt;
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc() || ptr != s.data() + s.size() - 1 || n > 100'000) return std::nullopt;
  return std::make_pair(n, s.back());
}

// "-3d" keeps the wall-clock time three local calendar days back (so it
// crosses a DST change without drifting an hour); h/m/s are exact.
std::optional<int64_t> ParseRelative(std::string_view text, int64_t now_us) {
  if (text.size() < 2 || (text[0] != '-' && text[0] != '+')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  const std::string_view rest = text.substr(1);
  if (auto cal = CalendarOffset(rest)) {
    const int64_t days = cal->first * (cal->second == 'w' ? 7 : 1);
    struct tm tm = LocalTm(now_us);
    tm.tm_mday += static_cast<int>(sign * days);
    tm.tm_isdst = -1;
    const int64_t frac = now_us - FloorDiv(now_us, kMicrosPerSecond) * kMicrosPerSecond;
    return static_cast<int64_t>(mktime(&tm)) * kMicrosPerSecond + frac;
  }
  auto d = ParseDuration(rest);
  if (!d.ok()) return std::nullopt;
  return now_us + sign * *d;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string FormatCivil(int64_t y, int mo, int d, int h, int mi, int s) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(y), mo,
                d, h, mi, s);
  return buf;
}

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::StatusOr<int64_t> ParseTimeInput(std::string_view raw, int64_t now_us) {
  const std::string text = Trim(raw);
  if (text == "now") return now_us;
  if (text == "today") return LocalMidnightOfNow(now_us, 0);
  if (text == "yesterday") return LocalMidnightOfNow(now_us, 1);
  if (auto rel = ParseRelative(text, now_us)) return *rel;
  if (auto dt = ParseDateTime(text)) return DateTimeToMicros(*dt);
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid time \"", std::string(raw),
      "\": use RFC 3339 (2026-11-20T08:30:00+01:00), YYYY-MM-DD or YYYY-MM-DD HH:MM in local "
      "time, now, today, yesterday, or an offset like -2h, -30m, -3d, -1w"));
}

std::string FormatRfc3339(int64_t us) {
  const struct tm tm = LocalTm(us);
  const long off = tm.tm_gmtoff;
  // RFC 3339 offsets have no seconds; historical zones (LMT) that do are
  // shown in UTC so the instant stays exact.
  if (off % 60 != 0) return FormatRfc3339Utc(FloorDiv(us, kMicrosPerSecond) * kMicrosPerSecond);
  const long a = off < 0 ? -off : off;
  char zone[8];
  std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  return FormatCivil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec) +
         zone;
}

std::string FormatRfc3339Utc(int64_t us) {
  const int64_t secs = FloorDiv(us, kMicrosPerSecond);
  const int64_t frac = us - secs * kMicrosPerSecond;
  const int64_t days = FloorDiv(secs, kSecondsPerDay);
  const int64_t sod = secs - days * kSecondsPerDay;
  const CivilDate c = CivilFromDays(days);
  std::string out = FormatCivil(c.year, c.month, c.day, static_cast<int>(sod / 3600),
                                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  if (frac != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  return out + "Z";
}

int64_t LocalDayNumber(int64_t us) {
  const struct tm tm = LocalTm(us);
  return DaysFromCivil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
}

std::string LocalDate(int64_t us) { return DateOfDay(LocalDayNumber(us)); }

int64_t LocalDays::DayNumber(int64_t us) {
  constexpr int64_t kSlotSeconds = 3 * 3600;
  constexpr int32_t kMixed = INT32_MIN;  // the offset changes inside the slot
  const int64_t secs = FloorDiv(us, kMicrosPerSecond);
  const int64_t slot = FloorDiv(secs, kSlotSeconds);
  if (slot != last_slot_) {
    auto [it, inserted] = offset_by_slot_.try_emplace(slot, kMixed);
    if (inserted) {
      auto offset_at = [](int64_t s) { return LocalTm(s * kMicrosPerSecond).tm_gmtoff; };
      const long first = offset_at(slot * kSlotSeconds);
      if (first == offset_at(slot * kSlotSeconds + kSlotSeconds - 1)) {
        it->second = static_cast<int32_t>(first);
      }
    }
    last_slot_ = slot;
    last_offset_ = it->second;
  }
  if (last_offset_ == kMixed) return LocalDayNumber(us);
  return FloorDiv(secs + last_offset_, 86400);
}

std::string IsoWeekLabel(int64_t us) { return IsoWeekLabelOfDay(LocalDayNumber(us)); }

int64_t DayNumberOfDate(int64_t year, int month, int day) {
  return DaysFromCivil(year, month, day);
}

CivilDate CivilDateOfDay(int64_t day_number) { return CivilFromDays(day_number); }

std::optional<int64_t> DayOfDateText(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10) return std::nullopt;
  const std::string date(text.substr(0, 10));
  if (std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return std::nullopt;
  return DayNumberOfDate(y, m, d);
}

std::string DateOfDay(int64_t day_number) {
  const CivilDate c = CivilFromDays(day_number);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month,
                c.day);
  return buf;
}

// The ISO week belongs to the year of its Thursday, and is numbered by that
// Thursday's ordinal day.
std::string IsoWeekLabelOfDay(int64_t day_number) {
  const int64_t weekday = day_number + 3 - FloorDiv(day_number + 3, 7) * 7;  // Monday = 0
  const int64_t thursday = day_number - weekday + 3;
  const CivilDate c = CivilFromDays(thursday);
  const int64_t week = (thursday - DaysFromCivil(c.year, 1, 1)) / 7 + 1;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-W%02lld", static_cast<long long>(c.year),
                static_cast<long long>(week));
  return buf;
}

int64_t LocalMidnightOfDay(int64_t day_number) {
  const CivilDate c = CivilFromDays(day_number);
  return LocalToMicros(c.year, c.month, c.day, 0, 0, 0);
}

absl::StatusOr<int64_t> ParseDuration(std::string_view text) {
  const auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration \"", std::string(text),
                     "\": use a number and unit like 90s, 15m, 1h30m, 2h, 1d"));
  };
  if (text == "0") return 0;
  if (text.empty()) return bad();
  static constexpr std::string_view kUnits = "wdhms";
  static constexpr int64_t kSeconds[] = {7 * kSecondsPerDay, kSecondsPerDay, 3600, 60, 1};
  int64_t total = 0;
  size_t next_unit = 0;  // units must appear largest first, each at most once
  const char* p = text.data();
  const char* end = p + text.size();
  while (p != end) {
    int64_t n = 0;
    auto [q, ec] = std::from_chars(p, end, n);
    if (ec != std::errc() || q == end || n < 0) return bad();
    const size_t unit = kUnits.find(*q, next_unit);
    if (unit == std::string_view::npos) return bad();
    int64_t part = 0;
    if (__builtin_mul_overflow(n, kSeconds[unit] * kMicrosPerSecond, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return bad();
    }
    next_unit = unit + 1;
    p = q + 1;
  }
  return total;
}

absl::StatusOr<int64_t> RequestNowMicros(int64_t requested_us, int64_t now_us) {
  constexpr int64_t kLastMicros = 253402300799LL * 1000000;  // 9999-12-31T23:59:59Z
  if (requested_us == 0) return now_us;
  if (requested_us < 0 || requested_us > kLastMicros) {
    return absl::InvalidArgumentError("now_us: " + std::to_string(requested_us) +
                                      " is outside 1970-01-01 .. 9999-12-31");
  }
  return requested_us;
}

}  // namespace haven
