#include "server/daemon/daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/home_socket.h"
#include "server/crypto/ids.h"
#include "server/daemon/heap.h"
#include "server/daemon/home_dir.h"
#include "server/daemon/memory.h"
#include "server/daemon/unix_listener.h"
#include "server/hub/hub_auth.h"
#include "server/hub/hub_service.h"
#include "server/hub/hub_storage.h"
#include "server/plugins/plugin_dirs.h"
#include "server/plugins/type_registry.h"
#include "server/practice/notifier.h"
#include "server/practice/practice_clock.h"
#include "server/practice/reminder_scheduler.h"
#include "server/practice/reminder_store.h"
#include "server/service/admin_service.h"
#include "server/service/journal_service.h"
#include "server/service/practice_service.h"
#include "server/service/vault_service.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "server/sync/sync_engine.h"
#include "server/util/log.h"
#include "server/util/net_address.h"
#include "server/util/status_macros.h"
#include "server/vault/vault.h"

namespace haven {
namespace {

// Signals are blocked in every thread and collected here, so shutdown runs
// on an ordinary thread rather than in a handler.
class ShutdownSignal {
 public:
  void Request() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    requested_ = true;
  }
  void Wait() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&requested_));
  }

 private:
  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
};

// A CLI call carries at most an import chunk or a `--json` entry.
constexpr int kLocalMaxReceiveBytes = 64 << 20;
// The home socket serves one person's commands, a call each (an export or
// an import streams on one): bounds far above that, so that a runaway
// script of the same user cannot make the daemon take more than it has.
// Past the threads, a call is refused with RESOURCE_EXHAUSTED; a
// connection with no call for a minute is closed (the CLI connects anew
// for a call after 5 s).
constexpr size_t kLocalMemoryQuotaBytes = size_t{1} << 30;
constexpr int kLocalMaxThreads = 64;
constexpr int kLocalMaxStreamsPerConnection = 16;
constexpr int kLocalMaxIdleMs = 60 * 1000;
// The largest message a hub needs is a pushed batch (at most 4 MiB of
// records, docs/design.md "Sync") with its framing; everything before a
// login is far smaller and is bounded again by each handler.
constexpr int kHubMaxReceiveBytes = 5 << 20;
// What the hub's gRPC transports may buffer in all, and how many threads
// its synchronous handlers may hold (each Watch stream holds one).
constexpr size_t kHubMemoryQuotaBytes = size_t{512} << 20;
constexpr int kHubMaxThreads = 512;
constexpr int kHubMaxStreamsPerConnection = 32;

absl::StatusOr<std::string> ReadFileText(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(flag + ": cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// TLS when a certificate is given; plaintext only on loopback or with --insecure.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TcpCredentials(
    const DaemonOptions& options) {
  if (!options.tls_cert.empty()) {
    if (options.tls_key.empty()) return absl::InvalidArgumentError("--tls-cert needs --tls-key");
    ASSIGN_OR_RETURN(std::string cert, ReadFileText("--tls-cert", options.tls_cert));
    ASSIGN_OR_RETURN(std::string key, ReadFileText("--tls-key", options.tls_key));
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({key, cert});
    return grpc::SslServerCredentials(ssl);
  }
  if (!options.insecure && !IsLoopbackAddress(options.listen)) {
    return absl::InvalidArgumentError(
        "--listen " + options.listen +
        ": plaintext TCP is allowed only on loopback; give --tls-cert/--tls-key or --insecure");
  }
  return grpc::InsecureServerCredentials();
}

absl::StatusOr<std::string> ReadToken(const DaemonOptions& options) {
  if (options.token_file.empty()) return std::string();
  ASSIGN_OR_RETURN(std::string token, ReadFileText("--token-file", options.token_file));
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) return absl::InvalidArgumentError("--token-file: the file is empty");
  return token;
}

// Leaves server reflection out of one server: every builder gets the
// plugin once the reflection library is linked, and the hub's TCP port has
// no reason to describe its services to whoever asks.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins,
                  [](const auto& plugin) { return plugin->name() == "proto_server_reflection"; });
  }
};

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MemoryInterceptors(MemoryReleaser* releaser) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> list;
  list.push_back(ReleaseAfterBigCalls(releaser));
  return list;
}

// What one of the daemon's gRPC servers may take: `bytes` of transport
// buffers in all, `threads` synchronous handlers (a call past them is
// RESOURCE_EXHAUSTED), `streams` on one connection, a message of `message`.
void Bound(grpc::ServerBuilder& builder, const char* name, size_t bytes, int threads, int streams,
           int message) {
  grpc::ResourceQuota quota(name);
  quota.Resize(bytes);
  quota.SetMaxThreads(threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(message);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, streams);
}

