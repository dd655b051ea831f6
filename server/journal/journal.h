// The unlocked journal: turns people's changes into sealed records, keeps
// the sealed materialised view and the in-memory index in step with the
// record log, and answers reads. Exists only while the vault is unlocked;
// destroying it drops every key and every decrypted index.
//
// Thread safety: all methods may be called from any thread. Writes
// serialise on the record log's write mutex; reads take a shared lock.
#ifndef HAVEN_SERVER_JOURNAL_JOURNAL_H_
#define HAVEN_SERVER_JOURNAL_JOURNAL_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "haven/v1/record.pb.h"
#include "server/crypto/vault_keys.h"
#include "server/model/entry.h"
#include "server/journal/entry_index.h"
#include "server/journal/hlc.h"
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

struct VaultIdentity {
  std::string vault_id;   // 16 raw bytes
  std::string device_id;  // 16 raw bytes
};

struct LogInput {
  std::string type;
  std::map<std::string, std::string> field_text;  // `-f name=value`
  nlohmann::json fields_json;                     // object, or null
  std::optional<int64_t> at_us;
  std::vector<std::string> tags;
  // Import only: keep the original id and times; `origin` ("line 17")
  // prefixes errors.
  std::string id;
  std::string origin;
  int64_t created_us = 0;
  int64_t updated_us = 0;
};

struct EditInput {
  std::string id;  // full id or unique prefix
  std::map<std::string, std::string> field_text;
  nlohmann::json fields_json;
  std::vector<std::string> unset_fields;
  std::optional<int64_t> at_us;
  std::optional<std::vector<std::string>> tags;
};

struct ListFilter {
  std::string type;
  std::optional<int64_t> since_us;
  std::optional<int64_t> until_us;
  std::vector<std::string> tags;  // all must be present
  size_t limit = 0;               // 0: no limit
  bool include_deleted = false;
  bool oldest_first = false;
};

class Journal {
 public:
  // Builds the index from the view and applies records that arrived while
  // the vault was locked. `store`, `log` and `types` must outlive the journal.
  static absl::StatusOr<std::unique_ptr<Journal>> Open(Store* store, RecordLog* log,
                                                       TypeRegistry* types, VaultIdentity identity,
                                                       std::unique_ptr<VaultKeys> keys);

  absl::StatusOr<Entry> Log(const LogInput& input);
  absl::StatusOr<Entry> Edit(const EditInput& input);
  absl::StatusOr<Entry> Remove(std::string_view id);
  absl::StatusOr<Entry> Restore(std::string_view id);

  absl::StatusOr<Entry> Get(std::string_view id_or_prefix) const;
  // Every record of the entry as history JSON, oldest first.
  absl::StatusOr<std::vector<nlohmann::json>> History(std::string_view id_or_prefix) const;
  // Newest first. `total` (optional) receives the number of matches before the limit.
  absl::StatusOr<std::vector<Entry>> List(const ListFilter& filter, size_t* total) const;
  // Streams matching entries (newest first unless filter.oldest_first)
  // until `visit` returns false.
  absl::Status Scan(const ListFilter& filter, const std::function<bool(const Entry&)>& visit) const;
  // The state of every entry matching `filter` (its limit and order aside),
  // in no particular order, opened on `workers` threads at once: for stats
  // over a whole history (StateToEntry turns a state into an Entry).
  // `visit(worker, state)` runs on thread `worker` (0 .. workers-1); calls
  // with the same worker never overlap.
  absl::Status ScanParallel(const ListFilter& filter, int workers,
                            const std::function<void(int, const v1::EntryState&)>& visit) const;
  // Validates a whole batch of imported entries, then writes the new ones.
  // Returns {imported, skipped (id already present)}.
  absl::StatusOr<std::pair<size_t, size_t>> Import(const std::vector<LogInput>& inputs);
  // The streaming form of Import: checks one entry and builds its record;
  // nullopt when its id is already in the journal (the caller skips ids
  // repeated within its input). Errors name `input.origin`. Safe to call
  // from several threads at once.
  absl::StatusOr<std::optional<v1::RecordBody>> PrepareImport(const LogInput& input) const;
  // Writes prepared records durably, 1024 to a batch, and returns how many
  // it wrote: an entry that reached the journal since it was prepared (a
  // sync in between) is skipped.
  absl::StatusOr<size_t> WriteImported(std::vector<v1::RecordBody> bodies);
  // Around the writes of a big import (Store::BulkLoad says why):
  // compaction pauses until the returned scope ends.
  Store::BulkLoad StartBulkWrite() { return store_->StartBulkLoad(); }

