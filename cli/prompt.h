// The terminal under guided logging: reading a line, typed multi-line text,
// and $EDITOR on a private file in a runtime directory that is overwritten
// and removed afterwards (so no entry text is left on a disk). Prompts go to
// stderr; stdout stays for what a command prints.
#ifndef HAVEN_CLI_PROMPT_H_
#define HAVEN_CLI_PROMPT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace haven::cli {

// Standard input and standard error are both a terminal.
bool InteractiveTerminal();

// Shows `prompt` on stderr and reads one line (without its newline);
// nullopt at the end of input (Ctrl-D).
std::optional<std::string> AskLine(const std::string& prompt);

// Reads lines typed on the terminal, each after `line_prompt`, until an
// empty line or the end of input; returns them joined with "\n" ("" when
// the first line is empty), nullopt when the input ended before any line.
std::optional<std::string> ReadTypedLines(const std::string& line_prompt);

// $EDITOR, else $VISUAL; nullopt when neither is set (or both are empty).
std::optional<std::string> ConfiguredEditor();

// Runs `editor` (a shell command, as git does) on a new file in a fresh 0700
// directory under $XDG_RUNTIME_DIR, else /dev/shm, else the temp dir. The
// file holds `initial` (empty: nothing) on its first line(s), then an empty
// line, then each of `guidance` as a "# " comment line, as git's commit
// template does. Returns what was written, without the lines starting with
// '#' and without blank lines around it. The file and everything the editor
// left beside it (swap, backup) are overwritten and deleted. InvalidArgument
// when the editor fails (nothing is saved then).
absl::StatusOr<std::string> EditText(const std::string& editor, const std::string& initial,
                                     const std::vector<std::string>& guidance);

}  // namespace haven::cli

#endif  // HAVEN_CLI_PROMPT_H_
