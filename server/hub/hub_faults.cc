#include "server/hub/hub_faults.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace haven {
namespace {

uint64_t PositiveFromEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return 0;
  char* end = nullptr;
  unsigned long long n = std::strtoull(value, &end, 10);
  return *end == '\0' ? n : 0;
}

}  // namespace

HubFaults HubFaults::FromEnvironment() {
  return HubFaults(PositiveFromEnv("HAVEN_FAULT_HUB_EXIT_AFTER_PUSH_BATCHES"),
                   PositiveFromEnv("HAVEN_FAULT_HUB_EXIT_AFTER_PULL_BATCHES"));
}

void HubFaults::Count(std::atomic<uint64_t>& counter, uint64_t limit, const char* what) {
  if (limit == 0) return;
  if (counter.fetch_add(1) + 1 != limit) return;
  std::string line = "havend: test fault injection: exiting after " + std::to_string(limit) + " " +
                     what + " batches\n";
  (void)!write(STDERR_FILENO, line.data(), line.size());
  _exit(kHubFaultExitCode);
}

}  // namespace haven
