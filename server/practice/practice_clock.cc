#include "server/practice/practice_clock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "common/time.h"

namespace haven {
namespace {

// Set once at start-up, before any thread reads it.
std::string* fault_clock_file = nullptr;

// A century either way is more than any test needs.
constexpr long long kMaxOffsetSeconds = 100LL * 366 * 24 * 3600;

// A regular file only, opened without blocking or following a link: a
// FIFO or a device named by the variable cannot stall the scheduler.
long long ReadOffsetSeconds(const std::string& path) {
  struct stat named {};
  if (lstat(path.c_str(), &named) != 0 || !S_ISREG(named.st_mode)) return 0;  // never opened
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st {};
  char text[32] = {};
  ssize_t got = 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) got = read(fd, text, sizeof(text) - 1);
  close(fd);
  if (got <= 0) return 0;
  char* end = nullptr;
  long long seconds = std::strtoll(text, &end, 10);
  if (end == text) return 0;
  return std::clamp(seconds, -kMaxOffsetSeconds, kMaxOffsetSeconds);
}

}  // namespace

void ReadPracticeClockFromEnvironment() {
  const char* value = std::getenv("HAVEN_FAULT_PRACTICE_CLOCK_FILE");
  if (value == nullptr || *value == '\0') return;
  fault_clock_file = new std::string(value);  // lives as long as the process
}

int64_t PracticeNowMicros() {
  const int64_t now = NowMicros();
  if (fault_clock_file == nullptr) return now;
  return now + ReadOffsetSeconds(*fault_clock_file) * 1000000;
}

}  // namespace haven
