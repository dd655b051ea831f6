#include "server/plugins/plugin_dirs.h"

#include <filesystem>

namespace haven {

// Set by CMake from HAVEN_NATIVE_PLUGIN_RELDIR / HAVEN_MANIFEST_RELDIR.
#ifndef HAVEN_NATIVE_PLUGIN_RELDIR
#define HAVEN_NATIVE_PLUGIN_RELDIR "lib/haven/plugins"
#endif
#ifndef HAVEN_MANIFEST_RELDIR
#define HAVEN_MANIFEST_RELDIR "share/haven/plugins"
#endif

RegistryOptions StandardRegistryOptions(const std::string& bin_dir,
                                        const std::vector<std::string>& plugin_dirs,
                                        const std::string& home) {
  namespace fs = std::filesystem;
  fs::path prefix = fs::path(bin_dir).parent_path();
  RegistryOptions options;
  options.native_dirs.push_back((prefix / HAVEN_NATIVE_PLUGIN_RELDIR).string());
  // The build tree always stages into lib/, whatever the install libdir is
  // (lib/x86_64-linux-gnu for a /usr prefix on Debian).
  std::string staged = (prefix / "lib/haven/plugins").string();
  if (staged != options.native_dirs.front()) options.native_dirs.push_back(staged);
  options.manifest_dirs.push_back((prefix / HAVEN_MANIFEST_RELDIR).string());
  for (const std::string& dir : plugin_dirs) options.manifest_dirs.push_back(dir);
  if (!home.empty()) options.manifest_dirs.push_back((fs::path(home) / "plugins").string());
  return options;
}

}  // namespace haven
