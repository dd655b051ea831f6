// The sealed materialised view: one sealed row per entry (its merged
// state, under the keyed hash of its id), the applied markers (per device,
// the highest sequence folded in), the orphans (rows of entries whose
// CREATE has not arrived) and the in-memory indexes of entries and their
// words, built from the rows. The view is a function of the record log
// (docs/design.md, "Storage"): Fold turns records into rows in a batch,
// Publish makes them visible once that batch is durable, and CatchUp folds
// what the log holds beyond the markers.
//
// Thread safety: reads (LoadState, the index, scans) may run on any thread
// at any time. Writes (Fold .. Publish, CatchUp, Upgrade/Load) come from one
// writer at a time: the journal serialises them under its write mutex. Fold
// reads rows that only that writer changes.
#ifndef HAVEN_SERVER_JOURNAL_VIEW_H_
#define HAVEN_SERVER_JOURNAL_VIEW_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/record.pb.h"
#include "server/crypto/vault_keys.h"
#include "server/journal/entry_index.h"
#include "server/journal/hlc.h"
#include "server/journal/view_index.h"
#include "server/plugins/type_registry.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

// View rows of synced manifest types are named "type:<id>"; they are not entries.
inline constexpr std::string_view kTypeEntryPrefix = "type:";
// Associated data of a sealed view row: this prefix followed by the row's
// key (the keyed hash of its entry id), so that a row moved under another
// key does not open. Rows of view format 1 were sealed with the constant
// "haven-view-v1" alone; a home whose view is not at kViewFormat is rebuilt
// from its records when it is opened (docs/design.md, "Storage").
inline constexpr std::string_view kViewAdPrefix = "haven-view-v2";
std::string ViewRowAd(std::string_view row_key);
// Meta key holding the view's format; its absence means format 1.
inline constexpr std::string_view kViewFormatKey = "view/format";
inline constexpr std::string_view kViewFormat = "2";
// Meta keys "applied/<device id>": the highest sequence of each device that
// the view has folded in.
inline constexpr std::string_view kAppliedPrefix = "applied/";
// Meta key holding the token of the index snapshot that describes the view
// as it is (docs/design.md, "Index snapshot"); every write of the view
// deletes it in the same batch.
inline constexpr std::string_view kSnapshotTokenKey = "view/snapshot";

struct ListFilter {
  std::string type;
  std::optional<int64_t> since_us;
  std::optional<int64_t> until_us;
  std::vector<std::string> tags;  // all must be present
  size_t limit = 0;               // 0: no limit
  bool include_deleted = false;
  bool oldest_first = false;
};

// What a CREATE makes of an entry this device has not seen: its state
// and that state's view row (keyed-hash key, sealed value).
struct CreatedEntry {
  v1::EntryState state;
  std::pair<std::string, std::string> row;
};

// A record on its way into the view, already opened.
struct FoldItem {
  const RecordHeader* header;
  // nullptr for a membership record: marked applied, folds nothing.
  const v1::RecordBody* body;
  // Written here: its derived values were computed against this view.
  bool local = false;
  // A CREATE already applied to an empty state and sealed; used when the
  // entry turns out to be new.
  CreatedEntry* created = nullptr;
};

// Entry states being changed by one batch of records, by entry id.
using PendingStates = absl::flat_hash_map<std::string, v1::EntryState>;

class View {
 public:
  // `store`, `keys`, `types` and `clock` must outlive the view.
  View(Store* store, const VaultKeys* keys, TypeRegistry* types, HybridClock* clock)
      : store_(store), keys_(keys), types_(types), clock_(clock) {}

