#include "tests/e2e/plugin_harness.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace haven::e2e {

namespace fs = std::filesystem;

const std::vector<std::string>& BuiltinTypeIds() {
  static const std::vector<std::string> ids = {
      "mindfulness", "break",  "letter", "friend", "self-talk", "reflection", "support",
      "checkin",     "scs-sf", "ecr-rs", "who-5",  "swls",      "brs"};
  return ids;
}

void WriteManifestText(const std::string& dir, const std::string& file, const std::string& text) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  chmod(dir.c_str(), 0700);
  WriteFile(dir + "/" + file, text, 0600);
}

void WriteManifest(const std::string& dir, const std::string& file,
                   const nlohmann::json& manifest) {
  WriteManifestText(dir, file, manifest.dump(2));
}

std::string HomePluginDir(const TestHome& home) { return home.path() + "/plugins"; }

nlohmann::json TypesJson(const TestHome& home) {
  nlohmann::json types = home.Json({"types"});
  if (!types.is_array()) {
    ADD_FAILURE() << "haven types --format json is not an array: " << types.dump();
    return nlohmann::json::array();
  }
  return types;
}

nlohmann::json FindById(const nlohmann::json& array, const std::string& id) {
  if (!array.is_array()) return nullptr;
  for (const auto& item : array) {
    if (item.is_object() && item.value("id", "") == id) return item;
  }
  return nullptr;
}

nlohmann::json ShowEntry(const TestHome& home, const std::string& id) {
  return home.Json({"show", id});
}

std::vector<nlohmann::json> ListEntries(const TestHome& home, std::vector<std::string> args) {
  args.insert(args.begin(), {"--format", "jsonl", "list"});
  RunResult r = home.Run(args);
  EXPECT_EQ(r.exit_code, 0) << r;
  return r.JsonLines();
}

size_t EntryCount(const TestHome& home) { return ListEntries(home).size(); }

std::vector<std::string> FilesContaining(const std::string& root, const std::string& needle) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) found.push_back(it->path().string());
  }
  return found;
}

std::vector<std::string> DirEntriesStartingWith(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    std::string name = item.path().filename().string();
    if (name.rfind(prefix, 0) == 0) found.push_back(name);
  }
  return found;
}

std::string CmakeCommand() { return HAVEN_E2E_CMAKE_COMMAND; }
std::string CmakeGenerator() { return HAVEN_E2E_CMAKE_GENERATOR; }
std::string BuildDir() { return HAVEN_E2E_BUILD_DIR; }
std::string ExampleSourceDir() { return HAVEN_E2E_EXAMPLE_SOURCE_DIR; }

TempDir::TempDir() {
  char pattern[] = "/tmp/hv-plugin-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace haven::e2e
