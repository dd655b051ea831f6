// The host side of the native plugin ABI (plugins/include/haven/plugin.h):
// loading a shared library and calling its callbacks through trampolines
// that catch everything, so nothing the plugin does can throw into haven.
//
// Libraries are opened with dlopen(RTLD_NOW | RTLD_LOCAL) and never closed:
// a NativeBinding's function pointers stay valid for the whole process.
// Thread safety: LoadNativePlugin may run on any thread but must not run
// twice at once for the same path; the Call* functions are thread-safe as far
// as the plugin honours the ABI's reentrancy rule.
#ifndef HAVEN_SERVER_PLUGINS_NATIVE_PLUGIN_H_
#define HAVEN_SERVER_PLUGINS_NATIVE_PLUGIN_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "haven/plugin.h"
#include "server/model/entry.h"
#include "server/plugins/type_registry.h"

namespace haven {

// One declared type's callbacks, copied from the plugin's haven_type_ops.
struct NativeBinding {
  std::string library;  // path the library was loaded from
  std::string type_id;
  haven_type_ops ops{};  // members the plugin did not know are NULL
};

struct NativePlugin {
  std::string path;
  std::vector<ExerciseType> types;                             // native = true, source = path
  std::vector<std::shared_ptr<const NativeBinding>> bindings;  // one per type, same order
};

// Refuses, before any of its code runs, a library that TrustedPluginPath
// refuses (plugin_trust.h: writable by others, or owned by another user).
// Then opens the library at `path`, checks its ABI record, runs
// haven_plugin_init and collects the types it declares. FailedPrecondition
// with the reason (refused before loading, cannot load, not a haven plugin,
// wrong ABI version, no entry point, invalid schema, init failed) otherwise.
absl::StatusOr<NativePlugin> LoadNativePlugin(const std::string& path);

// Runs the type's validate callback, if any, on checked fields.
// InvalidArgument with the plugin's message when it refuses them.
absl::Status CallValidate(const NativeBinding& binding, const ExerciseType& type,
                          const nlohmann::json& fields);

// Runs derive; an empty object when the plugin provides none.
absl::StatusOr<nlohmann::json> CallDerive(const NativeBinding& binding, const ExerciseType& type,
                                          const nlohmann::json& fields);

// Runs summarize over `entries`; no lines when the plugin provides none.
absl::StatusOr<std::vector<std::string>> CallSummarize(const NativeBinding& binding,
                                                       const ExerciseType& type,
                                                       const std::vector<const Entry*>& entries);

// The function table handed to every plugin; lives for the process.
const haven_host_api* HostApi();

}  // namespace haven

#endif  // HAVEN_SERVER_PLUGINS_NATIVE_PLUGIN_H_
