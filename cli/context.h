// What every command shares: the global flags and the daemon connection.
#ifndef HAVEN_CLI_CONTEXT_H_
#define HAVEN_CLI_CONTEXT_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cli/client.h"
#include "cli/output.h"

namespace haven::cli {

class Context {
 public:
  std::string home_flag;
  std::string format_flag;
  // Set by the chosen subcommand's callback; main runs it after parsing.
  std::function<absl::Status()> action;

  std::string home() const { return ResolveHome(home_flag); }
  absl::StatusOr<Format> format() const { return ParseFormat(format_flag); }

  // This home's havend, started when it is not running. The connection
  // lasts until the process ends (main.cc ends a connected run without
  // tearing gRPC down).
  absl::StatusOr<DaemonClient*> Connect() { return ConnectOnce(/*start=*/true); }
  // The same, but fails when havend is not running (daemon stop, status).
  absl::StatusOr<DaemonClient*> ConnectIfRunning() { return ConnectOnce(/*start=*/false); }
  bool connected() const { return client_ != nullptr; }

 private:
  absl::StatusOr<DaemonClient*> ConnectOnce(bool start) {
    if (!client_) {
      auto client = DaemonClient::Connect(home(), start);
      if (!client.ok()) return client.status();
      client_ = std::move(*client);
    }
    return client_.get();
  }

  std::unique_ptr<DaemonClient> client_;
};

// Parses a time flag ("" -> nullopt) with the rules of docs/commands.md, "Times".
absl::StatusOr<std::optional<int64_t>> ParseTimeFlag(const std::string& flag,
                                                     const std::string& text);

// Sets a request's since/until (ListRequest, StatsRequest) from the flags.
template <typename Request>
absl::Status SetTimeRange(const std::string& since_text, const std::string& until_text,
                          Request* req) {
  auto since = ParseTimeFlag("--since", since_text);
  if (!since.ok()) return since.status();
  auto until = ParseTimeFlag("--until", until_text);
  if (!until.ok()) return until.status();
  if (*since) {
    req->set_has_since(true);
    req->set_since_us(**since);
  }
  if (*until) {
    req->set_has_until(true);
    req->set_until_us(**until);
  }
  return absl::OkStatus();
}

// One registration function per command group (one file each).
void RegisterVaultCommands(CLI::App& app, Context& ctx);
void RegisterEntryCommands(CLI::App& app, Context& ctx);
void RegisterTypeCommands(CLI::App& app, Context& ctx);
void RegisterDaemonCommands(CLI::App& app, Context& ctx);
void RegisterDataCommands(CLI::App& app, Context& ctx);
void RegisterSyncCommands(CLI::App& app, Context& ctx);
void RegisterCompletionCommand(CLI::App& app, Context& ctx);
void RegisterDeviceCommands(CLI::App& app, Context& ctx);
void RegisterSearchCommand(CLI::App& app, Context& ctx);
// `haven search kind -harsh`: a '-word' after `search` is an exclusion, not
// an option; main rewrites it as --exclude=word before parsing (the values
// of options that take one, like `--since -7d`, are left alone; so is
// everything after `--`).
std::vector<std::string> RewriteSearchExclusions(std::vector<std::string> args);
void RegisterPracticeCommands(CLI::App& app, Context& ctx);  // nudge, remind, reread
// `vault rekey`, `vault kit` (under `vault`) and `passwd` (cmd_keys.cc).
void RegisterKeyCommands(CLI::App& app, CLI::App& vault, Context& ctx);

}  // namespace haven::cli

#endif  // HAVEN_CLI_CONTEXT_H_
