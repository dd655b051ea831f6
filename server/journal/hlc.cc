#include "server/journal/hlc.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "server/crypto/ids.h"
#include "server/util/log.h"

namespace haven {
namespace {

// Set once, before any clock reads it (havend's start), by the fault hook.
std::atomic<int64_t> fault_offset_ms{0};

int64_t SystemMillis() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return static_cast<int64_t>(ms) + fault_offset_ms.load(std::memory_order_relaxed);
}

std::string ShortDevice(std::string_view device) { return HexEncode(device).substr(0, 8); }

// "2027-12-04T21:30:00Z": the stamp's physical time, to the second.
std::string Rfc3339Utc(uint64_t stamp) {
  std::time_t seconds = static_cast<std::time_t>(HybridClock::ToMicros(stamp) / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

HybridClock::HybridClock() : physical_ms_(SystemMillis) {}

HybridClock::HybridClock(std::function<int64_t()> physical_ms)
    : physical_ms_(std::move(physical_ms)) {}

void HybridClock::ReadFaultOffsetFromEnvironment() {
  const char* value = std::getenv("HAVEN_FAULT_CLOCK_OFFSET_SECONDS");
  if (value == nullptr || *value == '\0') return;
  char* end = nullptr;
  long long seconds = std::strtoll(value, &end, 10);
  if (*end != '\0') return;  // not a whole number: ignored, as the hub's hooks
  // A century either way is more than any test needs and keeps the
  // millisecond stamps far from overflow.
  constexpr long long kMaxOffsetSeconds = 100LL * 366 * 24 * 3600;
  seconds = std::clamp(seconds, -kMaxOffsetSeconds, kMaxOffsetSeconds);
  fault_offset_ms.store(seconds * 1000, std::memory_order_relaxed);
}

uint64_t HybridClock::PhysicalStamp() const { return FromMillis(physical_ms_()); }

bool HybridClock::TooFarAhead(uint64_t stamp, uint64_t physical) {
  return stamp > physical && (stamp - physical) > FromMillis(kMaxDriftMs);
}

uint64_t HybridClock::Now() {
  uint64_t physical = PhysicalStamp();
  absl::MutexLock lock(&mu_);
  last_ = std::max(last_ + 1, physical);
  return last_;
}

uint64_t HybridClock::NowAfter(uint64_t floor) {
  uint64_t now = Now();
  return now > floor ? now : floor + 1;
}

bool HybridClock::Observe(uint64_t stamp, std::string_view device) {
  uint64_t physical = PhysicalStamp();
  if (!TooFarAhead(stamp, physical)) {
    absl::MutexLock lock(&mu_);
    last_ = std::max(last_, stamp);
    return true;
  }
  if (device.empty()) return false;
  {
    absl::MutexLock lock(&mu_);
    if (!refused_from_.emplace(device).second) return false;  // logged once
  }
  int64_t ahead_s = static_cast<int64_t>((stamp - physical) >> 16) / 1000;
  haven::Log(LogLevel::kWarn, "a record is stamped too far ahead of this clock; the clock stays",
             {{"device", ShortDevice(device)},
              {"ahead_seconds", std::to_string(ahead_s)},
              {"max_drift_seconds", std::to_string(kMaxDriftMs / 1000)},
              {"fix", "check that device's clock; `haven doctor` counts such records"}});
  return false;
}

void DriftTally::Add(std::string_view device, std::string_view entry_id, uint64_t stamp) {
  if (!HybridClock::TooFarAhead(stamp, physical_)) return;
  auto it = ahead_.find(entry_id);
  if (it == ahead_.end()) it = ahead_.emplace(std::string(entry_id), std::vector<Record>{}).first;
  it->second.push_back({std::string(device), stamp});
}

namespace {

struct Ahead {
  uint64_t records = 0;
  uint64_t latest = 0;
};

// Whether `r` was stamped one tick after another device's record of the
// same entry: an edit ordered after it, whatever its writer's clock.
template <typename Records, typename Record>
bool OrderedAfterAnother(const Records& entry, const Record& r) {
  for (const auto& other : entry) {
    if (other.device != r.device && other.stamp + 1 == r.stamp) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> DriftTally::Lines() const {
  std::map<std::string, Ahead> by_device;
  for (const auto& [entry_id, records] : ahead_) {
    for (const Record& r : records) {
      if (OrderedAfterAnother(records, r)) continue;
      Ahead& ahead = by_device[r.device];
      ++ahead.records;
      ahead.latest = std::max(ahead.latest, r.stamp);
    }
  }
  std::vector<std::string> lines;
  for (const auto& [device, ahead] : by_device) {
    lines.push_back("device " + ShortDevice(device) + ": " + std::to_string(ahead.records) +
                    (ahead.records == 1 ? " record" : " records") + " stamped more than " +
                    std::to_string(HybridClock::kMaxDriftMs / 60000) +
                    " min ahead of this clock, the latest at " + Rfc3339Utc(ahead.latest) +
                    "; until then they win conflicting edits: check that device's clock");
  }
  return lines;
}

}  // namespace haven
