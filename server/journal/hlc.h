// Hybrid logical clock (Kulkarni et al.): physical milliseconds in the high
// 48 bits, a logical counter in the low 16. Orders a vault's changes so that
// the last writer wins even when device clocks drift a little.
//
// "A little" is bounded: a stamp from another device more than kMaxDriftMs
// ahead of this device's physical clock does not move this clock (see
// "Clock drift" in docs/design.md). The record that carries it is stored
// and merged by its stamp like any other; only the clock refuses it.
#ifndef HAVEN_SERVER_JOURNAL_HLC_H_
#define HAVEN_SERVER_JOURNAL_HLC_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace haven {

class HybridClock {
 public:
  // The most a remote stamp may run ahead of this device's physical clock
  // and still move it: 5 minutes (docs/design.md, "Clock drift").
  static constexpr int64_t kMaxDriftMs = 5 * 60 * 1000;

  // Reads the system clock, shifted by the test fault offset (if any).
  HybridClock();
  // Reads `physical_ms` (unix milliseconds) instead; for tests.
  explicit HybridClock(std::function<int64_t()> physical_ms);

  // Stamps a local event; strictly greater than every earlier stamp of this
  // clock and every remote stamp Observe accepted (not those it refused, nor
  // NowAfter's).
  uint64_t Now();
  // Stamps a change to something whose newest change is stamped `floor`:
  // Now(), or floor + 1 when floor is ahead of it (a record from a device
  // whose clock runs ahead). A change made after seeing a value so orders
  // after it on every device. Never moves the clock past Now().
  uint64_t NowAfter(uint64_t floor);
  // Moves the clock up to a stamp seen in a record from `device` and returns
  // true, unless the stamp is more than kMaxDriftMs ahead of the physical
  // clock: then the clock stays where it is, false is returned and the
  // first such stamp from each device is logged (not when `device` is
  // empty: stamps this device already stored).
  bool Observe(uint64_t stamp, std::string_view device = {});

  // The physical clock as a stamp (logical counter 0).
  uint64_t PhysicalStamp() const;
  // True when `stamp` is more than kMaxDriftMs ahead of `physical`.
  static bool TooFarAhead(uint64_t stamp, uint64_t physical);

  static int64_t ToMicros(uint64_t stamp) { return static_cast<int64_t>(stamp >> 16) * 1000; }
  static uint64_t FromMillis(int64_t ms) { return static_cast<uint64_t>(ms) << 16; }

  // Test-only fault hook, read once when havend starts (docs/design.md,
  // fault hooks): HAVEN_FAULT_CLOCK_OFFSET_SECONDS=N shifts every clock's
  // physical reading made with the default constructor by N seconds
  // (negative: behind), as a device whose clock is wrong.
  static void ReadFaultOffsetFromEnvironment();

 private:
  std::function<int64_t()> physical_ms_;
  absl::Mutex mu_;
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<std::string, std::less<>> refused_from_ ABSL_GUARDED_BY(mu_);
};

// Counts, per device, records stamped more than kMaxDriftMs ahead of one
// physical clock reading, for `haven doctor`. A record stamped one tick
// after another device's record of the same entry is an edit made after
// seeing it (HybridClock::NowAfter), not a clock running ahead: it is not
// counted against its device.
class DriftTally {
 public:
  explicit DriftTally(uint64_t physical) : physical_(physical) {}
  void Add(std::string_view device, std::string_view entry_id, uint64_t stamp);
  // One line per device that has such records, e.g. "device 1a2b3c4d: 3
  // records stamped more than 5 min ahead of this clock, the latest at ...".
  std::vector<std::string> Lines() const;

 private:
  struct Record {
    std::string device;
    uint64_t stamp;
  };
  uint64_t physical_;
  // Only the records past the bound, by entry id: rare, so kept whole.
  std::map<std::string, std::vector<Record>, std::less<>> ahead_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_HLC_H_
