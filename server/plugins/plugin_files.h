// Finding plugin files in a directory and reading manifests from disk.
#ifndef HAVEN_SERVER_PLUGINS_PLUGIN_FILES_H_
#define HAVEN_SERVER_PLUGINS_PLUGIN_FILES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace haven {

struct PluginFile {
  std::string path;
  bool native = false;  // *.so; otherwise *.json
};

// The *.json and *.so regular files of `dir` (symlinks followed), sorted by
// name; hidden files are ignored. An empty list when `dir` does not exist;
// an error only when it exists but cannot be read.
absl::StatusOr<std::vector<PluginFile>> ListPluginFiles(const std::string& dir);

// Reads a manifest, refusing files larger than kMaxManifestBytes.
absl::StatusOr<std::string> ReadManifestFile(const std::string& path);

}  // namespace haven

#endif  // HAVEN_SERVER_PLUGINS_PLUGIN_FILES_H_
