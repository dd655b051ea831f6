#include "server/plugins/plugin_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/plugins/manifest.h"

namespace haven {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<PluginFile>> ListPluginFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::vector<PluginFile>();
  std::vector<PluginFile> files;
  fs::directory_iterator it(dir, ec);
  if (ec) return absl::FailedPreconditionError(absl::StrCat("could not read: ", ec.message()));
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return absl::FailedPreconditionError(absl::StrCat("could not read: ", ec.message()));
    std::string name = it->path().filename().string();
    bool native = absl::EndsWith(name, ".so");
    if (name.empty() || name[0] == '.' || !(native || absl::EndsWith(name, ".json"))) continue;
    std::error_code type_ec;
    if (!fs::is_regular_file(it->path(), type_ec)) continue;
    files.push_back(PluginFile{it->path().string(), native});
  }
  std::sort(files.begin(), files.end(),
            [](const PluginFile& a, const PluginFile& b) { return a.path < b.path; });
  return files;
}

absl::StatusOr<std::string> ReadManifestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError("could not open the file");
  std::string text;
  text.resize(kMaxManifestBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return absl::FailedPreconditionError("could not read the file");
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxManifestBytes) {
    return absl::FailedPreconditionError(absl::StrCat("larger than ", kMaxManifestBytes, " bytes"));
  }
  return text;
}

}  // namespace haven
