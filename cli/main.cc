// haven: the command line of the haven practice journal.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/context.h"
#include "cli/status.h"
#include "common/harden.h"

namespace {

// `haven` alone: the everyday commands; `haven --help` lists them all.
constexpr char kShortHelp[] =
    "haven: a private journal of your self-compassion practice.\n"
    "\n"
    "Everyday commands:\n"
    "  haven log [TYPE]       write down a practice; on a terminal it guides you\n"
    "  haven list             your entries, newest first\n"
    "  haven search WORDS     find entries by what they say\n"
    "  haven show ID          one entry in full\n"
    "  haven edit ID          change an entry\n"
    "  haven stats            streaks, active days and how things change\n"
    "  haven nudge            one kind line when you have not practised today\n"
    "  haven reread           read a past letter to yourself again\n"
    "  haven sync             send and receive with your hubs now\n"
    "  haven unlock, lock     open the journal for a while, close it now\n"
    "  haven types            the practices you can log\n"
    "\n"
    "Everything else: haven --help (and haven COMMAND --help).\n";

}  // namespace

int main(int argc, char** argv) {
  // First: the CLI may hold a passphrase or an entry's text.
  if (absl::Status hardened = haven::HardenProcess(); !hardened.ok()) {
    std::cerr << "haven: " << hardened.message() << "\n";
    return haven::cli::kExitFailure;
  }
  using haven::cli::Context;
  Context ctx;
  CLI::App app{"haven: a private, end-to-end-encrypted journal of your self-compassion practice"};
  app.set_version_flag("--version", std::string("haven ") + HAVEN_VERSION);
  app.add_option("--home", ctx.home_flag, "this device's home (env HAVEN_HOME)");
  app.add_option("--format", ctx.format_flag,
                 "table, json, jsonl or csv (default: table on a terminal, jsonl otherwise)");
  app.fallthrough();
  app.require_subcommand(0, 1);
  haven::cli::RegisterVaultCommands(app, ctx);
  haven::cli::RegisterEntryCommands(app, ctx);
  haven::cli::RegisterSearchCommand(app, ctx);
  haven::cli::RegisterTypeCommands(app, ctx);
  haven::cli::RegisterDataCommands(app, ctx);
  haven::cli::RegisterDaemonCommands(app, ctx);
  haven::cli::RegisterSyncCommands(app, ctx);
  haven::cli::RegisterDeviceCommands(app, ctx);
  haven::cli::RegisterPracticeCommands(app, ctx);
  haven::cli::RegisterCompletionCommand(app, ctx);
  std::vector<std::string> args =
      haven::cli::RewriteSearchExclusions(std::vector<std::string>(argv, argv + argc));
  std::vector<char*> rewritten;
  for (auto& arg : args) rewritten.push_back(arg.data());
  try {
    app.parse(static_cast<int>(rewritten.size()), rewritten.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : haven::cli::kExitUsage;
  } catch (...) {
    return haven::cli::ReportException(std::current_exception(), std::cerr);
  }
  if (app.get_subcommands().empty()) {
    std::cout << kShortHelp;
    return haven::cli::kExitOk;
  }
  if (!ctx.action) {
    std::cerr << app.help();
    return haven::cli::kExitUsage;
  }
  const int code = haven::cli::RunAndReport(ctx.action, std::cerr);
  if (ctx.connected()) {
    // The command is done and its output written: leave gRPC's threads and
    // the daemon connection to the kernel. Closing the transport and
    // joining six threads took 1.4-2.4 ms of every command and frees nothing
    // the exit does not (docs/performance-notes.md, "`haven log`").
    std::cout.flush();
    std::fflush(nullptr);
    std::_Exit(code);
  }
  return code;
}
