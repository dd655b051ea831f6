// Internal to the e2e harness (harness.cc, harness_run.cc, harness_home.cc):
// what every child process the harness starts needs, the argument and
// environment vectors execve takes and the decoding of its exit status.
#ifndef HAVEN_TESTS_E2E_HARNESS_CHILD_H_
#define HAVEN_TESTS_E2E_HARNESS_CHILD_H_

#include <chrono>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace haven::e2e::internal {

using Clock = std::chrono::steady_clock;

// argv and envp for execve: `program`'s base name and `args`, and the
// parent's environment without HAVEN_* (so an outer shell cannot leak a home
// or passphrase into a test) plus `env`. Build it before fork(): the child
// only calls execve with it.
class ExecArgs {
 public:
  ExecArgs(const std::string& program, const std::vector<std::string>& args,
           const EnvOverrides& env);
  ExecArgs(const ExecArgs&) = delete;
  ExecArgs& operator=(const ExecArgs&) = delete;

  const std::vector<std::string>& strings() const { return argv_strings_; }
  char* const* argv() { return argv_.data(); }
  char* const* envp() { return envp_.data(); }

 private:
  std::vector<std::string> argv_strings_, env_strings_;
  std::vector<char*> argv_, envp_;
};

// The exit code of a waitpid status, 128+signal when killed, -1 otherwise.
int DecodeStatus(int status);

}  // namespace haven::e2e::internal

#endif  // HAVEN_TESTS_E2E_HARNESS_CHILD_H_
