// One `haven import` stream on the daemon side: splits the input into entry
// objects, checks them on every core in batches, and (unless only
// validating) writes each checked batch while the next one is checked.
//
// The CLI sends the input twice: first with validate_only, so that one bad
// entry fails the whole import before anything is written, then for real.
// Memory stays bounded by a couple of batches whatever the input's size.
#ifndef HAVEN_SERVER_SERVICE_IMPORT_SESSION_H_
#define HAVEN_SERVER_SERVICE_IMPORT_SESSION_H_

#include <cstdint>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "server/insights/import.h"
#include "server/journal/journal.h"

namespace haven {

class ImportSession {
 public:
  ImportSession(Journal* journal, bool validate_only);
  // Waits for a write still in flight.
  ~ImportSession();

  ImportSession(const ImportSession&) = delete;
  ImportSession& operator=(const ImportSession&) = delete;

  // Errors are InvalidArgument "line N: ..." for the first bad entry in
  // input order, or the store's error; after one, stop feeding.
  absl::Status Feed(std::string_view chunk);
  // The input ended: checks and writes what is left, and waits for it.
  absl::Status Finish();

  uint64_t imported() const { return imported_; }
  uint64_t skipped() const { return skipped_; }

 private:
  // Moves split entries into the batch; checks it once full (or `all`).
  absl::Status TakeReady(bool all);
  absl::Status CheckBatch();
  absl::Status AwaitWrite();

  Journal* journal_;
  const bool validate_only_;
  const int threads_;
  ImportReader reader_;
  std::vector<ImportItem> batch_;
  // Raw 12-byte ids met so far, so an id repeated within the input counts once.
  absl::flat_hash_set<std::string> ids_seen_;
  std::future<absl::Status> writing_;
  uint64_t imported_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SERVICE_IMPORT_SESSION_H_
