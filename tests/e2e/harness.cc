#include "tests/e2e/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Writes to a child that has gone must not kill the test.
void IgnoreSigpipeOnce() {
  static const bool done = [] {
    signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
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

std::vector<std::string> FullArgv(const std::string& program,
                                  const std::vector<std::string>& args) {
  std::vector<std::string> argv{fs::path(program).filename().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
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
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return DecodeStatus(status);
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.timed_out = true;
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return DecodeStatus(status);
}

}  // namespace

std::string BinDir() {
  if (const char* dir = std::getenv("HAVEN_E2E_BIN_DIR"); dir != nullptr && *dir) return dir;
  return HAVEN_BIN_DIR;
}
std::string HavenBinary() { return BinDir() + "/haven"; }
std::string HavendBinary() { return BinDir() + "/havend"; }

std::string RunResult::Trimmed() const {
  std::string s = out;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

nlohmann::json RunResult::JsonOut() const {
  auto parsed = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    ADD_FAILURE() << "stdout is not JSON: " << *this;
    return nullptr;
  }
  return parsed;
}

std::vector<nlohmann::json> RunResult::JsonLines() const {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded()) {
      ADD_FAILURE() << "not a JSON line: " << line << "\n" << *this;
      continue;
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

int RunResult::ErrLines() const {
  std::string s = err;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  if (s.empty()) return 0;
  return static_cast<int>(std::count(s.begin(), s.end(), '\n')) + 1;
}

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  os << "\n$ " << Join(r.argv) << "\nexit " << r.exit_code << (r.timed_out ? " (TIMED OUT)" : "")
     << "\n--- stdout ---\n"
     << r.out.substr(0, 4000) << "\n--- stderr ---\n"
     << r.err.substr(0, 4000) << "\n";
  return os;
}

RunResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                     const RunOptions& options) {
  IgnoreSigpipeOnce();
  RunResult result;
  result.argv = FullArgv(program, args);
  std::vector<std::string> argv_strings = result.argv;
  std::vector<std::string> env_strings = BuildEnv(options.env);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return result;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int in_fd = in_pipe[1], out_fd = out_pipe[0], err_fd = err_pipe[0];
  SetNonBlocking(in_fd);
  SetNonBlocking(out_fd);
  SetNonBlocking(err_fd);

  const auto deadline = Clock::now() + options.timeout;
  size_t written = 0;
  if (options.stdin_text.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  int status = 0;
  bool exited = false;
  while (out_fd >= 0 || err_fd >= 0) {
    if (Clock::now() >= deadline) break;
    pollfd fds[3];
    int n = 0;
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    poll(fds, n, 20);
    if (in_fd >= 0) {
      ssize_t w =
          write(in_fd, options.stdin_text.data() + written, options.stdin_text.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == options.stdin_text.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    if (out_fd >= 0 && !Drain(out_fd, result.out)) {
      close(out_fd);
      out_fd = -1;
    }
    if (err_fd >= 0 && !Drain(err_fd, result.err)) {
      close(err_fd);
      err_fd = -1;
    }
    // The child has gone but something it started may hold the pipes:
    // everything it wrote is already drained.
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      if (out_fd >= 0) Drain(out_fd, result.out);
      if (err_fd >= 0) Drain(err_fd, result.err);
      break;
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) close(fd);
  }
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
  result.argv = FullArgv(program, args);
  std::vector<std::string> argv_strings = result.argv;
  std::vector<std::string> env_strings = BuildEnv(options.env);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  int master = -1, slave = -1;
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  if (openpty(&master, &slave, nullptr, nullptr, &size) != 0) {
    ADD_FAILURE() << "openpty: " << std::strerror(errno);
    return result;
  }
  fcntl(master, F_SETFD, FD_CLOEXEC);
  fcntl(slave, F_SETFD, FD_CLOEXEC);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return result;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    setsid();  // a new session (and process group) whose terminal is the pty
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(slave, STDERR_FILENO);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(slave);
  close(out_pipe[1]);
  int out_fd = out_pipe[0];
  SetNonBlocking(master);
  SetNonBlocking(out_fd);

  const auto deadline = Clock::now() + options.timeout;
  size_t step = 0, search_from = 0;
  int status = 0;
  bool exited = false;
  while (master >= 0 || out_fd >= 0) {
    if (Clock::now() >= deadline) break;
    pollfd fds[2];
    int n = 0;
    if (master >= 0) fds[n++] = {master, POLLIN, 0};
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    poll(fds, n, 10);
    if (master >= 0 && !Drain(master, result.err)) {
      close(master);
      master = -1;
    }
    if (out_fd >= 0 && !Drain(out_fd, result.out)) {
      close(out_fd);
      out_fd = -1;
    }
    while (master >= 0 && step < dialogue.size()) {
      const TerminalStep& s = dialogue[step];
      size_t at = s.expect.empty() ? search_from : result.err.find(s.expect, search_from);
      if (at == std::string::npos) break;
      if (s.wait_for_no_echo) {
        termios mode{};  // on Linux the master reports the slave's modes
        if (tcgetattr(master, &mode) != 0 || (mode.c_lflag & ECHO) != 0) break;
      }
      if (!s.send.empty() && write(master, s.send.data(), s.send.size()) < 0) break;
      search_from = at + s.expect.size();
      ++step;
    }
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      if (master >= 0) Drain(master, result.err);
      if (out_fd >= 0) Drain(out_fd, result.out);
      break;
    }
  }
  if (master >= 0) close(master);
  if (out_fd >= 0) close(out_fd);
  result.exit_code = exited ? DecodeStatus(status) : ReapOrKill(pid, deadline, result);
  if (result.timed_out) {
    ADD_FAILURE() << "terminal command timed out after " << options.timeout.count()
                  << " ms (dialogue step " << step << " of " << dialogue.size() << ")" << result;
  }
  return result;
}

bool WaitUntil(const std::function<bool()>& condition, Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

namespace {

// The state letter of /proc/.../stat ('R', 'S', 'Z', ...), or 0 when gone.
char TaskState(const std::string& stat_path) {
  std::string stat = ReadFile(stat_path);
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return 0;
  return stat[paren + 2];
}

}  // namespace

// A killed process's leader thread turns zombie while its other threads may
// still be exiting and holding the process's files (the daemon's listening
// socket and home lock). So a process counts as alive while any of its
// threads is neither a zombie nor gone.
bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  const std::string dir = "/proc/" + std::to_string(pid);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(dir + "/task", ec)) {
    char state = TaskState(task.path().string() + "/stat");
    if (state != 0 && state != 'Z' && state != 'X') return true;
  }
  if (!ec) return false;
  char state = TaskState(dir + "/stat");  // no task list to read: judge the leader
  return state != 0 && state != 'Z' && state != 'X';
}

void KillAndWait(pid_t pid, Duration timeout) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  bool gone = WaitUntil(
      [pid] {
        int status = 0;
        waitpid(pid, &status, WNOHANG);  // reaps it when it is our child
        return !ProcessAlive(pid);
      },
      timeout);
  if (!gone) ADD_FAILURE() << "pid " << pid << " survived SIGKILL";
}

int PickFreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  if (port == 0) ADD_FAILURE() << "no free loopback port";
  return port;
}

bool WaitForTcpPort(int port, Duration timeout) {
  return WaitUntil(
      [port] {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        close(fd);
        return ok;
      },
      timeout);
}

std::optional<int64_t> ParseRfc3339(const std::string& text) {
  int year, month, day, hour, minute, second, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  int64_t offset = 0;
  std::string zone = text.substr(i);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = std::atoi(zone.substr(1, 2).c_str()), om = std::atoi(zone.substr(4, 2).c_str());
    offset = (zone[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

std::vector<std::string> Ids(const std::vector<nlohmann::json>& entries) {
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.value("id", ""));
  return ids;
}

std::vector<std::string> Ids(const nlohmann::json& array) {
  std::vector<nlohmann::json> entries;
  if (array.is_array()) entries.assign(array.begin(), array.end());
  return Ids(entries);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& content, int mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  chmod(path.c_str(), static_cast<mode_t>(mode));
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

// --- DaemonProcess ----------------------------------------------------------

std::unique_ptr<DaemonProcess> DaemonProcess::Start(const std::vector<std::string>& args,
                                                    const EnvOverrides& env, std::string log_path) {
  bool own_log = log_path.empty();
  if (own_log) {
    char pattern[] = "/tmp/hv-daemon-XXXXXX.log";
    int fd = mkstemps(pattern, 4);
    if (fd >= 0) close(fd);
    log_path = pattern;
  }
  std::vector<std::string> argv_strings = FullArgv(HavendBinary(), args);
  std::vector<std::string> env_strings = BuildEnv(env);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);
  std::string program = HavendBinary();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<DaemonProcess>(new DaemonProcess(pid, log_path, own_log));
}

DaemonProcess::~DaemonProcess() {
  if (!exit_code_) Kill();
  if (own_log_) unlink(log_path_.c_str());
}

bool DaemonProcess::Running() { return !exit_code_ && !WaitExit(Duration(0)).has_value(); }

std::optional<int> DaemonProcess::WaitExit(Duration timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      exit_code_ = r == pid_ ? DecodeStatus(status) : -1;
      return exit_code_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<int> DaemonProcess::Terminate(Duration timeout) {
  if (exit_code_) return exit_code_;
  kill(pid_, SIGTERM);
  auto code = WaitExit(timeout);
  if (!code) {
    ADD_FAILURE() << "havend (pid " << pid_ << ") ignored SIGTERM for " << timeout.count()
                  << " ms; killing it\n"
                  << Output();
    Kill();
  }
  return code;
}

void DaemonProcess::Kill() {
  if (exit_code_) return;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_code_ = DecodeStatus(status);
}

std::string DaemonProcess::Output() const { return ReadFile(log_path_); }

// --- TestHome ---------------------------------------------------------------

TestHome::TestHome(std::string passphrase) : passphrase_(std::move(passphrase)) {
  char pattern[] = "/tmp/hv-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return;
  }
  root_ = pattern;
  path_ = root_ + "/h";
  runtime_dir_ = root_ + "/run";
  fs::create_directory(runtime_dir_);
  chmod(runtime_dir_.c_str(), 0700);
}

TestHome::~TestHome() {
  if (root_.empty()) return;
  StopDaemon();
  std::error_code ec;
  fs::remove_all(root_, ec);
}

EnvOverrides TestHome::BaseEnv() const {
  return {{"HAVEN_HOME", path_},
          {"HAVEN_PASSPHRASE", passphrase_},
          {"XDG_RUNTIME_DIR", runtime_dir_},
          {"NO_COLOR", "1"}};
}

RunResult TestHome::Run(const std::vector<std::string>& args, const EnvOverrides& env,
                        const std::string& stdin_text) const {
  RunOptions options;
  options.env = env;
  options.stdin_text = stdin_text;
  return RunWith(args, options);
}

RunResult TestHome::RunWith(const std::vector<std::string>& args, const RunOptions& options) const {
  RunOptions merged = options;
  merged.env = BaseEnv();
  for (const auto& [name, value] : options.env) merged.env[name] = value;
  return RunProgram(HavenBinary(), args, merged);
}

RunResult TestHome::RunOnTerminal(const std::vector<std::string>& args,
                                  const std::vector<TerminalStep>& dialogue,
                                  const EnvOverrides& env) const {
  RunOptions options;
  options.env = BaseEnv();
  for (const auto& [name, value] : env) options.env[name] = value;
  return e2e::RunOnTerminal(HavenBinary(), args, dialogue, options);
}

nlohmann::json TestHome::Json(const std::vector<std::string>& args) const {
  std::vector<std::string> full{"--format", "json"};
  full.insert(full.end(), args.begin(), args.end());
  RunResult r = Run(full);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "expected success" << r;
    return nullptr;
  }
  return r.JsonOut();
}

nlohmann::json TestHome::Init() {
  // The interactive profile keeps the suite fast; `haven init` alone uses
  // moderate (checked by its own test).
  RunResult r = Run({"--format", "json", "init", "--kdf", "interactive"});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "haven init failed" << r;
    return nullptr;
  }
  return r.JsonOut();
}