  // What a CREATE makes of an entry this device has not seen: its state
  // and that state's view row (keyed-hash key, sealed value).
  struct CreatedEntry {
    v1::EntryState state;
    std::pair<std::string, std::string> row;
  };
  // Records pulled from a hub, in two halves so that a pull opens one
  // batch while the one before is stored. OpenPulled opens and parses (no
  // lock taken; safe beside any other call). A record that does not open
  // with this vault's key, names another vault, carries no entry or holds
  // JSON beyond kRecordJsonLimits (CheckRecordJson) is counted in
  // `rejected` and never stored.
  struct OpenedBatch {
    std::vector<std::string> sealed;
    std::vector<RecordHeader> headers;
    std::vector<v1::RecordBody> bodies;
    // For each CREATE, built here so that storing the batch only has to
    // check the entry is new (most of a first pull).
    std::vector<CreatedEntry> created;
    std::vector<size_t> order;  // the records that opened, in log order
    uint64_t rejected = 0;      // the records that did not
  };
  OpenedBatch OpenPulled(std::vector<std::string> sealed) const;
  // Stores an opened batch and folds it into the view, all in one write
  // (fsynced when `sync`). Batches must be stored in the order they
  // arrived. Returns how many records were new.
  absl::StatusOr<size_t> StorePulled(OpenedBatch batch, bool sync);
  // Folds records that the log holds but the view has not applied yet
  // (stored by an older daemon, or left by a crash) into the view.
  absl::Status CatchUp();
  // Shares the manifest types this person wrote (files under `home_plugins`)
  // with the vault's other devices: one sealed DEFINE_TYPES record per type
  // whose definition the vault does not hold yet.
  absl::Status PublishLocalTypes(const std::string& home_plugins);

  // `haven doctor`: opens every stored record and view row, and recomputes
  // from the records which records each entry is made of. Problems as
  // readable lines, one each: a record missing, not opening or holding JSON
  // beyond its limits; a view row that does not open or is not under its
  // entry's key (swapped), one that misses records of its entry (stale,
  // e.g. rolled back to an older version), an entry with no view row.
  // When the view has a problem it is marked for a rebuild from the
  // records at the next Open, and a line says so.
  std::vector<std::string> Verify(size_t* records, size_t* entries) const;

  size_t live_entries() const;
  size_t deleted_entries() const;
  const VaultKeys& keys() const { return *keys_; }
  const VaultIdentity& identity() const { return identity_; }

 private:
  Journal(Store* store, RecordLog* log, TypeRegistry* types, VaultIdentity identity,
          std::unique_ptr<VaultKeys> keys);

  // Rebuilds the view from the records when it is not at kViewFormat (an
  // older home, or one that Verify marked): drops every row and applied
  // marker in one write, and CatchUp refolds everything.
  absl::Status UpgradeView();
  absl::Status LoadIndex();
  // Opens every view row in one sequential pass split over `workers`
  // threads; `visit(worker, state)` as for ScanParallel. A row that does not
  // open under its key or whose entry id does not hash to its key is never
  // visited; `skipped` (optional) receives how many there were.
  absl::Status ForEachViewRow(int workers,
                              const std::function<void(int, const v1::EntryState&)>& visit,
                              size_t* skipped = nullptr) const;
  // How OpenViewRow checks that a row belongs under its key. The seal
  // alone suffices: only SealView seals rows, always under the key of the
  // state's own entry id, so a row that opens with ViewRowAd(key) holds an
  // entry whose id hashes to that key. The bulk scans (unlock, stats) rely
  // on it; point reads compare the entry id, and `haven doctor` hashes it
  // as well, which would catch a row sealed under the wrong key by a bug.
  enum class RowCheck { kSeal, kEntryIdHashesToKey };
  // Opens one view row into `state` (`plain` is scratch): DataLoss when it
  // does not open with ViewRowAd(row_key), does not parse, or (when asked)
  // its entry id does not hash to `row_key`.
  absl::Status OpenViewRow(std::string_view row_key, std::string_view sealed, std::string* plain,
                           v1::EntryState* state, RowCheck check) const;
  // Whether a view row is an entry that `filter` selects.
  static bool MatchesState(const ListFilter& filter, const v1::EntryState& state);
  absl::StatusOr<v1::EntryState> LoadState(std::string_view entry_id) const;
  absl::StatusOr<Entry> EntryFromState(const v1::EntryState& state) const;
  void RefreshDerived(v1::EntryState* state) const;
  // Validates `input` and builds its CREATE body (hlc unset).
  absl::StatusOr<v1::RecordBody> BuildCreate(const LogInput& input) const;
  absl::StatusOr<nlohmann::json> BuildFields(const ExerciseType& type, nlohmann::json base,
                                             const std::map<std::string, std::string>& text,
                                             const nlohmann::json& json_fields) const;

