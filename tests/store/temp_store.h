// A device's store and its record log, opened at a path (in a test's
// TempDir, tests/store/temp_dir.h) as the daemon opens them: the store
// first, then the log over it with no key prefix.
#ifndef HAVEN_TESTS_STORE_TEMP_STORE_H_
#define HAVEN_TESTS_STORE_TEMP_STORE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "tests/store/temp_dir.h"

namespace haven::testing {

// Opens (creating) the store at `path` and the record log over it into
// *store and *log. On an error, the first one, and *store and *log as they
// were. The log points into the store: *store must outlive *log.
inline absl::Status OpenStoreAndLog(const std::string& path, std::unique_ptr<Store>* store,
                                    std::unique_ptr<RecordLog>* log) {
  auto opened_store = Store::Open(path);
  if (!opened_store.ok()) return opened_store.status();
  auto opened_log = RecordLog::Open(opened_store->get());
  if (!opened_log.ok()) return opened_log.status();
  *store = std::move(*opened_store);
  *log = std::move(*opened_log);
  return absl::OkStatus();
}

}  // namespace haven::testing

#endif  // HAVEN_TESTS_STORE_TEMP_STORE_H_
