#include "cli/editor_scratch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <vector>

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kPrefix[] = "haven-edit-";

volatile std::sig_atomic_t held_signal = 0;

void HoldSignal(int signal) { held_signal = signal; }

// SIGHUP and SIGTERM only note themselves while an edit is under way.
void HoldTermination() {
  held_signal = 0;
  struct sigaction hold {};
  hold.sa_handler = HoldSignal;
  sigemptyset(&hold.sa_mask);
  sigaction(SIGHUP, &hold, nullptr);
  sigaction(SIGTERM, &hold, nullptr);
}

// Back to the default; a signal that came meanwhile now ends the process.
void ReleaseTermination() {
  std::signal(SIGHUP, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (held_signal != 0) raise(held_signal);
}

void ShredFile(const fs::path& path) {
  int fd = open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const std::string zeros(4096, '\0');
    for (off_t done = 0; done < st.st_size; done += static_cast<off_t>(zeros.size())) {
      size_t step = static_cast<size_t>(std::min<off_t>(zeros.size(), st.st_size - done));
      if (write(fd, zeros.data(), step) < 0) break;
    }
    fsync(fd);
  }
  if (fd >= 0) close(fd);
  std::error_code ec;
  fs::remove(path, ec);
}

// The PID in a scratch directory's name, or 0.
pid_t OwnerPid(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0) return 0;
  const char* digits = name.c_str() + sizeof(kPrefix) - 1;
  char* end = nullptr;
  long pid = std::strtol(digits, &end, 10);
  if (end == digits || *end != '-' || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

}  // namespace

std::string EditorScratchBase() {
  std::error_code ec;
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg && fs::is_directory(xdg, ec)) {
    return xdg;
  }
  if (fs::is_directory("/dev/shm", ec)) return "/dev/shm";
  return fs::temp_directory_path(ec).string();
}

void ShredDirectory(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& item : fs::recursive_directory_iterator(dir, ec)) {
    if (!item.is_directory(ec)) files.push_back(item.path());
  }
  for (const auto& file : files) ShredFile(file);
  fs::remove_all(dir, ec);
}

int SweepAbandonedScratch(const std::string& base) {
  std::error_code ec;
  std::vector<fs::path> abandoned;
  for (const auto& item : fs::directory_iterator(base, ec)) {
    const pid_t pid = OwnerPid(item.path().filename().string());
    struct stat st {};
    if (pid == 0 || lstat(item.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != geteuid()) {
      continue;
    }
    if (kill(pid, 0) != 0 && errno == ESRCH) abandoned.push_back(item.path());
  }
  for (const auto& dir : abandoned) ShredDirectory(dir);
  return static_cast<int>(abandoned.size());
}

std::optional<EditorScratch> EditorScratch::Create() {
  const std::string base = EditorScratchBase();
  SweepAbandonedScratch(base);
  std::string pattern = base + "/" + kPrefix + std::to_string(getpid()) + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return std::nullopt;
  chmod(pattern.c_str(), 0700);
  HoldTermination();
  return EditorScratch(fs::path(pattern));
}

EditorScratch::EditorScratch(EditorScratch&& other) noexcept : dir_(std::move(other.dir_)) {
  other.dir_.clear();
}

EditorScratch::~EditorScratch() {
  if (dir_.empty()) return;
  ShredDirectory(dir_);
  ReleaseTermination();
}

}  // namespace haven::cli
