#include "server/util/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace haven {

int PassThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

absl::Status RunOnThreads(int n, const std::function<absl::Status(int)>& work) {
  n = std::max(n, 1);
  std::vector<absl::Status> results(n);
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (int i = 1; i < n; ++i) threads.emplace_back([&, i] { results[i] = work(i); });
  results[0] = work(0);
  for (auto& t : threads) t.join();
  for (auto& s : results) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace haven
