#include "server/sync/sync_engine.h"

#include <chrono>
#include <future>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "common/field_error.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_key.h"
#include "server/crypto/vault_keys.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr int64_t kAfterWriteDelayUs = 1000000;
constexpr int64_t kWatchRetryMinUs = 1000000;
constexpr int64_t kWatchRetryMaxUs = 60LL * 1000000;

}  // namespace

SyncEngine::SyncEngine(Store* store, RecordLog* log, Vault* vault, int64_t interval_us)
    : store_(store), log_(log), vault_(vault), interval_us_(interval_us) {}

SyncEngine::~SyncEngine() { Stop(); }

void SyncEngine::Start() {
  absl::MutexLock lock(&mu_);
  if (loop_.joinable()) return;
  if (interval_us_ > 0) due_us_ = NowMicros() + interval_us_;
  loop_ = std::thread([this] { Loop(); });
}

void SyncEngine::Stop() {
  std::map<std::string, Watcher> watchers;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.SignalAll();
    watchers = std::move(watchers_);
    for (auto& [name, w] : watchers) w.ctx->TryCancel();
  }
  for (auto& [name, w] : watchers) w.thread.join();
  if (loop_.joinable()) loop_.join();
}

void SyncEngine::NotifyLocalWrite() {
  absl::MutexLock lock(&mu_);
  int64_t soon = NowMicros() + kAfterWriteDelayUs;
  if (due_us_ == 0 || due_us_ > soon) due_us_ = soon;
  wake_.SignalAll();
}

absl::Status SyncEngine::ExchangeMembership(HubClient* client, const HubCredential& credential) {
  // Membership first (docs/design.md, "Devices and key epochs"): a new key
  // epoch is known before any record sealed under it arrives, a locked
  // device learns of a new passphrase or Secret Key, and a hub learns the
  // ops its devices hold that it lacks (another hub's rotation).
  std::vector<std::string> on_hub;
  RETURN_IF_ERROR(client->FetchWrappedKey(credential.vault_id, &on_hub).status());
  RETURN_IF_ERROR(vault_->AddMemberRecords(on_hub));
  std::set<std::string> held(on_hub.begin(), on_hub.end());
  std::vector<std::string> missing;
  for (const std::string& record : credential.member_records) {
    if (!held.contains(record)) missing.push_back(record);
  }
  if (missing.empty()) return absl::OkStatus();
  return client->SubmitMemberRecords(credential.vault_id, missing);
}

absl::Status SyncEngine::LogIn(HubClient* client, HubCredential* credential) {
  absl::Status login = client->Login(*credential);
  if (!absl::IsNotFound(login) || credential->device_id.empty()) return login;
  ASSIGN_OR_RETURN(*credential, EnrolAgain(client, *credential));
  return client->Login(*credential);
}

absl::StatusOr<HubCredential> SyncEngine::EnrolAgain(HubClient* client,
                                                     const HubCredential& credential) {
  // The hub's membership (with the rotation), then a new enrolment under
  // the current epoch, which SettleMembership writes when this device is
  // not enrolled (docs/design.md, "Devices and key epochs").
  RETURN_IF_ERROR(ExchangeMembership(client, credential));
  vault_->Settle();
  return vault_->hub_credential();
}

absl::StatusOr<VersionVector> SyncEngine::HubHeads(HubClient* client) {
  std::map<std::string, int64_t> last_seen;
  ASSIGN_OR_RETURN(VersionVector hub_heads, client->Heads(&last_seen));
  if (absl::Status noted = vault_->NoteLastSeen(last_seen); !noted.ok()) {
    Log(LogLevel::kWarn, "could not keep when the hub last saw each device",
        {{"error", std::string(noted.message())}});
  }
  return hub_heads;
}

