// The process's local time zone (TZ) set for a scope, for tests whose
// answers depend on it; the TZ before (or its absence) comes back after.
#ifndef HAVEN_TESTS_COMMON_SCOPED_TIME_ZONE_H_
#define HAVEN_TESTS_COMMON_SCOPED_TIME_ZONE_H_

#include <stdlib.h>
#include <time.h>

#include <optional>
#include <string>

namespace haven::testing {

class ScopedTimeZone {
 public:
  // Uses `zone` (an IANA name such as "Europe/Berlin") until destroyed.
  explicit ScopedTimeZone(const char* zone) {
    if (const char* tz = getenv("TZ")) old_tz_ = tz;
    Use(zone);
  }
  ~ScopedTimeZone() {
    if (old_tz_) {
      setenv("TZ", old_tz_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

  // Switches to `zone` now; the destructor still restores the TZ from
  // before the scope.
  static void Use(const char* zone) {
    setenv("TZ", zone, 1);
    tzset();
  }

 private:
  std::optional<std::string> old_tz_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_COMMON_SCOPED_TIME_ZONE_H_
