#include "cli/passphrase.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"

namespace haven::cli {

void Wipe(std::string& secret) {
  volatile char* p = secret.data();
  for (size_t i = 0; i < secret.size(); ++i) p[i] = 0;
  secret.clear();
}

absl::StatusOr<std::string> ReadHiddenLine(std::string_view prompt) {
  std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
  std::fflush(stderr);
  termios old_mode{};
  bool restore = tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (restore) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (restore) tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::fprintf(stderr, "\n");
  if (!ok) return absl::UnauthenticatedError("no passphrase given");
  return line;
}

absl::StatusOr<std::optional<std::string>> PassphraseFromEnvironment(const char* file_var,
                                                                     const char* value_var) {
  if (const char* file = std::getenv(file_var); file != nullptr && *file) {
    std::ifstream in(file);
    if (!in) return absl::InvalidArgumentError(std::string(file_var) + ": cannot read " + file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (const char* env = std::getenv(value_var); env != nullptr && *env) {
    return std::string(env);
  }
  return std::nullopt;
}

absl::StatusOr<std::string> ReadPassphrase(std::string_view prompt, bool confirm) {
  if (isatty(STDIN_FILENO)) {
    auto first = ReadHiddenLine(prompt);
    if (!first.ok() || !confirm) return first;
    auto second = ReadHiddenLine("Type it again: ");
    if (!second.ok()) return second;
    if (*first != *second) {
      Wipe(*second);
      Wipe(*first);
      return absl::InvalidArgumentError("passphrase: the two entries differ");
    }
    Wipe(*second);
    return first;
  }
  auto from_env = PassphraseFromEnvironment("HAVEN_PASSPHRASE_FILE", "HAVEN_PASSPHRASE");
  if (!from_env.ok()) return from_env.status();
  if (*from_env) return std::move(**from_env);
  return absl::UnauthenticatedError(
      "vault is locked and no passphrase is available: run `haven unlock` on a terminal, or set "
      "HAVEN_PASSPHRASE_FILE");
}

absl::StatusOr<std::string> ReadNewPassphrase() {
  if (isatty(STDIN_FILENO)) {
    auto first = ReadHiddenLine("New passphrase: ");
    if (!first.ok()) return absl::InvalidArgumentError("new passphrase: none given");
    auto second = ReadHiddenLine("Type the new passphrase again: ");
    bool same = second.ok() && *first == *second;
    if (second.ok()) Wipe(*second);
    if (!same) {
      Wipe(*first);
      return absl::InvalidArgumentError("passphrases do not match");
    }
    if (first->empty()) return absl::InvalidArgumentError("new passphrase: none given");
    return first;
  }
  auto from_env = PassphraseFromEnvironment("HAVEN_NEW_PASSPHRASE_FILE", "HAVEN_NEW_PASSPHRASE");
  if (!from_env.ok()) return from_env.status();
  if (!*from_env || (*from_env)->empty()) {
    return absl::InvalidArgumentError(
        "new passphrase: none given (type it on a terminal, or set HAVEN_NEW_PASSPHRASE_FILE)");
  }
  return std::move(**from_env);
}

}  // namespace haven::cli
