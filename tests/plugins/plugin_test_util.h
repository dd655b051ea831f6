// Helpers for the plugin host tests: scratch directories and files.
#ifndef HAVEN_TESTS_PLUGINS_PLUGIN_TEST_UTIL_H_
#define HAVEN_TESTS_PLUGINS_PLUGIN_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"

namespace haven::testing {

// A fresh directory under $TMPDIR, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "haven-plugins-XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const {
    std::filesystem::create_directories(path_ + "/" + name);
    return path_ + "/" + name;
  }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Symlinks a built test plugin (test_plugins/<name>.so) into `dir`.
inline std::string LinkTestPlugin(const std::string& name, const std::string& dir) {
  std::string target = std::string(HAVEN_TEST_PLUGIN_DIR) + "/" + name + ".so";
  std::string link = dir + "/" + name + ".so";
  std::filesystem::create_symlink(target, link);
  return link;
}

inline std::string Message(const absl::Status& s) { return std::string(s.message()); }

}  // namespace haven::testing

#endif  // HAVEN_TESTS_PLUGINS_PLUGIN_TEST_UTIL_H_
