// How the CLI reports failure: one line on stderr and the exit code of
// docs/commands.md, "Exit codes", decided here and nowhere else.
#ifndef HAVEN_CLI_STATUS_H_
#define HAVEN_CLI_STATUS_H_

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

}  // namespace haven::cli

#endif  // HAVEN_CLI_STATUS_H_
