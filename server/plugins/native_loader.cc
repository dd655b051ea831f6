// Loading a native plugin: dlopen, the ABI check before anything else, then
// haven_plugin_init collecting the types the plugin declares.
#include <dlfcn.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/plugins/manifest.h"
#include "server/plugins/native_internal.h"
#include "server/plugins/native_plugin.h"
#include "server/plugins/plugin_trust.h"

namespace haven {
namespace {

absl::Status Problem(const std::string& reason) { return absl::FailedPreconditionError(reason); }

std::string DlError() {
  const char* e = dlerror();
  return e ? e : "unknown error";
}

absl::Status CheckAbi(const haven_plugin_abi_info& abi) {
  if (abi.magic != HAVEN_PLUGIN_MAGIC) {
    return Problem("not a haven plugin: haven_plugin_abi has the wrong magic number");
  }
  std::string versions =
      absl::StrCat("plugin ABI ", abi.abi_major, ".", abi.abi_minor, ", this haven speaks ",
                   HAVEN_PLUGIN_ABI_MAJOR, ".", HAVEN_PLUGIN_ABI_MINOR);
  if (abi.abi_major != HAVEN_PLUGIN_ABI_MAJOR) {
    return Problem(absl::StrCat("incompatible plugin ABI version (", versions, ")"));
  }
  if (abi.abi_minor > HAVEN_PLUGIN_ABI_MINOR) {
    return Problem(absl::StrCat("needs a newer haven (", versions, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

namespace native_internal {

int DeclareTypes(haven_registrar* reg, haven_str manifest, const haven_type_ops* ops) {
  if (reg == nullptr) return HAVEN_ERROR;
  try {
    if (!reg->open) return HAVEN_ERROR;
    auto fail = [reg](std::string reason) {
      if (reg->error.empty()) reg->error = std::move(reason);
      return HAVEN_ERROR;
    };
    haven_type_ops copy{};
    if (ops != nullptr) {
      // A plugin built against an older header passes a shorter struct; the
      // members it does not know stay NULL ("not provided").
      if (ops->struct_size < offsetof(haven_type_ops, user_data) + sizeof(void*)) {
        return fail("declared types with a haven_type_ops of impossible size");
      }
      std::memcpy(&copy, ops, std::min<size_t>(ops->struct_size, sizeof(copy)));
    }
    copy.struct_size = sizeof(copy);
    std::string_view text(manifest.data ? manifest.data : "", manifest.data ? manifest.len : 0);
    absl::StatusOr<std::vector<ExerciseType>> types = ParseManifestText(text, reg->path);
    if (!types.ok()) return fail(absl::StrCat("invalid schema: ", types.status().message()));
    for (ExerciseType& type : *types) {
      for (const ExerciseType& seen : reg->types) {
        if (seen.id == type.id) return fail(absl::StrCat("declares type \"", type.id, "\" twice"));
      }
      type.native = true;
      auto binding = std::make_shared<NativeBinding>();
      binding->library = reg->path;
      binding->type_id = type.id;
      binding->ops = copy;
      reg->bindings.push_back(std::move(binding));
      reg->types.push_back(std::move(type));
    }
    return HAVEN_OK;
  } catch (...) {
    if (reg->error.empty()) reg->error = "could not declare types (out of memory?)";
    return HAVEN_ERROR;
  }
}

}  // namespace native_internal

absl::StatusOr<NativePlugin> LoadNativePlugin(const std::string& path) {
  // Checked before dlopen, which runs the library's constructors.
  absl::StatusOr<std::string> trusted = TrustedPluginPath(path);
  if (!trusted.ok()) return trusted.status();
  dlerror();
  // Never dlclose'd: callbacks, static data and thread-locals of the plugin
  // must outlive every snapshot that may still point at them.
  void* handle = dlopen(trusted->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return Problem(absl::StrCat("could not load: ", DlError()));
  const auto* abi =
      static_cast<const haven_plugin_abi_info*>(dlsym(handle, HAVEN_PLUGIN_ABI_SYMBOL));
  if (abi == nullptr) return Problem("not a haven plugin: no haven_plugin_abi symbol");
  if (absl::Status s = CheckAbi(*abi); !s.ok()) return s;
  auto init = reinterpret_cast<haven_plugin_init_fn>(dlsym(handle, HAVEN_PLUGIN_INIT_SYMBOL));
  if (init == nullptr) return Problem("no haven_plugin_init entry point");

  haven_registrar reg;
  reg.path = path;
  int rc = HAVEN_ERROR;
  try {
    rc = init(HostApi(), &reg);
  } catch (...) {
    reg.error = "haven_plugin_init threw an exception";
  }
  reg.open = false;
  if (!reg.error.empty()) return Problem(reg.error);
  if (rc != HAVEN_OK) return Problem("haven_plugin_init reported a failure");
  if (reg.types.empty()) return Problem("declared no exercise types");
  NativePlugin plugin;
  plugin.path = path;
  plugin.types = std::move(reg.types);
  plugin.bindings = std::move(reg.bindings);
  return plugin;
}

}  // namespace haven