  // Entry states being changed by one batch of records, by entry id.
  using PendingStates = absl::flat_hash_map<std::string, v1::EntryState>;
  // A record on its way into the view, already opened.
  struct FoldItem {
    const RecordHeader* header;
    const v1::RecordBody* body;
    // Written here: its derived values were computed against this view.
    bool local = false;
    // A CREATE already applied to an empty state and sealed
    // (OpenedBatch::created); used when the entry turns out to be new.
    CreatedEntry* created = nullptr;
  };
  // This device's next records, sealed and folded, ready to be written.
  struct StagedAppend {
    std::vector<v1::RecordBody> bodies;
    std::vector<IncomingRecord> records;
    std::vector<FoldItem> items;  // point into `records` and `bodies`
    rocksdb::WriteBatch batch;
    PendingStates pending;
    absl::Status status;  // of staging, when it runs on another thread
  };
  // Seals `bodies` as this device's next records, folds them into the view
  // and writes everything durably in one batch. Fills `states` (optional)
  // with the entries' new states. Caller holds the write mutex.
  absl::Status AppendLocal(std::vector<v1::RecordBody> bodies,
                           std::vector<v1::EntryState>* states = nullptr);
  // AppendLocal in two halves, so that an import stages one batch while
  // the one before is written: sealing and folding (numbered from
  // `first_seq`), then the durable write and publication. Caller holds the
  // write mutex across both.
  absl::Status StageLocal(std::vector<v1::RecordBody> bodies, uint64_t first_seq,
                          StagedAppend* staged);
  absl::Status CommitLocal(StagedAppend* staged);
  // Applies records to view states (loaded or in `pending`), staging the
  // view rows and applied markers into `batch`. Caller holds the write mutex.
  absl::Status FoldIntoView(const std::vector<FoldItem>& items, rocksdb::WriteBatch* batch,
                            PendingStates* pending);
  // After the batch holding `items` is durable: index their entries and
  // advance the applied markers in memory.
  void Publish(const std::vector<FoldItem>& items, const PendingStates& pending);
  void StageApplied(rocksdb::WriteBatch* batch, std::string_view device, uint64_t seq) const;
  // Whether the view may hold a row for `entry_id` (indexed, or an orphan).
  // Takes the index lock: an import publishes one batch while it folds the next.
  bool Known(const std::string& entry_id) const;
  absl::Status CatchUpLocked();
  // The view row of `state`: its keyed-hash key and sealed value.
  std::pair<std::string, std::string> SealView(const v1::EntryState& state) const;
  void IndexState(const v1::EntryState& state);
  // Registers a manifest type that arrived through the vault.
  void AdoptVaultType(const v1::EntryState& state);
  std::map<std::string, uint64_t> SeenVector() const;

  Store* store_;
  RecordLog* log_;
  TypeRegistry* types_;
  VaultIdentity identity_;
  std::unique_ptr<VaultKeys> keys_;
  HybridClock clock_;

  mutable std::shared_mutex index_mu_;
  EntryIndex index_;
  // View rows of entries whose CREATE has not arrived yet (another device's
  // edit pulled first). Every other id missing from the index has no view
  // row, so a new entry's fold needs no store read. Guarded like applied_.
  std::set<std::string> orphans_;
  // Per device, the highest sequence folded into the view (guarded by the
  // record log's write mutex).
  VersionVector applied_;
};

// Normalises tags: trimmed, unique, sorted; InvalidArgument for an empty or
// spaced tag.
absl::StatusOr<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_JOURNAL_H_
