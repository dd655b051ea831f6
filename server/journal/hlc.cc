#include "server/journal/hlc.h"

#include <algorithm>
#include <chrono>

namespace haven {

uint64_t HybridClock::Now() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  uint64_t physical = static_cast<uint64_t>(ms) << 16;
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::max(last_ + 1, physical);
  return last_;
}

void HybridClock::Observe(uint64_t stamp) {
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::max(last_, stamp);
}

}  // namespace haven
