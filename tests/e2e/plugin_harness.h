// Helpers for the exercise-plugin end-to-end tests (plugins_*_test.cc), on
// top of tests/e2e/harness.h: manifests on disk, type and entry look-ups, and
// scans for plaintext left behind.
#ifndef HAVEN_TESTS_E2E_PLUGIN_HARNESS_H_
#define HAVEN_TESTS_E2E_PLUGIN_HARNESS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace haven::e2e {

// The thirteen built-in exercise types of docs/plugins.md, "Built-in types".
const std::vector<std::string>& BuiltinTypeIds();

// Writes `manifest` (dumped) as dir/file, creating dir (0700) when needed.
void WriteManifest(const std::string& dir, const std::string& file, const nlohmann::json& manifest);
void WriteManifestText(const std::string& dir, const std::string& file, const std::string& text);

// $HAVEN_HOME/plugins of a home.
std::string HomePluginDir(const TestHome& home);

// `haven types --format json` as an array of type objects (fails the test
// and returns an empty array otherwise).
nlohmann::json TypesJson(const TestHome& home);
// The element of `array` whose "id" is `id`, or null.
nlohmann::json FindById(const nlohmann::json& array, const std::string& id);
// `haven show ID --format json`.
nlohmann::json ShowEntry(const TestHome& home, const std::string& id);
// `haven list --format jsonl ARGS...` parsed.
std::vector<nlohmann::json> ListEntries(const TestHome& home, std::vector<std::string> args = {});
// Number of (live) entries, via list.
size_t EntryCount(const TestHome& home);

// Regular files under `root` (recursively) whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& root, const std::string& needle);
// Names of the entries of `dir` that start with `prefix`.
std::vector<std::string> DirEntriesStartingWith(const std::string& dir, const std::string& prefix);

// The build under test (compile-time definitions, see plugin_tests.cmake).
std::string CmakeCommand();
std::string CmakeGenerator();
std::string BuildDir();
std::string ExampleSourceDir();

// A fresh private temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_PLUGIN_HARNESS_H_
