#include "server/daemon/daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "server/daemon/home_dir.h"
#include "server/plugins/type_registry.h"
#include "server/service/admin_service.h"
#include "server/service/journal_service.h"
#include "server/service/vault_service.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"
#include "server/vault/vault.h"

namespace haven {
namespace {

// Signals are blocked in every thread and collected here, so shutdown runs
// on an ordinary thread rather than in a handler.
class ShutdownSignal {
 public:
  void Request() {
    std::lock_guard<std::mutex> lock(mu_);
    requested_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return requested_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
};

RegistryOptions PluginDirs(const DaemonOptions& options) {
  std::filesystem::path exe_dir = ExecutableDir();
  RegistryOptions dirs;
  dirs.native_dirs.push_back((exe_dir / ".." / "lib" / "haven" / "plugins").lexically_normal());
  dirs.manifest_dirs.push_back(
      (exe_dir / ".." / "share" / "haven" / "plugins").lexically_normal());
  for (const auto& d : options.plugin_dirs) {
    dirs.native_dirs.push_back(d);
    dirs.manifest_dirs.push_back(d);
  }
  dirs.native_dirs.push_back(options.home + "/plugins");
  dirs.manifest_dirs.push_back(options.home + "/plugins");
  return dirs;
}

}  // namespace

absl::Status RunDaemon(const DaemonOptions& options) {
  if (!SetLogLevel(options.log_level)) {
    return absl::InvalidArgumentError("--log-level: expected debug, info, warn or error");
  }
  RETURN_IF_ERROR(PrepareHome(options.home));
  ASSIGN_OR_RETURN(HomeLock home_lock, HomeLock::Acquire(options.home));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(options.home + "/store"));
  ASSIGN_OR_RETURN(std::unique_ptr<RecordLog> log, RecordLog::Open(store.get()));
  std::unique_ptr<TypeRegistry> types = TypeRegistry::Create(PluginDirs(options));
  for (const auto& p : types->Problems()) {
    Log(LogLevel::kWarn, "plugin skipped", {{"source", p.source}, {"reason", p.reason}});
  }
  Vault vault(store.get(), log.get(), types.get(), options.lock_after_us);

  ShutdownSignal shutdown;
  JournalService journal_service(&vault, types.get(), nullptr);
  VaultService vault_service(&vault, log.get(), nullptr, options.home);
  AdminService admin_service(&vault, options.home, options.hub, [&] { shutdown.Request(); });

  std::string socket_path = options.home + "/havend.sock";
  unlink(socket_path.c_str());  // stale from a killed daemon; we hold the home lock
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket_path, grpc::InsecureServerCredentials());
  builder.RegisterService(&journal_service);
  builder.RegisterService(&vault_service);
  builder.RegisterService(&admin_service);
  builder.SetMaxReceiveMessageSize(64 << 20);
  mode_t old_umask = umask(0077);  // the socket is born 0600
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  umask(old_umask);
  if (!server) return absl::UnavailableError("cannot listen on " + socket_path);
  chmod(socket_path.c_str(), 0600);
  Log(LogLevel::kInfo, "havend ready",
      {{"home", options.home}, {"socket", socket_path}, {"pid", std::to_string(getpid())}});

  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != 0) shutdown.Request();
  });
  shutdown.Wait();
  Log(LogLevel::kInfo, "shutting down");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server->Wait();
  vault.Lock();
  unlink(socket_path.c_str());
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // release sigwait
  signal_thread.join();
  Log(LogLevel::kInfo, "stopped");
  return absl::OkStatus();
}

}  // namespace haven
