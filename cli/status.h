// How the CLI reports failure: one line on stderr and the exit code of
// docs/commands.md, "Exit codes", decided here and nowhere else.
#ifndef HAVEN_CLI_STATUS_H_
#define HAVEN_CLI_STATUS_H_

#include <exception>
#include <functional>
#include <ostream>

#include "absl/status/status.h"

namespace haven::cli {

enum ExitCode {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,   // bad usage or invalid input
  kExitLocked = 3,  // vault locked, wrong passphrase or Secret Key
  kExitNotFound = 4,
  kExitRemote = 5,  // remote unreachable or refused
};

int ExitCodeFor(const absl::Status& status);

// Runs one command for main: a failed status is reported as one line
// "haven: <message>" on `err` and becomes ExitCodeFor's code. An exception
// (a malformed reply the output code did not expect, a bad_alloc) is caught
// here too and reported the same way with exit 1 (kExitFailure), so the CLI
// never aborts.
int RunAndReport(const std::function<absl::Status()>& command, std::ostream& err);

// Reports an exception escaping anything else main runs: one line, exit 1.
int ReportException(std::exception_ptr exception, std::ostream& err);

}  // namespace haven::cli

#endif  // HAVEN_CLI_STATUS_H_