// The home's own services (Journal, Vault and Practice on a device, Admin
// on both): a server with no port of its own, fed only the Unix socket
// connections of the daemon's user (server/daemon/unix_listener.h).
struct LocalServices {
  JournalService* journal;
  VaultService* vault;
  PracticeService* practice;
  AdminService* admin;
};

std::unique_ptr<grpc::Server> StartLocalServer(const DaemonOptions& options,
                                               const LocalServices& services,
                                               MemoryReleaser* releaser) {
  grpc::ServerBuilder builder;
  if (!options.hub) {
    builder.RegisterService(services.journal);
    builder.RegisterService(services.vault);
    builder.RegisterService(services.practice);
  }
  builder.RegisterService(services.admin);
  Bound(builder, "haven-home", kLocalMemoryQuotaBytes, kLocalMaxThreads,
        kLocalMaxStreamsPerConnection, kLocalMaxReceiveBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, kLocalMaxIdleMs);
  builder.experimental().SetInterceptorCreators(MemoryInterceptors(releaser));
  return builder.BuildAndStart();
}

// The hub's TCP port: the Hub service and gRPC health only; never Admin,
// never reflection.
// Its buffers, threads and streams per connection are bounded so that no
// caller can make the hub take more than it can give.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartHubServer(
    const DaemonOptions& options, std::shared_ptr<grpc::ServerCredentials> credentials,
    HubService* hub, MemoryReleaser* releaser) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, std::move(credentials), &port);
  builder.RegisterService(hub);
  Bound(builder, "haven-hub", kHubMemoryQuotaBytes, kHubMaxThreads, kHubMaxStreamsPerConnection,
        kHubMaxReceiveBytes);
  builder.SetOption(std::make_unique<WithoutReflection>());
  builder.experimental().SetInterceptorCreators(MemoryInterceptors(releaser));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) return absl::UnavailableError("cannot listen on " + options.listen);
  return server;
}

// Blocks the shutdown signals before anything starts a thread (gRPC does
// as soon as credentials are made): every thread inherits the mask, so
// SIGTERM reaches only the sigwait in ServeUntilShutdown and the daemon
// drains and exits cleanly instead of dying.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

absl::Status CheckOptions(const DaemonOptions& options) {
  if (!SetLogLevel(options.log_level)) {
    return absl::InvalidArgumentError("--log-level: expected debug, info, warn or error");
  }
  if (!options.listen.empty() && !options.hub) {
    return absl::InvalidArgumentError(
        "--listen serves a hub: add --hub (devices talk over the "
        "home's Unix socket only)");
  }
  if (options.hub && options.listen.empty()) {
    return absl::InvalidArgumentError("--hub needs --listen HOST:PORT");
  }
  return absl::OkStatus();
}

std::unique_ptr<TypeRegistry> LoadTypes(const DaemonOptions& options) {
  std::unique_ptr<TypeRegistry> types = TypeRegistry::Create(
      StandardRegistryOptions(ExecutableDir(), options.plugin_dirs, options.home));
  for (const auto& p : types->Problems()) {
    Log(LogLevel::kWarn, "plugin skipped", {{"source", p.source}, {"reason", p.reason}});
  }
  return types;
}

// What a hub serves (--hub); empty on a device. Members are destroyed in
// reverse order: the service before the auth and storage it uses.
struct HubParts {
  std::unique_ptr<HubStorage> storage;
  std::unique_ptr<HubAuth> auth;
  std::unique_ptr<HubService> service;
};

absl::StatusOr<HubParts> MakeHubParts(const DaemonOptions& options, Store* store,
                                      const std::string& token) {
  HubParts hub;
  if (!options.hub) return hub;
  ASSIGN_OR_RETURN(hub.storage,
                   NewRocksHubStorage(store, {options.max_vault_bytes, options.max_vaults}));
  ASSIGN_OR_RETURN(std::string hub_id, LoadOrCreateHubId(store));
  hub.auth = std::make_unique<HubAuth>(token, hub_id);
  hub.service = std::make_unique<HubService>(hub.storage.get(), hub.auth.get());
  return hub;
}

void LogReady(const DaemonOptions& options, const std::string& socket_path, const HubParts& hub) {
  Log(LogLevel::kInfo, options.hub ? "hub ready" : "havend ready",
      {{"home", options.home},
       {"socket", socket_path},
       {"listen", options.hub ? options.listen : ""},
       {"hub_id", hub.auth ? HexEncode(hub.auth->hub_id()) : ""},
       {"pid", std::to_string(getpid())},
       {"heap", HeapAllocatorName()}});
}

// Where reminders look for notify-send: the daemon's PATH.
std::string SearchPath() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "";
}

// What a device does on its own (a hub does neither): background sync and
// reminders.
void StartDeviceWork(SyncEngine* sync, ReminderScheduler* reminders) {
  sync->Start();
  reminders->Start();
}

