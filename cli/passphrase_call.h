// Calls that carry the passphrase themselves (revoke, rekey, passwd, kit):
// the passphrase is asked for once, and a locked vault is unlocked with
// that same one rather than asking again.
#ifndef HAVEN_CLI_PASSPHRASE_CALL_H_
#define HAVEN_CLI_PASSPHRASE_CALL_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cli/client.h"

namespace haven::cli {

// The passphrase for a command that needs it whatever the vault's state
// (docs/commands.md, "The passphrase"); Unauthenticated (exit 3) saying how
// to give one when there is no source.
absl::StatusOr<std::string> AskPassphrase(std::string_view prompt);

// Runs `call`; when the daemon answers that the vault is locked, unlocks
// it with `passphrase` and runs `call` once more. The daemon's error as an
// absl::Status otherwise.
absl::Status CallWithPassphrase(DaemonClient& client, const std::string& passphrase,
                                const std::function<grpc::Status()>& call);

}  // namespace haven::cli

#endif  // HAVEN_CLI_PASSPHRASE_CALL_H_
