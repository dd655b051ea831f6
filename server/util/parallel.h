// Running one job on several cores: whole-history passes (stats, import) split
// their work over a few threads and join them before returning.
#ifndef HAVEN_SERVER_UTIL_PARALLEL_H_
#define HAVEN_SERVER_UTIL_PARALLEL_H_

#include <functional>

#include "absl/status/status.h"

namespace haven {

// Threads for a whole-history pass: one per core, at most four (beyond that
// RocksDB and the allocator, not the cores, set the pace).
int PassThreads();

// Runs `work(i)` for i in [0, n) on n threads, the caller's among them, and
// waits for all. Returns the error of the lowest-numbered failing worker.
absl::Status RunOnThreads(int n, const std::function<absl::Status(int)>& work);

}  // namespace haven

#endif  // HAVEN_SERVER_UTIL_PARALLEL_H_
