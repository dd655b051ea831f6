#include "cli/prompt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/status/status.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

// tmpfs first: what is never written to a disk cannot be recovered from it.
std::string RuntimeBase() {
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg && fs::is_directory(xdg)) {
    return xdg;
  }
  if (fs::is_directory("/dev/shm")) return "/dev/shm";
  return fs::temp_directory_path().string();
}

void ShredFile(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && size > 0) {
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      std::string zeros(4096, '\0');
      for (uintmax_t done = 0; done < size; done += zeros.size()) {
        if (write(fd, zeros.data(), std::min<uintmax_t>(zeros.size(), size - done)) < 0) break;
      }
      fsync(fd);
      close(fd);
    }
  }
  fs::remove(path, ec);
}

void ShredDirectory(const fs::path& dir) {
  std::error_code ec;
  for (const auto& item : fs::recursive_directory_iterator(dir, ec)) {
    if (item.is_regular_file(ec)) ShredFile(item.path());
  }
  fs::remove_all(dir, ec);
}

// What the editor's file starts as: the text, an empty line, the comments.
std::string Template(const std::string& initial, const std::vector<std::string>& guidance) {
  std::string out = initial.empty() ? "\n" : initial + "\n\n";
  for (const std::string& block : guidance) {
    size_t start = 0;
    while (start <= block.size()) {
      size_t end = block.find('\n', start);
      if (end == std::string::npos) end = block.size();
      out += "# " + block.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return out;
}

// The file's text without comment lines and without blank lines before or
// after it.
std::string ReadWithoutComments(const fs::path& file) {
  std::ifstream in(file);
  std::string text, line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '#') continue;
    if (text.empty() && line.find_first_not_of(" \t") == std::string::npos) continue;
    text += line + "\n";
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

// A fresh 0700 directory for the editor; nullopt when it cannot be made.
std::optional<fs::path> PrivateDirectory() {
  std::string pattern = RuntimeBase() + "/haven-edit-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return std::nullopt;
  fs::path dir(buf.data());
  chmod(dir.c_str(), 0700);
  return dir;
}

bool WriteNewFile(const fs::path& file, const std::string& content) {
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  close(fd);
  return ok;
}

}  // namespace

bool InteractiveTerminal() { return isatty(STDIN_FILENO) && isatty(STDERR_FILENO); }

std::optional<std::string> AskLine(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> ReadTypedLines(const std::string& line_prompt) {
  std::string text;
  for (bool first = true;; first = false) {
    std::optional<std::string> line = AskLine(line_prompt);
    if (!line && first) return std::nullopt;
    if (!line || line->empty()) return text;
    text += (first ? "" : "\n") + *line;
  }
}

std::optional<std::string> ConfiguredEditor() {
  for (const char* name : {"EDITOR", "VISUAL"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return std::string(value);
  }
  return std::nullopt;
}

absl::StatusOr<std::string> EditText(const std::string& editor, const std::string& initial,
                                     const std::vector<std::string>& guidance) {
  std::optional<fs::path> dir = PrivateDirectory();
  if (!dir) return absl::InternalError("cannot create a private directory for the editor");
  fs::path file = *dir / "entry.txt";
  if (!WriteNewFile(file, Template(initial, guidance))) {
    ShredDirectory(*dir);
    return absl::InternalError("cannot create the editor's file");
  }
  std::string command = editor + " '" + file.string() + "'";
  int rc = std::system(command.c_str());
  std::string text = ReadWithoutComments(file);
  ShredDirectory(*dir);
  if (rc != 0) return absl::InvalidArgumentError("the editor exited with an error; nothing saved");
  return text;
}

}  // namespace haven::cli
