// The unlocked journal: turns people's changes into sealed records, keeps
// the sealed materialised view and the in-memory index in step with the
// record log, and answers reads. Exists only while the vault is unlocked;
// destroying it drops every key and every decrypted index.
//
// A Journal composes the record log (this device's and the pulled records,
// sealed) and the View (the sealed entry states and their index). Every
// write goes the same way: stage the records (RecordLog::Stage), fold them
// into the view in the same batch (View::Fold), commit the batch
// (RecordLog::Commit), publish the view's changes (View::Publish).
//
// Thread safety: all methods may be called from any thread. Writes
// serialise on the journal's write mutex; reads take the view's reader lock.
#ifndef HAVEN_SERVER_JOURNAL_JOURNAL_H_
#define HAVEN_SERVER_JOURNAL_JOURNAL_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/record.pb.h"
#include "server/crypto/vault_keys.h"
#include "server/journal/entry_index.h"
#include "server/journal/hlc.h"
#include "server/journal/provenance.h"
#include "server/journal/view.h"
#include "server/membership/membership.h"
#include "server/model/entry.h"
#include "server/plugins/type_registry.h"
#include "server/search/search_index.h"
#include "server/search/search_query.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

struct VaultIdentity {
  std::string vault_id;   // 16 raw bytes
  std::string device_id;  // 16 raw bytes
};

// What an unlocked device holds besides the vault keys (docs/design.md,
// "Devices and key epochs"); wiped with the journal.
struct DeviceSecrets {
  SecretBytes sign_key;    // this device's Ed25519 key, 64 bytes
  SecretBytes stretched;   // the passphrase's Argon2id output for the current wrapped key's salt
  SecretBytes secret_key;  // the raw Secret Key
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

// One entry `haven search` found, with the excerpt that shows why.
struct SearchHit {
  Entry entry;
  std::string snippet;  // around the first wanted word or phrase; may be empty
  std::string field;    // where the snippet comes from ("tags" for a tag)
};

struct EditInput {
  std::string id;  // full id or unique prefix
  std::map<std::string, std::string> field_text;
  nlohmann::json fields_json;
  std::vector<std::string> unset_fields;
  std::optional<int64_t> at_us;
  std::optional<std::vector<std::string>> tags;
};

class Journal {
 public:
  // Builds the index from the view and applies records that arrived while
  // the vault was locked. `store`, `log`, `log_writer` and `types` must
  // outlive the journal. `log_writer` is the one mutex under which `log`
  // and its view are written: whoever owns the log (the Vault) keeps it and
  // hands it to every journal it opens over the log, so that a journal
  // still held after a lock and an unlock (a pull, an import) never writes
  // beside the next one.
  // `members` is the membership this device holds (ReadMembership).
  // `snapshot_path`: where the index snapshot is read at Open and written
  // when the journal is dropped; empty: nowhere.
  static absl::StatusOr<std::unique_ptr<Journal>> Open(
      Store* store, RecordLog* log, absl::Mutex* log_writer, TypeRegistry* types,
      VaultIdentity identity, std::unique_ptr<VaultKeys> keys, DeviceSecrets secrets,
      Membership members, std::string snapshot_path = "") ABSL_LOCKS_EXCLUDED(log_writer);
  // Seals the index into the snapshot (`snapshot_path` given to Open), for
  // the next unlock (docs/design.md, "Index snapshot").
  ~Journal();
  // Whether the index came from the snapshot at Open.
  bool index_from_snapshot() const { return view_.loaded_from_snapshot(); }