std::string TestHome::Log(const std::vector<std::string>& args) const {
  std::vector<std::string> full{"log"};
  full.insert(full.end(), args.begin(), args.end());
  RunResult r = Run(full);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "haven log failed" << r;
    return "";
  }
  return r.Trimmed();
}

int64_t TestHome::Records() const {
  nlohmann::json info = Json({"vault", "info"});
  if (!info.is_object() || !info.contains("records") || !info["records"].is_number()) {
    ADD_FAILURE() << "vault info has no numeric \"records\": " << info.dump();
    return -1;
  }
  return info["records"].get<int64_t>();
}

std::optional<pid_t> TestHome::DaemonPid() const {
  std::string text = ReadFile(path_ + "/havend.lock");
  pid_t pid = static_cast<pid_t>(std::atoi(text.c_str()));
  if (pid <= 0 || !ProcessAlive(pid)) return std::nullopt;
  std::string cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  if (cmdline.find("havend") == std::string::npos || cmdline.find(path_) == std::string::npos) {
    return std::nullopt;  // the pid was reused by something else
  }
  return pid;
}

void TestHome::StopDaemon() {
  std::optional<pid_t> pid = DaemonPid();
  if (!pid) return;
  RunOptions options;
  options.timeout = Duration(15000);
  RunWith({"daemon", "stop"}, options);
  if (!WaitUntil([pid] { return !ProcessAlive(*pid); }, Duration(5000))) KillAndWait(*pid);
}

void TestHome::KillDaemon() {
  std::optional<pid_t> pid = DaemonPid();
  if (!pid) {
    ADD_FAILURE() << "no havend runs for " << path_;
    return;
  }
  KillAndWait(*pid);
}

}  // namespace haven::e2e