absl::StatusOr<SyncCounts> SyncEngine::SyncRemote(const v1::RemoteConfig& config) {
  ASSIGN_OR_RETURN(HubCredential credential, vault_->hub_credential());
  ASSIGN_OR_RETURN(auto client, HubClient::Connect(EndpointFrom(config)));
  RETURN_IF_ERROR(LogIn(client.get(), &credential));
  RETURN_IF_ERROR(PinHubId(config.info().name(), client->hub_id()));
  if (!credential.device_id.empty()) {
    RETURN_IF_ERROR(ExchangeMembership(client.get(), credential));
  }
  SyncCounts counts;
  ASSIGN_OR_RETURN(VersionVector hub_heads, HubHeads(client.get()));
  ASSIGN_OR_RETURN(counts.pushed, client->Push(*log_, hub_heads));
  // Pulled records are stored only once they are seen to open, which needs
  // the key: a locked device pushes, and pulls at its next unlock.
  std::shared_ptr<Journal> journal = vault_->PeekJournal();
  if (journal == nullptr) return counts;
  // Each batch is stored and folded into the view in one write, so a cut
  // stream or a killed daemon resumes from the heads it reached. Batches are
  // not fsynced one by one: what a crash takes back is still on the hub and
  // comes again; the WAL is synced once the stream ends.
  // One batch is opened on a helper thread while the one before is stored.
  std::future<Journal::OpenedBatch> opening;
  absl::Status stored_so_far;
  auto store_opened = [&](std::future<Journal::OpenedBatch> done) {
    if (!done.valid() || !stored_so_far.ok()) return stored_so_far;
    Journal::OpenedBatch opened = done.get();
    counts.rejected += opened.rejected;
    absl::StatusOr<size_t> stored = journal->StorePulled(std::move(opened), /*sync=*/false);
    if (stored.ok()) counts.pulled += *stored;
    stored_so_far = stored.status();
    return stored_so_far;
  };
  // Batches open in order (each carries what the one before brought in
  // `pull_state`), each while the one before it is stored.
  Journal::PullState pull_state;
  absl::Status pulled = client->Pull(log_->Heads(), [&](std::vector<std::string> batch) {
    std::future<Journal::OpenedBatch> before = std::move(opening);
    if (before.valid()) before.wait();
    opening =
        std::async(std::launch::async, [&journal, &pull_state, batch = std::move(batch)]() mutable {
          return journal->OpenPulled(std::move(batch), &pull_state);
        });
    return store_opened(std::move(before));
  });
  // The last batch that arrived whole is stored, even when the stream was
  // cut after it. Its status lands in stored_so_far, returned below.
  (void)store_opened(std::move(opening));
  if (counts.pulled > 0) RETURN_IF_ERROR(store_->Sync());
  RETURN_IF_ERROR(stored_so_far);
  RETURN_IF_ERROR(pulled);
  if (counts.rejected > 0) {
    Log(LogLevel::kError, "rejected records from hub",
        {{"remote", config.info().name()}, {"count", std::to_string(counts.rejected)}});
    return absl::DataLossError("remote \"" + config.info().name() + "\" sent " +
                               std::to_string(counts.rejected) +
                               " record(s) that do not open with this vault's key; they were "
                               "rejected and nothing else was touched");
  }
  return counts;
}

absl::StatusOr<SyncCounts> SyncEngine::Sync(const std::string& name) {
  return SyncNow(name, SyncCaller::kPerson);
}

void SyncEngine::TallyLocked(SyncCaller caller, SyncCounts* counts) {
  absl::MutexLock lock(&mu_);
  if (caller == SyncCaller::kPerson) {
    counts->background = std::exchange(background_, BackgroundSyncs{});
  } else if (caller == SyncCaller::kBackground && counts->pushed + counts->pulled > 0) {
    background_.pushed += counts->pushed;
    background_.pulled += counts->pulled;
    background_.last_us = NowMicros();
  }
}