  // Membership (journal_members.cc; docs/design.md, "Devices and key
  // epochs"). Each change is a membership record of this device, written
  // durably before it returns.
  Membership members() const ABSL_LOCKS_EXCLUDED(members_mu_);
  bool enrolled() const ABSL_LOCKS_EXCLUDED(members_mu_);
  // Enrols this device under the current epoch, vouching for its records
  // so far (format 1, from before device keys) as legacy. Enrolling again
  // after a rotation voided the first (docs/design.md) keeps the records
  // written since the first.
  absl::Status Enrol(std::string_view name) ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  absl::Status Rename(const std::string& device_id, std::string_view name)
      ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  // Revokes another device at this device's head for it, then rotates.
  absl::StatusOr<uint32_t> Revoke(const std::string& device_id)
      ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  // A new key epoch for the active devices, wrapped under the passphrase
  // this journal was unlocked with (and `new_secret_key`, boxed to each
  // member, when given). Returns the new epoch.
  absl::StatusOr<uint32_t> Rotate(const SecretBytes* new_secret_key)
      ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  // A passphrase change: `wrapped` (the current key under the new
  // passphrase) becomes the vault's wrapped key; `stretched` is the new
  // passphrase's Argon2id output for it.
  absl::Status Rewrap(const std::string& wrapped, SecretBytes stretched)
      ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  // Membership records from elsewhere (a hub's, ahead of its pull): kept
  // in meta, added to the membership, and any new epoch's key adopted.
  // Those in a slot that holds other bytes, those Membership::TakesNow
  // refuses, and those past kMaxMemberRecords are left out.
  absl::Status AddMembers(std::vector<MemberRecord> records)
      ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  // Writes again, under the current epoch, this device's newest Revoke or
  // Rename of a device when a rotation it had not seen voided it (and the
  // revoke is still needed). Returns how many it wrote.
  absl::StatusOr<int> RedoVoided() ABSL_LOCKS_EXCLUDED(write_mu_, members_mu_);
  // The stretched passphrase a rotation wraps the new key with, freshly
  // checked against the current wrapped key by the caller.
  void UseStretched(SecretBytes stretched) ABSL_LOCKS_EXCLUDED(write_mu_);
  // A device's name, opened with the key of the epoch it was sealed under
  // (empty when it does not open).
  std::string DeviceName(const DeviceState& device) const;
  // The current wrapped key (the membership's, or the one from init).
  std::string CurrentWrappedKey() const ABSL_LOCKS_EXCLUDED(members_mu_);
  // Set when a rotation arrived whose key this journal cannot open (the
  // passphrase changed on another device since this unlock): the vault
  // locks, and the next unlock opens it.
  bool keys_lost() const { return keys_lost_.load(); }

  absl::StatusOr<Entry> Log(const LogInput& input) ABSL_LOCKS_EXCLUDED(write_mu_);
  absl::StatusOr<Entry> Edit(const EditInput& input) ABSL_LOCKS_EXCLUDED(write_mu_);
  absl::StatusOr<Entry> Remove(std::string_view id) ABSL_LOCKS_EXCLUDED(write_mu_);
  absl::StatusOr<Entry> Restore(std::string_view id) ABSL_LOCKS_EXCLUDED(write_mu_);

  absl::StatusOr<Entry> Get(std::string_view id_or_prefix) const;
  // Every record of the entry as history JSON, oldest first.
  absl::StatusOr<std::vector<nlohmann::json>> History(std::string_view id_or_prefix) const;
  // Newest first. `total` (optional) receives the number of matches before the limit.
  absl::StatusOr<std::vector<Entry>> List(const ListFilter& filter, size_t* total) const;
  // `haven search` (journal_search.cc; docs/design.md, "Search"): the
  // newest `limit` entries holding the query's words and phrases and none
  // of its exclusions; `total` receives how many match in all.
  absl::StatusOr<std::vector<SearchHit>> Search(const SearchQuery& query,
                                                const SearchFilter& filter, size_t limit,
                                                size_t* total) const;
  // The search index's approximate heap bytes and entries (bench, vault info).
  std::pair<size_t, size_t> SearchIndexSize() const { return view_.SearchIndexSize(); }
  // Streams matching entries (newest first unless filter.oldest_first)
  // until `visit` returns false.
  absl::Status Scan(const ListFilter& filter, const std::function<bool(const Entry&)>& visit) const;
  // The state of every entry matching `filter` (its limit and order aside),
  // in no particular order, opened on `workers` threads at once: for stats
  // over a whole history (StateToEntry turns a state into an Entry).
  // `visit(worker, state)` runs on thread `worker` (0 .. workers-1); calls
  // with the same worker never overlap.
  absl::Status ScanParallel(const ListFilter& filter, int workers,
                            const std::function<void(int, const v1::EntryState&)>& visit) const {
    return view_.ScanParallel(filter, workers, visit);
  }
  // Import, one entry at a time: checks one entry and builds its record;
  // nullopt when its id is already in the journal (the caller skips ids
  // repeated within its input). Errors name `input.origin`. Safe to call
  // from several threads at once.
  absl::StatusOr<std::optional<v1::RecordBody>> PrepareImport(const LogInput& input) const;
  // Writes prepared records durably, 1024 to a batch, and returns how many
  // it wrote: an entry that reached the journal since it was prepared (a
  // sync in between) is skipped.
  absl::StatusOr<size_t> WriteImported(std::vector<v1::RecordBody> bodies)
      ABSL_LOCKS_EXCLUDED(write_mu_);
  // Around the writes of a big import (Store::BulkLoad says why):
  // compaction pauses until the returned scope ends.
  Store::BulkLoad StartBulkWrite() { return store_->StartBulkLoad(); }

