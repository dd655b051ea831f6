// One `haven import` stream on the daemon side: splits the input into entry
// objects and checks them in batches, each spread over PassThreads() threads
// (one per core, at most four: server/util/parallel.h). Unless only validating,
// the checked entries wait in a sealed scratch spool until the whole input
// has passed, and are written from there: one bad entry fails the import
// before anything is written, the input is read once, and memory stays
// bounded by a couple of batches whatever the input's size.
#ifndef HAVEN_SERVER_INSIGHTS_IMPORT_SESSION_H_
#define HAVEN_SERVER_INSIGHTS_IMPORT_SESSION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "server/crypto/sealed_spool.h"
#include "server/insights/import.h"
#include "server/journal/journal.h"

namespace haven {

// Thread safety: one thread feeds a session; it runs its own threads inside
// Feed and Finish and joins them before returning.
class ImportSession {
 public:
  // `spool_dir` holds the scratch spool of a writing import (it is never
  // visible there by name, and vanishes with the session).
  ImportSession(Journal* journal, bool validate_only, std::string spool_dir);

  ImportSession(const ImportSession&) = delete;
  ImportSession& operator=(const ImportSession&) = delete;

  // Errors are InvalidArgument "line N: ..." for the first bad entry in
  // input order, or a scratch file's error; after one, stop feeding.
  absl::Status Feed(std::string_view chunk);
  // The input ended: checks what is left, then (unless validating) writes
  // every checked entry. The store's error if a write fails.
  absl::Status Finish();

  uint64_t imported() const { return imported_; }
  uint64_t skipped() const { return skipped_; }

 private:
  // Moves split entries into the batch; checks it once full (or `all`).
  absl::Status TakeReady(bool all);
  absl::Status CheckBatch();
  // Writes the spool's entries, reading the next batch while one is written.
  absl::Status WriteSpooled();

  Journal* journal_;
  const bool validate_only_;
  const std::string spool_dir_;
  const int threads_;
  ImportReader reader_;
  std::vector<ImportItem> batch_;
  std::optional<SealedSpool> spool_;  // created with the first entry to write
  // Raw 12-byte ids met so far, so an id repeated within the input counts once.
  absl::flat_hash_set<std::string> ids_seen_;
  uint64_t imported_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_IMPORT_SESSION_H_
