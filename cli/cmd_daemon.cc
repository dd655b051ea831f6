// haven daemon start | stop | status
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/context.h"
#include "cli/status.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

absl::Status Start(Context& ctx) {
  bool was_running = DaemonClient::Running(ctx.home());
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  std::cerr << (was_running ? "havend is already running for " : "havend started for ")
            << ctx.home() << "\n";
  return absl::OkStatus();
}

absl::Status Stop(Context& ctx) {
  if (!DaemonClient::Running(ctx.home())) {
    std::cerr << "havend is not running for " << ctx.home() << "\n";
    return absl::OkStatus();
  }
  auto client = ctx.ConnectIfRunning();
  if (!client.ok()) return client.status();
  v1::ShutdownReply reply;
  if (auto s = (*client)->Call(kAdminShutdown, {}, &reply); !s.ok()) return FromGrpc(s);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (DaemonClient::Running(ctx.home())) {
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::DeadlineExceededError("havend did not stop within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cerr << "havend stopped\n";
  return absl::OkStatus();
}

absl::Status Status(Context& ctx) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  if (!DaemonClient::Running(ctx.home())) {
    if (*format != Format::kTable) {
      std::cout << nlohmann::json({{"running", false}, {"home", ctx.home()}}).dump() << "\n";
    } else {
      std::cout << "havend is not running for " << ctx.home() << "\n";
    }
    return absl::NotFoundError("havend is not running");
  }
  auto client = ctx.ConnectIfRunning();
  if (!client.ok()) return client.status();
  v1::StatusReply reply;
  if (auto s = (*client)->Call(kAdminStatus, {}, &reply); !s.ok()) return FromGrpc(s);
  nlohmann::json out = {{"running", true},
                        {"pid", reply.pid()},
                        {"version", reply.version()},
                        {"home", reply.home()},
                        {"vault", reply.has_vault()},
                        {"unlocked", reply.unlocked()},
                        {"started", FormatRfc3339(reply.started_us())}};
  if (*format != Format::kTable) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "havend " << reply.version() << " running (pid " << reply.pid() << ") for "
              << reply.home() << "\nvault: "
              << (!reply.has_vault() ? "none yet"
                  : reply.unlocked() ? "unlocked"
                                     : "locked")
              << "\nsince " << FormatRfc3339(reply.started_us()) << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterDaemonCommands(CLI::App& app, Context& ctx) {
  auto* daemon = app.add_subcommand("daemon", "Manage this home's havend");
  daemon->require_subcommand(1);
  daemon->add_subcommand("start", "Start havend if it is not running")->callback([&ctx] {
    ctx.action = [&ctx] { return Start(ctx); };
  });
  daemon->add_subcommand("stop", "Stop havend (it forgets the key)")->callback([&ctx] {
    ctx.action = [&ctx] { return Stop(ctx); };
  });
  daemon->add_subcommand("status", "Is havend running? (exit 4 when not)")->callback([&ctx] {
    ctx.action = [&ctx] { return Status(ctx); };
  });
}

}  // namespace haven::cli