  // Rebuilds the view from the records when it is not at kViewFormat (an
  // older home, or one that `haven doctor` marked): drops every row and
  // applied marker in one write; CatchUp then refolds everything.
  absl::Status Upgrade();
  // Reads the applied markers, opens every row to build the index and the
  // orphans, observes the newest stamp and adopts the vault's types. With
  // a snapshot path set, takes the index from the snapshot instead when it
  // describes the view as it is (docs/design.md, "Index snapshot"); the
  // snapshot is removed either way.
  absl::Status Load() ABSL_LOCKS_EXCLUDED(mu_);
  // Where the index snapshot lives; empty (the default): no snapshot is
  // read or written. Set before Load.
  void set_snapshot_path(std::string path) { snapshot_path_ = std::move(path); }
  // Seals the index into the snapshot file and records its token, when the
  // view on disk is the one the index describes (no other journal wrote
  // since). Under the log's writer lock, when the journal is dropped.
  absl::Status SaveSnapshot() ABSL_LOCKS_EXCLUDED(mu_);
  // Whether Load took the index from a snapshot.
  bool loaded_from_snapshot() const { return loaded_from_snapshot_; }
  // Folds records that `log` holds but the view has not applied yet
  // (stored by an older daemon, or left by a crash). One writer at a time.
  // Records `admit` refuses (beyond a revoked device's cut) are passed
  // over as applied (docs/design.md, "Devices and key epochs").
  absl::Status CatchUp(const RecordLog& log) ABSL_LOCKS_EXCLUDED(mu_);
  // Recomputes `entry_ids` from their records that the admit check takes
  // (a revocation arrived after records beyond its cut were folded), and
  // writes and indexes them at once. One writer at a time.
  absl::Status Refold(const RecordLog& log, const std::set<std::string>& entry_ids)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Which records catch-up folds; set before the first CatchUp.
  void set_admit(std::function<bool(const RecordHeader&)> admit) { admit_ = std::move(admit); }

  // Applies records to entry states (loaded, or already in `pending`) and
  // stages their rows and the applied markers into `batch`. One writer at
  // a time, until Publish.
  absl::Status Fold(const std::vector<FoldItem>& items, WriteBatch* batch, PendingStates* pending)
      ABSL_LOCKS_EXCLUDED(mu_);
  // After the batch holding `items` is durable: indexes their entries,
  // advances the applied markers in memory and adopts the vault types the
  // batch defined. Nothing of a batch that was not written is published.
  void Publish(const std::vector<FoldItem>& items, const PendingStates& pending)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The entry's state (empty when it has no row); DataLoss when its row
  // does not open.
  absl::StatusOr<v1::EntryState> LoadState(std::string_view entry_id) const;
  // The view row of `state`: its keyed-hash key and sealed value.
  std::pair<std::string, std::string> SealRow(const v1::EntryState& state) const;
  // How OpenRow checks that a row belongs under its key. The seal alone
  // suffices: only SealRow seals rows, always under the key of the state's
  // own entry id, so a row that opens with ViewRowAd(key) holds an entry
  // whose id hashes to that key. The bulk scans (unlock, stats) rely on it;
  // point reads compare the entry id, and `haven doctor` hashes it as well,
  // which would catch a row sealed under the wrong key by a bug.
  enum class RowCheck { kSeal, kEntryIdHashesToKey };
  // Opens one row into `state` (`plain` is scratch): DataLoss when it does
  // not open with ViewRowAd(row_key), does not parse, or (when asked) its
  // entry id does not hash to `row_key`.
  absl::Status OpenRow(std::string_view row_key, std::string_view sealed, std::string* plain,
                       v1::EntryState* state, RowCheck check) const;
  // Marks the view for a rebuild from the records at the next Upgrade.
  absl::Status MarkForRebuild() const;

  // The index, under a reader lock.
  absl::StatusOr<std::string> Resolve(std::string_view id_or_prefix) const ABSL_LOCKS_EXCLUDED(mu_);
  bool Contains(std::string_view entry_id) const ABSL_LOCKS_EXCLUDED(mu_);
  size_t Count(const IndexQuery& query) const ABSL_LOCKS_EXCLUDED(mu_);
  // Ids matching `query`, in its order, until `more(ids so far)` is false.
  std::vector<std::string> Ids(const IndexQuery& query,
                               const std::function<bool(size_t)>& more) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // EntryIndex::Visit under the reader lock: `visit` must not call back
  // into the view.
  void VisitIndex(const IndexQuery& query,
                  const std::function<bool(const IndexedEntry&)>& visit) const
      ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::pair<std::string, size_t>> LiveByType() const ABSL_LOCKS_EXCLUDED(mu_);
  // Drops the bodies whose entry is in the index already.
  void DropIndexed(std::vector<v1::RecordBody>* bodies) const ABSL_LOCKS_EXCLUDED(mu_);
  // The search index's answer (ViewIndex::Search), under the reader lock.
  std::vector<IndexMatch> Search(const std::vector<std::string>& required,
                                 const std::vector<std::string>& excluded,
                                 const SearchFilter& filter, size_t sorted) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The search index's approximate heap bytes and entries.
  std::pair<size_t, size_t> SearchIndexSize() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t live_entries() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t all_entries() const ABSL_LOCKS_EXCLUDED(mu_);
  VersionVector applied() const ABSL_LOCKS_EXCLUDED(mu_);

