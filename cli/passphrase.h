// Where the passphrase comes from (docs/commands.md, "The passphrase"): a prompt without echo
// when stdin is a terminal, else the file named by HAVEN_PASSPHRASE_FILE,
// else HAVEN_PASSPHRASE.
#ifndef HAVEN_CLI_PASSPHRASE_H_
#define HAVEN_CLI_PASSPHRASE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace haven::cli {

// Unauthenticated when there is no source. `confirm` asks twice on a TTY.
absl::StatusOr<std::string> ReadPassphrase(std::string_view prompt, bool confirm);

// Reads one line from the terminal without echo (for secrets).
absl::StatusOr<std::string> ReadHiddenLine(std::string_view prompt);

// Overwrites a string's bytes before it is released.
void Wipe(std::string& secret);

}  // namespace haven::cli

#endif  // HAVEN_CLI_PASSPHRASE_H_
