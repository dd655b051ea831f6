// Where the passphrase comes from (docs/commands.md, "The passphrase"): a prompt without echo
// when stdin is a terminal, else the file named by HAVEN_PASSPHRASE_FILE,
// else HAVEN_PASSPHRASE. A new passphrase (`haven passwd`) comes the same
// way from HAVEN_NEW_PASSPHRASE_FILE or HAVEN_NEW_PASSPHRASE.
#ifndef HAVEN_CLI_PASSPHRASE_H_
#define HAVEN_CLI_PASSPHRASE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace haven::cli {

// Unauthenticated when there is no source. `confirm` asks twice on a TTY.
absl::StatusOr<std::string> ReadPassphrase(std::string_view prompt, bool confirm);

// A new passphrase for `haven passwd`: on a terminal asked twice
// (InvalidArgument "passphrases do not match" when they differ), else from
// HAVEN_NEW_PASSPHRASE_FILE or HAVEN_NEW_PASSPHRASE; InvalidArgument naming
// both when there is neither. Never empty.
absl::StatusOr<std::string> ReadNewPassphrase();

// The first line of the file named by the variable `file_var` (a trailing
// CR dropped), else the value of `value_var`; nullopt when both are unset
// or empty. InvalidArgument naming `file_var` when its file cannot be read.
absl::StatusOr<std::optional<std::string>> PassphraseFromEnvironment(const char* file_var,
                                                                     const char* value_var);

// Reads one line from the terminal without echo (for secrets).
absl::StatusOr<std::string> ReadHiddenLine(std::string_view prompt);

// Overwrites a string's bytes before it is released.
void Wipe(std::string& secret);

}  // namespace haven::cli

#endif  // HAVEN_CLI_PASSPHRASE_H_
