#include "tests/e2e/sync_harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

extern char** environ;

namespace haven::e2e {
namespace {

namespace fs = std::filesystem;

std::string MakeTempDir(const char* prefix) {
  std::string pattern = std::string("/tmp/") + prefix + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return "";
  }
  return pattern;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string TamperToolBinary() {
#ifdef TAMPER_TOOL
  return TAMPER_TOOL;
#else
  return "";
#endif
}

std::string ForgePushToolBinary() {
#ifdef FORGE_PUSH_TOOL
  return FORGE_PUSH_TOOL;
#else
  return "";
#endif
}

// --- Hub ---------------------------------------------------------------------

Hub::Hub() {
  root_ = MakeTempDir("hv-hub-");
  port_ = PickFreeLoopbackPort();
  // A token made of the port and the pid: unique per hub, never a real secret.
  token_ = "hub-token-" + std::to_string(port_) + "-" + std::to_string(getpid());
  WriteFile(root_ + "/token", token_ + "\n", 0600);
}

Hub::~Hub() {
  if (process_) process_->Kill();
  process_.reset();
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

bool Hub::Start(const EnvOverrides& env) {
  if (Running()) return true;
  std::vector<std::string> args{"--home",         home(),        "--hub",
                                "--listen",       address(),     "--token-file",
                                root_ + "/token", "--log-level", "info"};
  if (!tls_cert_.empty()) {
    args.insert(args.end(), {"--tls-cert", tls_cert_, "--tls-key", tls_key_});
  }
  args.insert(args.end(), flags_.begin(), flags_.end());
  process_ = DaemonProcess::Start(args, env, root_ + "/hub.log");
  if (!process_) return false;
  bool up = WaitForTcpPort(port_, Duration(20000));
  if (!up || !process_->Running()) {
    ADD_FAILURE() << "hub did not come up on " << address() << "\n" << Output();
    return false;
  }
  return true;
}

std::optional<int> Hub::Stop() {
  if (!process_) return std::nullopt;
  return process_->Terminate();
}

void Hub::Kill() {
  if (!process_) return;
  pid_t pid = process_->pid();
  kill(pid, SIGKILL);
  process_->WaitExit(Duration(10000));
  process_->Kill();  // reaps; a no-op when already reaped
}

std::optional<int> Hub::WaitExit(Duration timeout) {
  if (!process_) return std::nullopt;
  return process_->WaitExit(timeout);
}

// --- devices -----------------------------------------------------------------

void AddRemote(const TestHome& device, const Hub& hub, const std::string& name,
               const std::vector<std::string>& extra, bool with_token) {
  std::vector<std::string> args{"remote", "add", name, hub.address()};
  if (with_token) args.insert(args.end(), {"--token", hub.token()});
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = device.Run(args);
  EXPECT_EQ(r.exit_code, 0) << "remote add failed" << r;
}

void Disconnect(const TestHome& device, const std::string& name) {
  RunResult r = device.Run({"remote", "rm", name});
  EXPECT_EQ(r.exit_code, 0) << "remote rm failed" << r;
}

void Reconnect(const TestHome& device, const Hub& hub, const std::string& name,
               const std::vector<std::string>& extra) {
  AddRemote(device, hub, name, extra);
}

RunResult Sync(const TestHome& device, const std::string& name) {
  std::vector<std::string> args{"--format", "json", "sync"};
  if (!name.empty()) args.push_back(name);
  RunOptions options;
  options.timeout = Duration(60000);
  return device.RunWith(args, options);
}

nlohmann::json SyncOk(const TestHome& device, const std::string& name) {
  RunResult r = Sync(device, name);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "sync failed" << r;
    return nullptr;
  }
  nlohmann::json j = r.JsonOut();
  if (!j.is_object() || !j.contains("pushed") || !j.contains("pulled")) {
    ADD_FAILURE() << "sync --format json printed no {pushed, pulled}" << r;
    return nullptr;
  }
  return j;
}

RunResult Join(const TestHome& device, const Hub& hub, const std::string& vault_id,
               const std::string& secret_key, const std::vector<std::string>& extra,
               const EnvOverrides& env, bool with_token) {
  std::vector<std::string> args{"--format", "json",   "join",         hub.address(),
                                "--vault",  vault_id, "--secret-key", secret_key};
  if (with_token) args.insert(args.end(), {"--token", hub.token()});
  args.insert(args.end(), extra.begin(), extra.end());
  RunOptions options;
  options.env = env;
  options.timeout = Duration(60000);
  return device.RunWith(args, options);
}

nlohmann::json VaultInfo(const TestHome& device) { return device.Json({"vault", "info"}); }

nlohmann::json SortedList(const TestHome& device) {
  nlohmann::json list = device.Json({"list"});
  if (!list.is_array()) {
    ADD_FAILURE() << "list --format json is not an array: " << list.dump();
    return nlohmann::json::array();
  }
  std::vector<nlohmann::json> entries(list.begin(), list.end());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.value("id", "") < b.value("id", ""); });
  return nlohmann::json(entries);
}