  using CreatedEntry = haven::CreatedEntry;
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
    std::vector<char> member;  // membership records (no body, nothing to fold)
    // Meta rows to write with the batch: a new wrapped key or Secret Key
    // this batch's membership records brought.
    std::vector<std::pair<std::string, std::string>> meta;
    std::vector<size_t> order;  // the records that opened, in log order
    uint64_t rejected = 0;      // the records that did not
  };
  // What one pull carries from batch to batch: each batch is opened while
  // the one before it is stored, so what that one brought (each device's
  // last chain hash, its membership records) is not in the log yet.
  struct PullState {
    CarriedChains chains;
    std::vector<MemberRecord> members;
  };
  // `state` (optional) is read and updated; give batches in arrival order.
  OpenedBatch OpenPulled(std::vector<std::string> sealed, PullState* state = nullptr) const;
  // Stores an opened batch and folds it into the view, all in one write
  // (fsynced when `sync`). Batches must be stored in the order they
  // arrived. Returns how many records were new.
  absl::StatusOr<size_t> StorePulled(OpenedBatch batch, bool sync) ABSL_LOCKS_EXCLUDED(write_mu_);
  // Folds records that the log holds but the view has not applied yet
  // (stored by an older daemon, or left by a crash) into the view.
  absl::Status CatchUp() ABSL_LOCKS_EXCLUDED(write_mu_);
  // Shares the manifest types this person wrote (files under `home_plugins`)
  // with the vault's other devices: one sealed DEFINE_TYPES record per type
  // whose definition the vault does not hold yet.
  absl::Status PublishLocalTypes(const std::string& home_plugins) ABSL_LOCKS_EXCLUDED(write_mu_);

  // `haven doctor`: opens every stored record and view row, and recomputes
  // from the records which records each entry is made of. Problems as
  // readable lines, one each: a record missing, not opening or holding JSON
  // beyond its limits; a view row that does not open or is not under its
  // entry's key (swapped), one that misses records of its entry (stale,
  // e.g. rolled back to an older version), an entry with no view row.
  // When the view has a problem it is marked for a rebuild from the
  // records at the next Open, and a line says so. `warnings` (optional)
  // receives what needs no repair here: one line per device whose records
  // are stamped past the clock's drift bound (DriftTally).
  std::vector<std::string> Verify(size_t* records, size_t* entries,
                                  std::vector<std::string>* warnings = nullptr) const;

  // Index-only reads for the practice companions (server/practice/): they
  // open no entry. `visit` runs under the view's reader lock and must not
  // call into the journal.
  size_t CountIndexed(const IndexQuery& query) const { return view_.Count(query); }
  void VisitIndexed(const IndexQuery& query,
                    const std::function<bool(const IndexedEntry&)>& visit) const {
    view_.VisitIndex(query, visit);
  }
  std::vector<std::pair<std::string, size_t>> LiveByType() const { return view_.LiveByType(); }

  size_t live_entries() const { return view_.live_entries(); }
  size_t deleted_entries() const { return view_.all_entries() - view_.live_entries(); }
  const VaultKeys& keys() const { return *keys_; }
  const VaultIdentity& identity() const { return identity_; }

 private:
  Journal(Store* store, RecordLog* log, absl::Mutex* log_writer, TypeRegistry* types,
          VaultIdentity identity, std::unique_ptr<VaultKeys> keys, DeviceSecrets secrets,
          Membership members);