absl::StatusOr<SyncCounts> SyncEngine::SyncNow(const std::string& name, SyncCaller caller) {
  if (!vault_->exists()) {
    return absl::FailedPreconditionError(
        "no vault in this home yet: run `haven init` or `haven join`");
  }
  std::vector<v1::RemoteConfig> remotes = Remotes();
  if (!name.empty()) {
    std::erase_if(remotes, [&](const auto& r) { return r.info().name() != name; });
    if (remotes.empty()) return absl::NotFoundError("no remote named \"" + name + "\"");
  }
  if (remotes.empty()) {
    return absl::FailedPreconditionError("no remotes yet: add one with `haven remote add`");
  }
  absl::MutexLock lock(&sync_mu_);
  SyncCounts total;
  absl::Status first_error;
  for (const auto& remote : remotes) {
    auto counts = SyncRemote(remote);
    // A pulled revocation may leave its device holding the current key.
    if (counts.ok() && counts->pulled > 0) vault_->Settle();
    RecordOutcome(remote.info().name(), counts.status());
    if (!counts.ok()) {
      if (first_error.ok()) first_error = counts.status();
      continue;
    }
    total.pushed += counts->pushed;
    total.pulled += counts->pulled;
  }
  // Still under sync_mu_: a person's sync that waited for a background one
  // reports what that one moved. A failed background sync still counts
  // what its other remotes moved; a failed person's sync takes nothing.
  if (first_error.ok() || caller == SyncCaller::kBackground) TallyLocked(caller, &total);
  if (!first_error.ok()) return first_error;
  return total;
}

absl::StatusOr<std::pair<std::string, SyncCounts>> SyncEngine::Join(const v1::JoinRequest& req) {
  if (vault_->exists()) {
    return absl::AlreadyExistsError("this home already has a vault; join from a fresh --home");
  }
  auto vault_id = HexDecode(req.vault_id());
  if (!vault_id || vault_id->size() != kVaultIdBytes) {
    return InputError(absl::StatusCode::kInvalidArgument, "vault_id", "vault id",
                      "expected the 32-character vault id");
  }
  ASSIGN_OR_RETURN(SecretBytes secret_key, ParseSecretKey(req.secret_key()));
  v1::RemoteConfig remote;
  remote.mutable_info()->set_name(req.remote_name().empty() ? "hub" : req.remote_name());
  remote.mutable_info()->set_address(req.address());
  remote.mutable_info()->set_ca_file(req.ca_file());
  remote.mutable_info()->set_insecure(req.insecure());
  remote.set_token(req.token());
  ASSIGN_OR_RETURN(auto client, HubClient::Connect(EndpointFrom(remote)));
  JoinSecrets join;
  join.vault_id = *vault_id;
  join.device_name = req.device_name();
  ASSIGN_OR_RETURN(join.wrapped_key, client->FetchWrappedKey(*vault_id, &join.member_records));
  RETURN_IF_ERROR(WrappedKeyProfile(join.wrapped_key).status());  // refuses weak KDFs
  ASSIGN_OR_RETURN(join.stretched, StretchPassphrase(join.wrapped_key, req.passphrase()));
  ASSIGN_OR_RETURN(join.current_key,
                   UnwrapStretched(join.wrapped_key, join.stretched, secret_key, *vault_id));
  join.secret_key = std::move(secret_key);
  // The key is the vault's before anything is stored: its epoch-0 key names
  // the vault id, and a later epoch's authority key is the one its signed
  // Epoch record announces (Vault::Join checks both).
  ASSIGN_OR_RETURN(std::string device_id, vault_->Join(std::move(join)));
  RETURN_IF_ERROR(AddRemote(remote));
  ASSIGN_OR_RETURN(SyncCounts counts, SyncNow(remote.info().name(), SyncCaller::kJoin));
  return std::make_pair(device_id, counts);
}

