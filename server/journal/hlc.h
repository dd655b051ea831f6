// Hybrid logical clock (Kulkarni et al.): physical milliseconds in the high
// 48 bits, a logical counter in the low 16. Orders a vault's changes so that
// the last writer wins even when device clocks drift a little.
#ifndef HAVEN_SERVER_JOURNAL_HLC_H_
#define HAVEN_SERVER_JOURNAL_HLC_H_

#include <cstdint>
#include <mutex>

namespace haven {

class HybridClock {
 public:
  // Stamps a local event; strictly greater than every earlier stamp and
  // every observed remote stamp.
  uint64_t Now();
  // Moves the clock past a stamp seen in a record from another device.
  void Observe(uint64_t stamp);

  static int64_t ToMicros(uint64_t stamp) { return static_cast<int64_t>(stamp >> 16) * 1000; }

 private:
  std::mutex mu_;
  uint64_t last_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_HLC_H_
