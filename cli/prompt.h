// Guided logging on a terminal: asks for fields one at a time, and opens
// $EDITOR for multi-line text in a private runtime directory that is
// overwritten and removed afterwards.
#ifndef HAVEN_CLI_PROMPT_H_
#define HAVEN_CLI_PROMPT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace haven::cli {

bool InteractiveTerminal();

// Asks for one field described by its manifest JSON (name, type, prompt,
// help, min, max, choices, default, required). Returns the text the person
// typed; an empty answer to an optional field returns "".
absl::StatusOr<std::string> AskField(const nlohmann::json& field);

// Runs $EDITOR (else $VISUAL, else vi) on an empty file in a 0700 runtime
// directory and returns what was written. The file and everything the
// editor left beside it (swap, backup) are overwritten and deleted.
absl::StatusOr<std::string> EditText(const std::string& header);

}  // namespace haven::cli

#endif  // HAVEN_CLI_PROMPT_H_
