// What every command shares: the global flags and the daemon connection.
#ifndef HAVEN_CLI_CONTEXT_H_
#define HAVEN_CLI_CONTEXT_H_

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "cli/client.h"
#include "cli/output.h"

namespace haven::cli {

struct Context {
  std::string home_flag;
  std::string format_flag;
  // Set by the chosen subcommand's callback; main runs it after parsing.
  std::function<absl::Status()> action;

  std::string home() const { return ResolveHome(home_flag); }
  absl::StatusOr<Format> format() const { return ParseFormat(format_flag); }
  absl::StatusOr<std::unique_ptr<DaemonClient>> Connect() const {
    return DaemonClient::Connect(home(), /*start=*/true);
  }
};

// Parses a time flag ("" -> nullopt) with the rules of SPEC section 3.
absl::StatusOr<std::optional<int64_t>> ParseTimeFlag(const std::string& flag,
                                                     const std::string& text);

// One registration function per command group (one file each).
void RegisterVaultCommands(CLI::App& app, Context& ctx);
void RegisterEntryCommands(CLI::App& app, Context& ctx);
void RegisterTypeCommands(CLI::App& app, Context& ctx);
void RegisterDaemonCommands(CLI::App& app, Context& ctx);
void RegisterDataCommands(CLI::App& app, Context& ctx);
void RegisterSyncCommands(CLI::App& app, Context& ctx);
void RegisterCompletionCommand(CLI::App& app, Context& ctx);

}  // namespace haven::cli

#endif  // HAVEN_CLI_CONTEXT_H_
