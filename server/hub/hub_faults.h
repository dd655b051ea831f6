// Test-only fault injection for a hub, so that tests which cut a sync in
// the middle cut it for certain instead of racing a kill against the
// stream. Read once, from the environment, when the hub service is made;
// unset (as in every real deployment) nothing happens.
//
//   HAVEN_FAULT_HUB_EXIT_AFTER_PUSH_BATCHES=N  the hub _exit()s (no cleanup,
//       as kill -9) right after it has stored the Nth pushed batch since it
//       started, before that push is fsynced or answered.
//   HAVEN_FAULT_HUB_EXIT_AFTER_PULL_BATCHES=N  the same right after it has
//       written the Nth pulled batch to a device.
//
// The hub exits with kHubFaultExitCode and one line on stderr.
#ifndef HAVEN_SERVER_HUB_HUB_FAULTS_H_
#define HAVEN_SERVER_HUB_HUB_FAULTS_H_

#include <atomic>
#include <cstdint>

namespace haven {

inline constexpr int kHubFaultExitCode = 86;

class HubFaults {
 public:
  // Reads the variables above; a value that is not a positive number is
  // ignored.
  static HubFaults FromEnvironment();

  // Count one stored pushed / one written pulled batch; may not return.
  void AfterPushBatch() { Count(push_batches_, exit_after_push_, "pushed"); }
  void AfterPullBatch() { Count(pull_batches_, exit_after_pull_, "pulled"); }

  HubFaults(const HubFaults& other)
      : exit_after_push_(other.exit_after_push_), exit_after_pull_(other.exit_after_pull_) {}

 private:
  HubFaults(uint64_t push, uint64_t pull) : exit_after_push_(push), exit_after_pull_(pull) {}
  static void Count(std::atomic<uint64_t>& counter, uint64_t limit, const char* what);

  const uint64_t exit_after_push_;  // 0: never
  const uint64_t exit_after_pull_;
  std::atomic<uint64_t> push_batches_{0};
  std::atomic<uint64_t> pull_batches_{0};
};

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_FAULTS_H_
