// Keeps this device and its remotes (hubs) in step: on demand, every
// --sync-interval, soon after a local write, and at once when a hub's watch
// stream says another device pushed. Moves sealed records only. While the
// vault is locked it pushes; it pulls only when unlocked, because every pulled
// record is checked to open before it is stored (a forged record from a hub
// must never take a sequence slot).
//
// Thread safety: all public methods may be called from any thread.
#ifndef HAVEN_SERVER_SYNC_SYNC_ENGINE_H_
#define HAVEN_SERVER_SYNC_SYNC_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/daemon.pb.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "server/sync/hub_client.h"
#include "server/vault/vault.h"

namespace haven {

// What background syncs (timer, after a write, a hub's watch) moved since
// the last explicit Sync, in records: one per new entry, edit, deletion,
// restore or shared type definition.
struct BackgroundSyncs {
  uint64_t pushed = 0;
  uint64_t pulled = 0;
  int64_t last_us = 0;  // when the last of them that moved a record ended; 0: none
};

struct SyncCounts {
  uint64_t pushed = 0;    // records sent
  uint64_t pulled = 0;    // records received and stored
  uint64_t rejected = 0;  // records from the hub that did not open or did not belong
  // Sync() only: what background syncs moved before it (see BackgroundSyncs).
  BackgroundSyncs background;
};

class SyncEngine {
 public:
  // Everything must outlive the engine. `interval_us` 0 disables the timer.
  SyncEngine(Store* store, RecordLog* log, Vault* vault, int64_t interval_us);
  ~SyncEngine();

  void Start();  // the background thread and the watchers
  void Stop();
  // A local write happened: sync within about a second.
  void NotifyLocalWrite();

  absl::Status AddRemote(v1::RemoteConfig config);
  absl::Status RemoveRemote(const std::string& name);
  std::vector<v1::RemoteConfig> Remotes() const;

  // Syncs one remote by name, or every remote when `name` is empty, for
  // someone who asked (`haven sync`): the counts also say what background
  // syncs moved since the last such call that succeeded, and start that
  // tally again. Pulling needs the unlocked journal to check records.
  absl::StatusOr<SyncCounts> Sync(const std::string& name);
  // Joins an existing vault held by a hub; see `haven join`.
  absl::StatusOr<std::pair<std::string, SyncCounts>> Join(const v1::JoinRequest& request);

 private:
  // Fetches the hub's membership records into the vault and sends the hub
  // those it lacks.
  // Logs in; when the hub does not count this device's enrolment, enrols
  // again (EnrolAgain) and logs in once more with the new `credential`.
  absl::Status LogIn(HubClient* client, HubCredential* credential);
  // After a hub refused this device's login because its enrolment has no
  // effect: takes the hub's membership, enrols again, and returns the
  // credential that carries the new enrolment.
  absl::StatusOr<HubCredential> EnrolAgain(HubClient* client, const HubCredential& credential);
  absl::Status ExchangeMembership(HubClient* client, const HubCredential& credential);
  // The hub's heads; keeps when it last saw each device.
  absl::StatusOr<VersionVector> HubHeads(HubClient* client);
  absl::StatusOr<SyncCounts> SyncRemote(const v1::RemoteConfig& config);
  enum class SyncCaller { kPerson, kBackground, kJoin };
  // Sync's work for each caller: a background sync adds what it moved to
  // the tally, a person's sync takes the tally into its counts.
  absl::StatusOr<SyncCounts> SyncNow(const std::string& name, SyncCaller caller);
  void TallyLocked(SyncCaller caller, SyncCounts* counts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_)
      ABSL_LOCKS_EXCLUDED(mu_);
  void RecordOutcome(const std::string& name, const absl::Status& status);
  // Pins the id of the hub remote `name` logged in to, at its first login
  // (server/sync/remotes.cc); Unavailable when another id is pinned there
  // or another remote of this device pinned this one.
  absl::Status PinHubId(const std::string& name, const std::string& hub_id);
  // Unavailable when a remote other than `name` pinned `hub_id`. Called
  // with remotes_mu_ held.
  absl::Status CheckHubIdUnusedLocked(const std::string& name, const std::string& hub_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(remotes_mu_);
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);
  void WatchLoop(std::string name);
  void EnsureWatchers();

  Store* store_;
  RecordLog* log_;
  Vault* vault_;
  const int64_t interval_us_;

  absl::Mutex sync_mu_;  // one sync at a time
  // Serialises read-modify-writes of remote configs, so a sync that ends
  // while its remote is removed cannot write the remote back.
  absl::Mutex remotes_mu_;
  mutable absl::Mutex mu_;
  absl::CondVar wake_;  // signalled when due_us_, stopping_ or the remotes change
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t due_us_ ABSL_GUARDED_BY(mu_) = 0;  // next sync; 0 none scheduled
  std::thread loop_;
  struct Watcher {
    std::thread thread;
    std::shared_ptr<grpc::ClientContext> ctx;
  };
  std::map<std::string, Watcher> watchers_ ABSL_GUARDED_BY(mu_);
  BackgroundSyncs background_ ABSL_GUARDED_BY(mu_);  // since the last Sync()
};

}  // namespace haven

#endif  // HAVEN_SERVER_SYNC_SYNC_ENGINE_H_
