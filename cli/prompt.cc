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
#include "cli/editor_scratch.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

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
  std::optional<EditorScratch> scratch = EditorScratch::Create();
  if (!scratch) return absl::InternalError("cannot create a private directory for the editor");
  fs::path file = scratch->dir() / "entry.txt";
  if (!WriteNewFile(file, Template(initial, guidance))) {
    return absl::InternalError("cannot create the editor's file");
  }
  std::string command = editor + " '" + file.string() + "'";
  int rc = std::system(command.c_str());
  std::string text = ReadWithoutComments(file);
  if (rc != 0) return absl::InvalidArgumentError("the editor exited with an error; nothing saved");
  return text;
}

}  // namespace haven::cli
