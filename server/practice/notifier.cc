#include "server/practice/notifier.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "common/html_escape.h"
#include "server/util/log.h"

extern char** environ;

namespace haven {
namespace {

constexpr char kNotifySend[] = "notify-send";

// Standard streams on /dev/null, nothing else inherited.
void SetUpFiles(posix_spawn_file_actions_t* files) {
  posix_spawn_file_actions_init(files);
  posix_spawn_file_actions_addopen(files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(files, STDERR_FILENO + 1);
}

// havend blocks its shutdown signals in every thread and ignores SIGPIPE
// (server/daemon/daemon.cc); the child gets neither.
void SetUpSignals(posix_spawnattr_t* attr) {
  posix_spawnattr_init(attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setsigdefault(attr, &defaults);
  posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

}  // namespace

std::optional<std::string> FindOnPath(std::string_view name, std::string_view path) {
  while (!path.empty()) {
    const size_t colon = path.find(':');
    const std::string_view dir = path.substr(0, colon);
    path = colon == std::string_view::npos ? std::string_view() : path.substr(colon + 1);
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate = std::string(dir) + "/" + std::string(name);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

DesktopNotifier::~DesktopNotifier() { Reap(/*wait=*/false); }

// What notify-send needs to reach the desktop's notification server, and
// nothing else of the daemon's environment (which may hold a passphrase
// variable from the command that started it).
static std::vector<std::string> NotifierEnvironment() {
  static constexpr const char* kKept[] = {
      "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "HOME", "PATH",
      "LANG",    "LC_ALL",          "LC_MESSAGES"};
  std::vector<std::string> out;
  for (const char* name : kKept) {
    if (const char* value = std::getenv(name)) out.push_back(std::string(name) + "=" + value);
  }
  return out;
}

pid_t DesktopNotifier::Spawn(const std::string& program, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  SetUpFiles(&files);
  SetUpSignals(&attr);
  std::vector<std::string> env = NotifierEnvironment();
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawn(&pid, program.c_str(), &files, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  return failed == 0 ? pid : -1;
}

void DesktopNotifier::Notify(const std::string& title, const std::string& body) {
  Reap(/*wait=*/false);
  std::optional<std::string> program = FindOnPath(kNotifySend, path_);
  if (program) {
    // "--": a title that starts with '-' is not an option. The body is
    // escaped: notification servers read a little markup there (links,
    // images), and a plugin's type title is part of it.
    const pid_t pid =
        Spawn(*program, {kNotifySend, "--app-name=haven", "--", title, HtmlEscape(body)});
    if (pid > 0) {
      absl::MutexLock lock(&mu_);
      children_.push_back(pid);
      return;
    }
    Log(LogLevel::kWarn, "notify-send did not start", {{"path", *program}});
  }
  Log(LogLevel::kInfo, "reminder", {{"title", title}, {"body", body}});
}

void DesktopNotifier::Reap(bool wait) {
  absl::MutexLock lock(&mu_);
  std::erase_if(children_, [wait](pid_t pid) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, wait ? 0 : WNOHANG);
    return done == pid || done < 0;
  });
}

}  // namespace haven