  // Appends one membership record of this device (with `meta` puts in the
  // same write) and adds it to the membership.
  absl::Status AppendMember(v1::MembershipOp op,
                            const std::vector<std::pair<std::string, std::string>>& meta)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_LOCKS_EXCLUDED(members_mu_);
  // Whether this unlock can rotate: another epoch fits, and the stretched
  // passphrase opens the current wrapped key (whose salt the new one takes).
  absl::Status CanRotate() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::StatusOr<uint32_t> RotateLocked(const SecretBytes* new_secret_key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_LOCKS_EXCLUDED(members_mu_);
  // Takes the keys of epochs `members` knows and this journal does not
  // hold yet, and the Secret Key boxed for this device; the meta puts that
  // keep them (the new wrapped key and Secret Key) go to `meta`.
  void AdoptEpochs(const Membership& members,
                   std::vector<std::pair<std::string, std::string>>* meta) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Refolds the entries that records of a device whose cut moved between
  // `before` and `after` touched beyond the lower cut: folded before a
  // revoke arrived, or left out before a revoke was voided.
  absl::Status RefoldPastCuts(const Membership& before, const Membership& after)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_LOCKS_EXCLUDED(members_mu_);
  // Whether `members` names an epoch key not held, or another primary.
  bool NeedsKeys(const Membership& members) const;
  // AdoptEpochs' work: takes every Epoch op's key it can open; false when
  // the membership's choice for some epoch is not held after it.
  bool TakeEpochKeys(const Membership& members, const SecretBytes& secret) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The membership with a pulled batch's membership records added; marks
  // them in `opened->member` and clears good[i] for those that do not parse
  // and, setting ignored[i] too, for those it does not take now
  // (Membership::TakesNow).
  Membership PulledMembership(const std::vector<std::string>& sealed, OpenedBatch* opened,
                              std::vector<char>* good, std::vector<char>* ignored,
                              PullState* state) const ABSL_LOCKS_EXCLUDED(members_mu_);
  // The chain hash of `device_id`'s record at `seq` here (32 zero bytes
  // for 0).
  absl::StatusOr<std::string> ChainHashAt(const std::string& device_id, uint64_t seq) const;
  // This device's first Enrol (signed by its current key), if it wrote one.
  std::optional<MemberRecord> OwnFirstEnrol() const ABSL_LOCKS_EXCLUDED(members_mu_);
  // The chain hash of this device's last record.
  std::string OwnChainHead() const;

  absl::StatusOr<Entry> EntryFromState(const v1::EntryState& state) const;
  // Validates `input` and builds its CREATE body (hlc unset).
  absl::StatusOr<v1::RecordBody> BuildCreate(const LogInput& input) const;
  absl::StatusOr<nlohmann::json> BuildFields(const ExerciseType& type, nlohmann::json base,
                                             const std::map<std::string, std::string>& text,
                                             const nlohmann::json& json_fields) const;
  // The body of an EDIT of `current` (an empty change when it reads so already).
  absl::StatusOr<v1::RecordBody> BuildEdit(const EditInput& input, const Entry& current) const;
  // A DELETE or RESTORE of `current`, seeing every record held.
  v1::RecordBody BuildTombstone(v1::RecordBody::Kind kind, const Entry& current) const;

  // This device's next records, sealed and folded, ready to be written.
  struct StagedAppend {
    std::vector<v1::RecordBody> bodies;
    RecordLog::Append append;     // the records and the batch
    std::vector<FoldItem> items;  // point into `append.records` and `bodies`
    PendingStates pending;
    absl::Status status;  // of staging, when it runs on another thread
  };
  // Seals `bodies` as this device's next records, folds them into the view
  // and writes everything durably in one batch. Fills `states` (optional)
  // with the entries' new states.
  absl::Status AppendLocal(std::vector<v1::RecordBody> bodies,
                           std::vector<v1::EntryState>* states = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Appends one record and returns its entry as it now reads.
  absl::StatusOr<Entry> AppendOne(v1::RecordBody body) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // AppendLocal in two steps, so that an import stages one batch while the
  // one before is written. Stage seals and folds (numbered from
  // `first_seq`); it reads the view, so it runs while the write mutex is
  // held (by the thread that commits, when it runs on a helper thread).
  // Commit writes durably and publishes.
  // `prev_hash`: the chain hash of the record before `first_seq`.
  StagedAppend StageLocal(std::vector<v1::RecordBody> bodies, uint64_t first_seq,
                          std::string prev_hash);
  absl::Status CommitLocal(StagedAppend* staged) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The pulled records that the log accepts, matched with their bodies.
  std::vector<FoldItem> MatchAccepted(const std::vector<IncomingRecord>& accepted,
                                      OpenedBatch* opened) const;
  std::map<std::string, uint64_t> SeenVector() const;

  Store* store_;
  RecordLog* log_;
  TypeRegistry* types_;
  VaultIdentity identity_;
  std::unique_ptr<VaultKeys> keys_;
  // Read by OpenPulled beside writes; the Secret Key and the stretched
  // passphrase change only under the write mutex and are read under it.
  mutable DeviceSecrets secrets_;
  std::string sign_public_key_;
  mutable absl::Mutex members_mu_;
  Membership members_ ABSL_GUARDED_BY(members_mu_);
  mutable std::atomic<bool> keys_lost_{false};
  HybridClock clock_;
  View view_;
  // Serialises every write to the log and the view: the heads and the
  // view's rows change only under it. Shared by every journal over the log.
  absl::Mutex* const write_mu_;
};

// Normalises tags: trimmed, unique, sorted; InvalidArgument for an empty or
// spaced tag.
absl::StatusOr<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags);

}  // namespace haven

#endif  // HAVEN_SERVER_JOURNAL_JOURNAL_H_
