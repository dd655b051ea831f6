#include "cli/editor_scratch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <utility>
#include <vector>

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kPrefix[] = "haven-edit-";
// A directory younger than this is never swept: its maker may not hold
// its lock yet.
constexpr auto kSweepAfter = std::chrono::minutes(1);

volatile std::sig_atomic_t held_signal = 0;
struct sigaction saved_hup {};
struct sigaction saved_term {};

void HoldSignal(int signal) { held_signal = signal; }

// SIGHUP and SIGTERM only note themselves while an edit is under way; one
// the process ignores (nohup) stays ignored, and the editor inherits that.
void HoldTermination() {
  held_signal = 0;
  struct sigaction hold {};
  hold.sa_handler = HoldSignal;
  sigemptyset(&hold.sa_mask);
  for (auto [signal, saved] : {std::pair{SIGHUP, &saved_hup}, std::pair{SIGTERM, &saved_term}}) {
    sigaction(signal, nullptr, saved);
    if (saved->sa_handler != SIG_IGN) sigaction(signal, &hold, nullptr);
  }
}

// The dispositions from before; a signal that came meanwhile and would
// have ended the process then ends it now.
void ReleaseTermination() {
  const int held = held_signal;
  sigaction(SIGHUP, &saved_hup, nullptr);
  sigaction(SIGTERM, &saved_term, nullptr);
  const struct sigaction& before = held == SIGHUP ? saved_hup : saved_term;
  if (held != 0 && before.sa_handler == SIG_DFL) raise(held);
}

// Writes zeros over a regular file with a single name, then deletes it. A
// file with other hard links is only deleted: its bytes are another
// name's too. A link is deleted, never followed.
void ShredFile(const fs::path& path) {
  int fd = open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && chmod(path.c_str(), 0600) == 0) {  // a read-only backup
    fd = open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  }
  struct stat st {};
  if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1) {
    const std::string zeros(4096, '\0');
    off_t done = 0;
    while (done < st.st_size) {
      const size_t step = static_cast<size_t>(std::min<off_t>(zeros.size(), st.st_size - done));
      const ssize_t put = write(fd, zeros.data(), step);
      if (put <= 0) break;
      done += put;
    }
    fsync(fd);
  }
  if (fd >= 0) close(fd);
  std::error_code ec;
  fs::remove(path, ec);
}

// A scratch directory of this user's that no edit holds: not locked, and
// older than kSweepAfter. Returns a locked fd on it (the caller shreds,
// then closes), or -1.
int LockAbandoned(const fs::path& dir) {
  if (dir.filename().string().rfind(kPrefix, 0) != 0) return -1;
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) return -1;
  const auto age =
      std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtime);
  if (age < kSweepAfter) return -1;
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return -1;
  }
  return fd;
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
  std::vector<fs::path> dirs;
  for (const auto& item : fs::directory_iterator(base, ec)) dirs.push_back(item.path());
  int swept = 0;
  for (const auto& dir : dirs) {
    const int lock = LockAbandoned(dir);
    if (lock < 0) continue;
    ShredDirectory(dir);
    close(lock);
    ++swept;
  }
  return swept;
}

std::optional<EditorScratch> EditorScratch::Create() {
  const std::string base = EditorScratchBase();
  SweepAbandonedScratch(base);
  std::string pattern = base + "/" + kPrefix + std::to_string(getpid()) + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return std::nullopt;
  chmod(pattern.c_str(), 0700);
  // Held for the whole edit: what tells a sweeper this edit is alive. Not
  // inherited by the editor.
  int lock = open(pattern.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) close(lock);
    ShredDirectory(pattern);
    return std::nullopt;
  }
  HoldTermination();
  return EditorScratch(fs::path(pattern), lock);
}

EditorScratch::EditorScratch(EditorScratch&& other) noexcept
    : dir_(std::move(other.dir_)), lock_(other.lock_) {
  other.dir_.clear();
  other.lock_ = -1;
}

EditorScratch::~EditorScratch() {
  if (dir_.empty()) return;
  ShredDirectory(dir_);
  close(lock_);
  ReleaseTermination();
}

}  // namespace haven::cli
