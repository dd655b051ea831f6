// Declaring a built-in native plugin's one type (plugin side; nothing here
// crosses the ABI beyond what haven/plugin.h defines).
#ifndef HAVEN_PLUGINS_BUILTIN_BUILTIN_PLUGIN_H_
#define HAVEN_PLUGINS_BUILTIN_BUILTIN_PLUGIN_H_

#include <string_view>

#include "haven/plugin_cpp.h"

namespace haven_builtin {

// The body of HAVEN_PLUGIN_INIT for a plugin whose manifest declares its
// types, each with these `derive` and `summarize` callbacks.
inline int DeclareTypes(const haven_host_api* host, haven_registrar* reg, std::string_view manifest,
                        haven_callback derive, haven_callback summarize) {
  haven_type_ops ops{};
  ops.struct_size = sizeof(ops);
  ops.derive = derive;
  ops.summarize = summarize;
  return host->declare_types(reg, haven_sdk::Str(manifest), &ops);
}

}  // namespace haven_builtin

#endif  // HAVEN_PLUGINS_BUILTIN_BUILTIN_PLUGIN_H_
