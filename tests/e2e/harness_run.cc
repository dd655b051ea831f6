// Running one child to its end: RunProgram (stdin, stdout and stderr on
// pipes) and RunOnTerminal (stdin and stderr on a pseudo-terminal), both
// with a deadline after which the child's process group is killed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "tests/e2e/harness.h"
#include "tests/e2e/harness_child.h"

extern char** environ;

namespace haven::e2e {
namespace internal {
namespace {

std::vector<std::string> FullArgv(const std::string& program,
                                  const std::vector<std::string>& args) {
  std::vector<std::string> argv{std::filesystem::path(program).filename().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// The parent's environment without HAVEN_* (so an outer shell cannot leak a
// home or passphrase into a test), plus `overrides`.
std::vector<std::string> BuildEnv(const EnvOverrides& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    if (name.rfind("HAVEN_", 0) == 0) continue;
    env[name] = kv.substr(eq + 1);
  }
  for (const auto& [name, value] : overrides) {
    if (value) {
      env[name] = *value;
    } else {
      env.erase(name);
    }
  }
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ExecArgs::ExecArgs(const std::string& program, const std::vector<std::string>& args,
                   const EnvOverrides& env)
    : argv_strings_(FullArgv(program, args)),
      env_strings_(BuildEnv(env)),
      argv_(CStrings(argv_strings_)),
      envp_(CStrings(env_strings_)) {}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace internal

namespace {

using internal::Clock;
using internal::DecodeStatus;
using internal::ExecArgs;

// Writes to a child that has gone must not kill the test.
void IgnoreSigpipeOnce() {
  static const bool done = [] {
    signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available; false once the descriptor is at its end.
bool Drain(int fd, std::string& into) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // EOF, or EIO on a pty master whose slave closed
  }
}

// Waits for `pid` until `deadline`; on expiry kills its process group.
int ReapOrKill(pid_t pid, Clock::time_point deadline, RunResult& result) {
  int status = 0;
  pid_t r = 0;
  auto reaped = [&] {
    r = waitpid(pid, &status, WNOHANG);
    return r == pid || (r < 0 && errno != EINTR);
  };
  const auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
  if (WaitUntil(reaped, std::max(left, Duration(0)))) return r == pid ? DecodeStatus(status) : -1;
  result.timed_out = true;
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return DecodeStatus(status);
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Forks `program` with `in`, `out` and `err` as its stdin, stdout and
// stderr: in a process group of its own, or with `terminal` as the leader
// of a new session whose controlling terminal is `in`. The child's pid, or
// -1 (and a test failure) when it cannot fork.
pid_t ForkExec(const std::string& program, ExecArgs& exec, int in, int out, int err,
               bool terminal) {
  pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return -1;
  }
  if (pid == 0) {
    if (terminal) {
      setsid();  // a new session (and process group) whose terminal is `in`
      ioctl(in, TIOCSCTTY, 0);
    } else {
      setpgid(0, 0);
    }
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execve(program.c_str(), exec.argv(), exec.envp());
    _exit(127);
  }
  return pid;
}

// The parent's ends of a child's stdin, stdout and stderr (-1: closed).
struct ChildPipes {
  int in = -1, out = -1, err = -1;
};

// Forks `program` in its own process group with stdin, stdout and stderr on
// pipes; -1 (and a test failure) when it cannot.
pid_t SpawnOnPipes(const std::string& program, ExecArgs& exec, ChildPipes* pipes) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return -1;
  }
  pid_t pid = ForkExec(program, exec, in_pipe[0], out_pipe[1], err_pipe[1], /*terminal=*/false);
  if (pid < 0) return -1;
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  *pipes = {in_pipe[1], out_pipe[0], err_pipe[0]};
  SetNonBlocking(pipes->in);
  SetNonBlocking(pipes->out);
  SetNonBlocking(pipes->err);
  return pid;
}

// Feeds `stdin_text` and drains stdout and stderr into `result` until the
// child exits (true, its status in *status), both output pipes close or
// `deadline` passes.
bool PumpPipes(pid_t pid, const std::string& stdin_text, Clock::time_point deadline, ChildPipes& p,
               RunResult& result, int* status) {
  size_t written = 0;
  if (stdin_text.empty()) CloseFd(p.in);
  while (p.out >= 0 || p.err >= 0) {
    if (Clock::now() >= deadline) break;
    pollfd fds[3];
    int n = 0;
    if (p.in >= 0) fds[n++] = {p.in, POLLOUT, 0};
    if (p.out >= 0) fds[n++] = {p.out, POLLIN, 0};
    if (p.err >= 0) fds[n++] = {p.err, POLLIN, 0};
    poll(fds, n, 20);
    if (p.in >= 0) {
      ssize_t w = write(p.in, stdin_text.data() + written, stdin_text.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_text.size()) {
        CloseFd(p.in);
      }
    }
    if (p.out >= 0 && !Drain(p.out, result.out)) CloseFd(p.out);
    if (p.err >= 0 && !Drain(p.err, result.err)) CloseFd(p.err);
    // The child has gone but something it started may hold the pipes:
    // everything it wrote is already drained.
    if (waitpid(pid, status, WNOHANG) == pid) {
      if (p.out >= 0) Drain(p.out, result.out);
      if (p.err >= 0) Drain(p.err, result.err);
      return true;
    }
  }
  return false;
}

// The parent's ends of a child on a terminal: the pty master (the child's
// stdin and stderr) and its stdout pipe (-1: closed).
struct ChildTerminal {
  int master = -1, out = -1;
};

// Forks `program` as the leader of a new session whose terminal is a fresh
// pty, stdout on a pipe; -1 (and a test failure) when it cannot.
pid_t SpawnOnPty(const std::string& program, ExecArgs& exec, ChildTerminal* term) {
  int slave = -1;
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  if (openpty(&term->master, &slave, nullptr, nullptr, &size) != 0) {
    ADD_FAILURE() << "openpty: " << std::strerror(errno);
    return -1;
  }
  fcntl(term->master, F_SETFD, FD_CLOEXEC);
  fcntl(slave, F_SETFD, FD_CLOEXEC);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return -1;
  }
  pid_t pid = ForkExec(program, exec, slave, out_pipe[1], slave, /*terminal=*/true);
  if (pid < 0) return -1;
  close(slave);
  close(out_pipe[1]);
  term->out = out_pipe[0];
  SetNonBlocking(term->master);
  SetNonBlocking(term->out);
  return pid;
}

// Types the answers of the dialogue's next steps whose prompts the terminal
// has shown (in `shown`, from *search_from on).
void AdvanceDialogue(int master, const std::vector<TerminalStep>& dialogue,
                     const std::string& shown, size_t* step, size_t* search_from) {
  while (*step < dialogue.size()) {
    const TerminalStep& s = dialogue[*step];
    size_t at = s.expect.empty() ? *search_from : shown.find(s.expect, *search_from);
    if (at == std::string::npos) return;
    if (s.wait_for_no_echo) {
      termios mode{};  // on Linux the master reports the slave's modes
      if (tcgetattr(master, &mode) != 0 || (mode.c_lflag & ECHO) != 0) return;
    }
    if (!s.send.empty() && write(master, s.send.data(), s.send.size()) < 0) return;
    *search_from = at + s.expect.size();
    ++*step;
  }
}

// Plays the dialogue and drains the terminal and stdout into `result` until
// the child exits (true, its status in *status), both close or `deadline`
// passes; *step is the number of dialogue steps played.
bool PumpTerminal(pid_t pid, const std::vector<TerminalStep>& dialogue, Clock::time_point deadline,
                  ChildTerminal& t, RunResult& result, size_t* step, int* status) {
  size_t search_from = 0;
  while (t.master >= 0 || t.out >= 0) {
    if (Clock::now() >= deadline) break;
    pollfd fds[2];
    int n = 0;
    if (t.master >= 0) fds[n++] = {t.master, POLLIN, 0};
    if (t.out >= 0) fds[n++] = {t.out, POLLIN, 0};
    poll(fds, n, 10);
    if (t.master >= 0 && !Drain(t.master, result.err)) CloseFd(t.master);
    if (t.out >= 0 && !Drain(t.out, result.out)) CloseFd(t.out);
    if (t.master >= 0) AdvanceDialogue(t.master, dialogue, result.err, step, &search_from);
    if (waitpid(pid, status, WNOHANG) == pid) {
      if (t.master >= 0) Drain(t.master, result.err);
      if (t.out >= 0) Drain(t.out, result.out);
      return true;
    }
  }
  return false;
}

}  // namespace

RunResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                     const RunOptions& options) {
  IgnoreSigpipeOnce();
  RunResult result;
  ExecArgs exec(program, args, options.env);
  result.argv = exec.strings();
  ChildPipes pipes;
  pid_t pid = SpawnOnPipes(program, exec, &pipes);
  if (pid < 0) return result;
  const auto deadline = Clock::now() + options.timeout;
  int status = 0;
  bool exited = PumpPipes(pid, options.stdin_text, deadline, pipes, result, &status);
  CloseFd(pipes.in);
  CloseFd(pipes.out);
  CloseFd(pipes.err);
  result.exit_code = exited ? DecodeStatus(status) : ReapOrKill(pid, deadline, result);
  if (result.timed_out) {
    ADD_FAILURE() << "command timed out after " << options.timeout.count() << " ms and was killed"
                  << result;
  }
  return result;
}

RunResult RunOnTerminal(const std::string& program, const std::vector<std::string>& args,
                        const std::vector<TerminalStep>& dialogue, const RunOptions& options) {
  IgnoreSigpipeOnce();
  RunResult result;
  ExecArgs exec(program, args, options.env);
  result.argv = exec.strings();
  ChildTerminal term;
  pid_t pid = SpawnOnPty(program, exec, &term);
  if (pid < 0) return result;
  const auto deadline = Clock::now() + options.timeout;
  size_t step = 0;
  int status = 0;
  bool exited = PumpTerminal(pid, dialogue, deadline, term, result, &step, &status);
  CloseFd(term.master);
  CloseFd(term.out);
  result.exit_code = exited ? DecodeStatus(status) : ReapOrKill(pid, deadline, result);
  if (result.timed_out) {
    ADD_FAILURE() << "terminal command timed out after " << options.timeout.count()
                  << " ms (dialogue step " << step << " of " << dialogue.size() << ")" << result;
  }
  return result;
}

}  // namespace haven::e2e