void SyncEngine::Loop() {
  mu_.Lock();
  while (!stopping_) {
    mu_.Unlock();
    EnsureWatchers();
    mu_.Lock();
    int64_t now = NowMicros();
    if (due_us_ != 0 && now >= due_us_) {
      due_us_ = interval_us_ > 0 ? now + interval_us_ : 0;
      mu_.Unlock();
      if (vault_->exists() && !Remotes().empty()) {
        auto counts = SyncNow("", SyncCaller::kBackground);
        if (!counts.ok()) {
          Log(LogLevel::kWarn, "background sync failed",
              {{"error", std::string(counts.status().message())}});
        } else if (counts->pushed + counts->pulled > 0) {
          Log(LogLevel::kInfo, "synced",
              {{"pushed", std::to_string(counts->pushed)},
               {"pulled", std::to_string(counts->pulled)}});
        }
      }
      mu_.Lock();
      continue;
    }
    int64_t wait_us = due_us_ == 0 ? 1000000 : std::min<int64_t>(due_us_ - now, 1000000);
    wake_.WaitWithTimeout(&mu_, absl::Microseconds(std::max<int64_t>(wait_us, 1000)));
  }
  mu_.Unlock();
}

void SyncEngine::EnsureWatchers() {
  if (!vault_->exists()) return;
  std::vector<v1::RemoteConfig> remotes = Remotes();
  std::vector<Watcher> ended;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      bool still = std::any_of(remotes.begin(), remotes.end(),
                               [&](const auto& r) { return r.info().name() == it->first; });
      if (still) {
        ++it;
        continue;
      }
      it->second.ctx->TryCancel();
      ended.push_back(std::move(it->second));
      it = watchers_.erase(it);
    }
    for (const auto& r : remotes) {
      if (watchers_.contains(r.info().name())) continue;
      Watcher& w = watchers_[r.info().name()];
      w.ctx = std::make_shared<grpc::ClientContext>();
      w.thread = std::thread([this, name = r.info().name()] { WatchLoop(name); });
    }
  }
  for (auto& w : ended) w.thread.join();
}

void SyncEngine::WatchLoop(std::string name) {
  int64_t backoff = kWatchRetryMinUs;
  while (true) {
    int64_t watching_since_us = -1;  // after a login, the watch's start
    std::shared_ptr<grpc::ClientContext> ctx;
    {
      absl::MutexLock lock(&mu_);
      auto it = watchers_.find(name);
      if (stopping_ || it == watchers_.end()) return;
      ctx = it->second.ctx;
    }
    absl::Status s = [&]() -> absl::Status {
      auto remotes = Remotes();
      auto r = std::find_if(remotes.begin(), remotes.end(),
                            [&](const auto& c) { return c.info().name() == name; });
      if (r == remotes.end()) return absl::NotFoundError("remote removed");
      ASSIGN_OR_RETURN(HubCredential credential, vault_->hub_credential());
      ASSIGN_OR_RETURN(auto client, HubClient::Connect(EndpointFrom(*r)));
      RETURN_IF_ERROR(client->Login(credential));
      RETURN_IF_ERROR(PinHubId(name, client->hub_id()));
      backoff = kWatchRetryMinUs;
      watching_since_us = NowMicros();
      return client->Watch(ctx.get(), [this] {
        absl::MutexLock lock(&mu_);
        due_us_ = NowMicros();  // another device pushed: sync now
        wake_.SignalAll();
      });
    }();
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    Log(LogLevel::kDebug, "watch ended", {{"remote", name}, {"error", std::string(s.message())}});
    // A fresh context for the next attempt; ClientContext is single-use.
    auto it = watchers_.find(name);
    if (it == watchers_.end()) return;
    it->second.ctx = std::make_shared<grpc::ClientContext>();
    // The hub ends a watch when its session expires: log in again at once.
    // Only after a watch that lasted, so that a hub ending every watch at
    // once makes this back off rather than spin.
    if (s.code() == absl::StatusCode::kUnauthenticated && watching_since_us >= 0 &&
        NowMicros() - watching_since_us >= kWatchRetryMinUs) {
      continue;
    }
    const absl::Time deadline = absl::Now() + absl::Microseconds(backoff);
    while (!stopping_) {
      if (wake_.WaitWithDeadline(&mu_, deadline)) break;  // timed out
    }
    backoff = std::min(backoff * 2, kWatchRetryMaxUs);
  }
}

}  // namespace haven