nlohmann::json Show(const TestHome& device, const std::string& id, bool history) {
  std::vector<std::string> args{"show", id};
  if (history) args.push_back("--history");
  return device.Json(args);
}

nlohmann::json FullView(const TestHome& device) {
  nlohmann::json view;
  view["list"] = SortedList(device);
  for (const auto& e : view["list"]) {
    std::string id = e.value("id", "");
    view["show"][id] = Show(device, id);
    view["history"][id] = Show(device, id, /*history=*/true);
  }
  return view;
}

void DoctorClean(const TestHome& device) {
  RunOptions options;
  options.timeout = Duration(60000);
  RunResult r = device.RunWith({"doctor"}, options);
  EXPECT_EQ(r.exit_code, 0) << "doctor is not clean" << r;
}

void ExpectNoVault(const TestHome& device) {
  RunResult info = device.Run({"--format", "json", "vault", "info"});
  EXPECT_NE(info.exit_code, 0) << "a failed join left a vault behind" << info;
}

// --- BackgroundCommand -------------------------------------------------------

BackgroundCommand::BackgroundCommand(const TestHome& device, const std::vector<std::string>& args) {
  out_path_ = device.Scratch("bg-" + std::to_string(reinterpret_cast<uintptr_t>(this)) + ".out");
  err_path_ = device.Scratch("bg-" + std::to_string(reinterpret_cast<uintptr_t>(this)) + ".err");
  std::vector<std::string> env_strings;
  EnvOverrides overrides = device.BaseEnv();
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    std::string name = kv.substr(0, kv.find('='));
    if (name.rfind("HAVEN_", 0) == 0 || overrides.count(name)) continue;
    env_strings.push_back(kv);
  }
  for (const auto& [name, value] : overrides) {
    if (value) env_strings.push_back(name + "=" + *value);
  }
  std::vector<std::string> argv_strings{"haven"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string program = HavenBinary();
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  if (pid_ < 0) ADD_FAILURE() << "fork: " << std::strerror(errno);
}

BackgroundCommand::~BackgroundCommand() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);  // only the command itself: its daemon belongs to the home
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool BackgroundCommand::Running() { return pid_ > 0 && !Wait(Duration(0)).has_value(); }

std::optional<int> BackgroundCommand::Wait(Duration timeout) {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  bool done = WaitUntil(
      [this] {
        int status = 0;
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) exit_code_ = DecodeStatus(status);
        return r == pid_ || r < 0;
      },
      timeout);
  if (!done) return std::nullopt;
  if (!exit_code_) exit_code_ = -1;
  return exit_code_;
}

// --- scans and shells --------------------------------------------------------

std::vector<std::pair<std::string, std::string>> FindMarkers(
    const std::string& dir, const std::vector<std::string>& markers) {
  std::vector<std::pair<std::string, std::string>> hits;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string content = ReadFile(it->path().string());
    for (const auto& m : markers) {
      if (content.find(m) != std::string::npos) hits.emplace_back(it->path().string(), m);
    }
  }
  if (ec) ADD_FAILURE() << "scanning " << dir << ": " << ec.message();
  return hits;
}

int Shell(const std::string& command_line, std::string* output) {
  std::string cmd = command_line + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf;
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  if (output) *output = out;
  return DecodeStatus(status);
}

}  // namespace haven::e2e