  // The state of every entry matching `filter` (its limit and order aside),
  // in no particular order, opened on `workers` threads at once.
  // `visit(worker, state)` runs on thread `worker` (0 .. workers-1); calls
  // with the same worker never overlap.
  absl::Status ScanParallel(const ListFilter& filter, int workers,
                            const std::function<void(int, const v1::EntryState&)>& visit) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Opens every row in one sequential pass split over `workers` threads;
  // `visit(worker, state)` as for ScanParallel. A row that does not open
  // under its key is never visited; `skipped` (optional) receives how many.
  absl::Status ForEachRow(int workers, const std::function<void(int, const v1::EntryState&)>& visit,
                          size_t* skipped = nullptr) const;
  // Whether a row is an entry that `filter` selects.
  static bool Matches(const ListFilter& filter, const v1::EntryState& state);
  // Applies the items to states, loading each touched entry once; fills
  // `touched` (ids in first-seen order) and `ready` (ids whose row came
  // sealed with their CREATE).
  absl::Status Apply(
      const std::vector<FoldItem>& items, PendingStates* pending, std::vector<std::string>* touched,
      absl::flat_hash_map<std::string_view, std::pair<std::string, std::string>*>* ready)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Seals the rows of `states` (or takes the ready ones) into `batch`.
  void SealInto(const std::vector<v1::EntryState*>& states,
                absl::flat_hash_map<std::string_view, std::pair<std::string, std::string>*>* ready,
                WriteBatch* batch) const;
  void StageApplied(WriteBatch* batch, std::string_view device, uint64_t seq) const;
  // Whether the view may hold a row for `entry_id` (indexed, or an orphan).
  bool Known(const std::string& entry_id) const ABSL_LOCKS_EXCLUDED(mu_);
  void RefreshDerived(v1::EntryState* state) const;
  void IndexState(const v1::EntryState& state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Registers a manifest type that arrived through the vault.
  void AdoptVaultType(const v1::EntryState& state);
  // Load from the snapshot: false (and nothing changed) when there is none
  // or it does not describe the view as it is.
  bool LoadSnapshot() ABSL_LOCKS_EXCLUDED(mu_);
  // Seals the index, stamped `stamp`, with `token` into the snapshot file;
  // false (nothing written) when the applied markers on disk are beyond
  // the index's (a later journal wrote).
  absl::StatusOr<bool> SealSnapshot(const std::string& stamp, const std::string& token)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The snapshot's plaintext as far as the index, or why it is not used.
  absl::Status TakeSnapshot(std::string_view plain) ABSL_LOCKS_EXCLUDED(mu_);
  // What the snapshot is checked against: the wrapped key and the applied
  // markers on disk.
  absl::StatusOr<std::string> SnapshotStamp() const;
  uint64_t AppliedFor(const std::string& device) const ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status LoadApplied() ABSL_LOCKS_EXCLUDED(mu_);
  // The applied markers as stored (meta `applied/DEVICE`).
  absl::StatusOr<VersionVector> ReadApplied() const;
  // One entry's state from its records that the admit check takes.
  absl::StatusOr<v1::EntryState> RefoldOne(const RecordLog& log, const std::string& entry_id) const;
  // Folds the log's records of `device` from `from` (at most one batch).
  absl::Status CatchUpBatch(const RecordLog& log, const std::string& device, uint64_t from,
                            bool* more);

  Store* const store_;
  const VaultKeys* const keys_;
  TypeRegistry* const types_;
  HybridClock* const clock_;
  std::function<bool(const RecordHeader&)> admit_;  // empty: every record

  mutable absl::Mutex mu_;
  // Every entry's time, type, state and words (docs/design.md, "Search").
  ViewIndex index_ ABSL_GUARDED_BY(mu_);
  // Rows of entries whose CREATE has not arrived yet (another device's edit
  // pulled first). Every other id missing from the index has no row, so a
  // new entry's fold needs no store read.
  std::set<std::string> orphans_ ABSL_GUARDED_BY(mu_);
  // Per device, the highest sequence folded into the view.
  VersionVector applied_ ABSL_GUARDED_BY(mu_);
  // The rows of vault types ("type:<id>"), adopted again after a snapshot.
  std::set<std::string> type_rows_ ABSL_GUARDED_BY(mu_);
  // The newest stamp of the rows (the clock observes it at load).
  uint64_t newest_ ABSL_GUARDED_BY(mu_) = 0;
  std::string snapshot_path_;
  bool loaded_from_snapshot_ = false;
};

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_VIEW_H_
