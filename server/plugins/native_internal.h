// Pieces shared by native_loader.cc and native_call.cc; not for other users.
#ifndef HAVEN_SERVER_PLUGINS_NATIVE_INTERNAL_H_
#define HAVEN_SERVER_PLUGINS_NATIVE_INTERNAL_H_

#include <memory>
#include <string>
#include <vector>

#include "haven/plugin.h"
#include "server/plugins/native_plugin.h"

// What a plugin declares during haven_plugin_init (opaque to plugins).
struct haven_registrar {
  std::string path;
  bool open = true;   // declare_types is refused once init has returned
  std::string error;  // first problem, e.g. an invalid schema
  std::vector<haven::ExerciseType> types;
  std::vector<std::shared_ptr<const haven::NativeBinding>> bindings;
};

namespace haven::native_internal {

// haven_host_api.declare_types.
int DeclareTypes(haven_registrar* reg, haven_str manifest, const haven_type_ops* ops);

}  // namespace haven::native_internal

#endif  // HAVEN_SERVER_PLUGINS_NATIVE_INTERNAL_H_
