#include "cli/prompt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"
#include "common/field_error.h"

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

std::string Describe(const nlohmann::json& field) {
  std::string kind = field.value("type", "string");
  std::ostringstream out;
  if (field.contains("choices")) {
    out << "one of: ";
    bool first = true;
    for (const auto& c : field["choices"]) {
      out << (first ? "" : ", ") << c.get<std::string>();
      first = false;
    }
  } else if (field.contains("min") && field.contains("max")) {
    out << field["min"].dump() << " to " << field["max"].dump();
  } else if (kind == "boolean") {
    out << "yes or no";
  }
  return out.str();
}

}  // namespace

bool InteractiveTerminal() { return isatty(STDIN_FILENO) && isatty(STDERR_FILENO); }

absl::StatusOr<std::string> AskField(const nlohmann::json& field) {
  std::string name = field.value("name", "");
  std::string prompt = field.value("prompt", "");
  if (prompt.empty()) prompt = name;
  if (field.value("type", "") == "text") {
    std::cerr << prompt << " (opening your editor)\n";
    return EditText("# " + prompt + "\n# " + field.value("help", "") +
                    "\n# Lines starting with # are ignored.\n");
  }
  std::string help = field.value("help", "");
  std::string range = Describe(field);
  if (!help.empty()) std::cerr << "  " << help << "\n";
  std::cerr << prompt;
  if (!range.empty()) std::cerr << " [" << range << "]";
  if (field.contains("default")) std::cerr << " (default " << field["default"].dump() << ")";
  std::cerr << ": " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) {
    return FieldError(absl::StatusCode::kInvalidArgument, name,
                      "field \"" + name + "\": no answer given");
  }
  return line;
}

absl::StatusOr<std::string> EditText(const std::string& header) {
  std::string pattern = RuntimeBase() + "/haven-edit-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return absl::InternalError("cannot create a private directory for the editor");
  }
  fs::path dir(buf.data());
  chmod(dir.c_str(), 0700);
  fs::path file = dir / "entry.txt";
  {
    int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      ShredDirectory(dir);
      return absl::InternalError("cannot create the editor's file");
    }
    ssize_t ignored = write(fd, header.data(), header.size());
    (void)ignored;
    close(fd);
  }
  const char* editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = std::getenv("VISUAL");
  std::string command = std::string(editor && *editor ? editor : "vi") + " '" + file.string() + "'";
  int rc = std::system(command.c_str());
  std::string text;
  {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] == '#') continue;
      text += line + "\n";
    }
  }
  ShredDirectory(dir);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (rc != 0) return absl::InvalidArgumentError("editor exited with an error; nothing saved");
  return text;
}

}  // namespace haven::cli
