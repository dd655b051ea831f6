// Where a daemon looks for plugins (docs/plugins.md, "Where haven looks"): the built-in
// directories next to its own binary, every --plugin-dir, then
// $HAVEN_HOME/plugins. Earlier directories win a type id.
#ifndef HAVEN_SERVER_PLUGINS_PLUGIN_DIRS_H_
#define HAVEN_SERVER_PLUGINS_PLUGIN_DIRS_H_

#include <string>
#include <vector>

#include "server/plugins/type_registry.h"

namespace haven {

// `bin_dir` is the directory holding the running havend (build/bin or
// <prefix>/bin); built-ins are found relative to it, so both the build tree
// and a relocated install work. `home` is the vault home ($HAVEN_HOME).
RegistryOptions StandardRegistryOptions(const std::string& bin_dir,
                                        const std::vector<std::string>& plugin_dirs,
                                        const std::string& home);

}  // namespace haven

#endif  // HAVEN_SERVER_PLUGINS_PLUGIN_DIRS_H_
