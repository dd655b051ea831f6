// RunResult, waiting for processes and ports, RFC 3339 times and files;
// running children is in harness_run.cc, DaemonProcess and TestHome in
// harness_home.cc (see harness.h).
#include "tests/e2e/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

namespace haven::e2e {
namespace {

using Clock = std::chrono::steady_clock;

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
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

}  // namespace haven::e2e