// What runs until shutdown, in the order it is stopped.
struct Running {
  HubService* hub_service;  // null on a device
  ReminderScheduler* reminders;
  SyncEngine* sync;
  UnixListener* listener;
  grpc::Server* hub_server;  // null on a device
  grpc::Server* local_server;
  MemoryReleaser* releaser;
  Vault* vault;
};

// Waits for a shutdown request (Admin's, or one of `signals`), then stops
// everything in `r` in order.
void ServeUntilShutdown(const sigset_t& signals, ShutdownSignal& shutdown, const Running& r) {
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != 0) shutdown.Request();
  });
  shutdown.Wait();
  Log(LogLevel::kInfo, "shutting down");
  if (r.hub_service) r.hub_service->Stop();
  r.reminders->Stop();
  r.sync->Stop();
  r.listener->Stop();
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  if (r.hub_server) r.hub_server->Shutdown(deadline);
  r.local_server->Shutdown(deadline);
  if (r.hub_server) r.hub_server->Wait();
  r.local_server->Wait();
  r.releaser->Stop();
  r.vault->Lock();
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // release sigwait
  signal_thread.join();
}

// Where the vault keeps what is its own in the home (plugins, the index
// snapshot), and memory given back after each lock.
void PlaceVaultInHome(const DaemonOptions& options, MemoryReleaser* releaser, Vault* vault) {
  vault->set_home_plugins(options.home + "/plugins");
  vault->set_snapshot_path(options.home + "/index.snapshot");
  vault->set_after_close([releaser] { releaser->AfterLock(); });
}

}  // namespace

absl::Status RunDaemon(const DaemonOptions& options) {
  const sigset_t signals = BlockShutdownSignals();
  RETURN_IF_ERROR(CheckOptions(options));
  std::shared_ptr<grpc::ServerCredentials> tcp_credentials;
  if (!options.listen.empty()) {
    ASSIGN_OR_RETURN(tcp_credentials, TcpCredentials(options));
  }
  ASSIGN_OR_RETURN(std::string hub_token, ReadToken(options));
  RETURN_IF_ERROR(PrepareHome(options.home));
  ASSIGN_OR_RETURN(HomeLock home_lock, HomeLock::Acquire(options.home));

  TuneHeap();
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(options.home + "/store"));
  MemoryReleaser releaser(store.get());
  ASSIGN_OR_RETURN(std::unique_ptr<RecordLog> log, RecordLog::Open(store.get()));
  std::unique_ptr<TypeRegistry> types = LoadTypes(options);
  Vault vault(store.get(), log.get(), types.get(), options.lock_after_us);
  PlaceVaultInHome(options, &releaser, &vault);

  ShutdownSignal shutdown;
  SyncEngine sync(store.get(), log.get(), &vault, options.sync_interval_us);
  JournalService journal_service(&vault, types.get(), options.home + "/plugins", options.home,
                                 [&sync] { sync.NotifyLocalWrite(); });
  VaultService vault_service(&vault, log.get(), &sync, options.home);
  AdminService admin_service(options.hub ? nullptr : &vault, options.home, options.hub,
                             [&] { shutdown.Request(); });
  ReminderStore reminders(store.get());
  DesktopNotifier notifier(SearchPath());
  ReminderScheduler scheduler(&reminders, &vault, types.get(), &notifier, PracticeNowMicros);
  PracticeService practice_service(&vault, types.get(), &reminders, &scheduler, PracticeNowMicros);
  ASSIGN_OR_RETURN(HubParts hub, MakeHubParts(options, store.get(), hub_token));

  grpc::EnableDefaultHealthCheckService(true);
  std::unique_ptr<grpc::Server> hub_server;
  if (options.hub) {
    ASSIGN_OR_RETURN(hub_server,
                     StartHubServer(options, tcp_credentials, hub.service.get(), &releaser));
  }
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<grpc::Server> local_server = StartLocalServer(
      options, {&journal_service, &vault_service, &practice_service, &admin_service}, &releaser);
  if (!local_server) return absl::UnavailableError("cannot start the home's gRPC server");
  const std::string socket_path = SocketPath(options.home);
  ASSIGN_OR_RETURN(std::unique_ptr<UnixListener> listener,
                   UnixListener::Listen(socket_path, local_server.get()));
  listener->Start();
  LogReady(options, socket_path, hub);
  ReturnFreeHeapPages();  // what start-up freed (recovery, plugin loading)
  if (!options.hub) StartDeviceWork(&sync, &scheduler);

  ServeUntilShutdown(signals, shutdown,
                     {hub.service.get(), &scheduler, &sync, listener.get(), hub_server.get(),
                      local_server.get(), &releaser, &vault});
  Log(LogLevel::kInfo, "stopped");
  return absl::OkStatus();
}

}  // namespace haven
