// DaemonProcess (a havend the test starts itself) and TestHome (a device's
// temporary home and the `haven` commands run for it); see harness.h.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/e2e/harness.h"
#include "tests/e2e/harness_child.h"

namespace haven::e2e {

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
  std::string program = HavendBinary();
  internal::ExecArgs exec(program, args, env);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execve(program.c_str(), exec.argv(), exec.envp());
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
  int status = 0;
  pid_t r = 0;
  auto reaped = [&] {
    r = waitpid(pid_, &status, WNOHANG);
    return r == pid_ || (r < 0 && errno == ECHILD);
  };
  if (!WaitUntil(reaped, timeout)) return std::nullopt;
  exit_code_ = r == pid_ ? internal::DecodeStatus(status) : -1;
  return exit_code_;
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
  exit_code_ = internal::DecodeStatus(status);
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
  std::filesystem::create_directory(runtime_dir_);
  chmod(runtime_dir_.c_str(), 0700);
}

TestHome::~TestHome() {
  if (root_.empty()) return;
  StopDaemon();
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
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
