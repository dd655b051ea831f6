// TypeRegistry: scans plugin directories into an immutable snapshot that
// readers share; Reload and AddVaultManifest build a new one and swap it in.
#include "server/plugins/type_registry.h"

#include <filesystem>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/field_check.h"
#include "common/field_error.h"
#include "common/time.h"
#include "server/plugins/manifest.h"
#include "server/plugins/native_plugin.h"
#include "server/plugins/plugin_files.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

using nlohmann::json;
using TypeMap = std::map<std::string, std::shared_ptr<const ExerciseType>, std::less<>>;

struct Snapshot {
  TypeMap types;
  std::vector<PluginProblem> problems;
};

// Directories in order, each once (a --plugin-dir may repeat a built-in one).
std::vector<std::string> UniqueDirs(const RegistryOptions& options) {
  std::vector<std::string> dirs;
  std::vector<std::string> seen;
  for (const auto* list : {&options.native_dirs, &options.manifest_dirs}) {
    for (const std::string& dir : *list) {
      std::error_code ec;
      std::string key = std::filesystem::weakly_canonical(dir, ec).string();
      if (ec) key = dir;
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      dirs.push_back(dir);
    }
  }
  return dirs;
}

class TypeRegistryImpl final : public TypeRegistry {
 public:
  explicit TypeRegistryImpl(RegistryOptions options) : options_(std::move(options)) { Reload(); }

  void Reload() override {
    absl::MutexLock reload_lock(&reload_mu_);
    Snapshot local;
    for (const std::string& dir : UniqueDirs(options_)) ScanDir(dir, &local);
    absl::MutexLock lock(&mu_);
    local_ = std::move(local);
    PublishLocked();
  }

  std::shared_ptr<const ExerciseType> Find(std::string_view type_id) const override {
    std::shared_ptr<const Snapshot> snap = Current();
    auto it = snap->types.find(type_id);
    return it == snap->types.end() ? nullptr : it->second;
  }

  std::vector<std::shared_ptr<const ExerciseType>> List() const override {
    std::shared_ptr<const Snapshot> snap = Current();
    std::vector<std::shared_ptr<const ExerciseType>> out;
    for (const auto& [id, type] : snap->types) out.push_back(type);
    return out;
  }

  std::vector<PluginProblem> Problems() const override { return Current()->problems; }

  absl::StatusOr<json> ParseFieldText(const ExerciseType& type, std::string_view field,
                                      std::string_view text) const override {
    const FieldSpec* spec = type.FindField(field);
    if (spec == nullptr) return UnknownField(type, field);
    return ParseFieldValueText(*spec, text, NowMicros());
  }

  absl::StatusOr<json> Validate(const ExerciseType& type, const json& fields) const override {
    if (!fields.is_object()) return absl::InvalidArgumentError("fields must be a JSON object");
    for (const auto& [name, unused] : fields.items()) {
      if (type.FindField(name) == nullptr) return UnknownField(type, name);
    }
    const int64_t now = NowMicros();
    json out = json::object();
    for (const FieldSpec& spec : type.fields) {
      auto it = fields.find(spec.name);
      if (it == fields.end() || it->is_null()) {
        if (!spec.default_value.is_null()) {
          out[spec.name] = spec.default_value;
        } else if (spec.required) {
          return FieldError(absl::StatusCode::kInvalidArgument, spec.name,
                            absl::StrCat("field \"", spec.name, "\": is required"));
        }
        continue;
      }
      ASSIGN_OR_RETURN(out[spec.name], CheckFieldValue(spec, *it, now));
    }
    if (auto binding = BindingFor(type)) RETURN_IF_ERROR(CallValidate(*binding, type, out));
    return out;
  }

  std::vector<std::string> MissingRequired(const ExerciseType& type,
                                           const json& fields) const override {
    std::vector<std::string> missing;
    for (const FieldSpec& spec : type.fields) {
      if (!spec.required || !spec.default_value.is_null()) continue;
      bool present =
          fields.is_object() && fields.contains(spec.name) && !fields.at(spec.name).is_null();
      if (!present) missing.push_back(spec.name);
    }
    return missing;
  }

  absl::StatusOr<json> Derive(const ExerciseType& type, const json& fields) const override {
    auto binding = BindingFor(type);
    if (!binding) return json::object();
    return CallDerive(*binding, type, fields);
  }

  absl::StatusOr<std::vector<std::string>> Summarize(
      const ExerciseType& type, const std::vector<const Entry*>& entries) const override {
    auto binding = BindingFor(type);
    if (!binding) return std::vector<std::string>();
    return CallSummarize(*binding, type, entries);
  }

  bool CanSummarize(const ExerciseType& type) const override {
    auto binding = BindingFor(type);
    return binding != nullptr && binding->ops.summarize != nullptr;
  }

  absl::StatusOr<std::vector<ExerciseType>> ParseManifest(std::string_view json_text,
                                                          std::string source) const override {
    return ParseManifestText(json_text, source);
  }

  absl::Status AddVaultManifest(std::string_view json_text, std::string source) override {
    absl::StatusOr<std::vector<ExerciseType>> types = ParseManifestText(json_text, source);
    if (!types.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("manifest from ", source, ": ", types.status().message()));
    }
    absl::MutexLock lock(&mu_);
    for (ExerciseType& type : *types) {
      // A later definition of the same id (an edit made on another device)
      // replaces the earlier one unless it is an older version.
      auto it = vault_types_.find(type.id);
      if (it != vault_types_.end() && it->second.version > type.version) continue;
      vault_types_[type.id] = std::move(type);
    }
    PublishLocked();
    return absl::OkStatus();
  }

  json ToJson(const ExerciseType& type) const override { return ToManifestJson(type); }

 private:
  static absl::Status UnknownField(const ExerciseType& type, std::string_view name) {
    return UnknownFieldError(type.id, type.fields, name);
  }

  std::shared_ptr<const Snapshot> Current() const {
    absl::MutexLock lock(&mu_);
    return snapshot_;
  }

  // The callbacks behind a native type. Looked up by source and id, so a
  // caller holding a type from an older snapshot still reaches its plugin.
  std::shared_ptr<const NativeBinding> BindingFor(const ExerciseType& type) const {
    if (!type.native) return nullptr;
    absl::MutexLock lock(&mu_);
    auto it = natives_.find(type.source);
    if (it == natives_.end()) return nullptr;
    for (const auto& binding : it->second.bindings) {
      if (binding->type_id == type.id) return binding;
    }
    return nullptr;
  }

  // Native libraries are loaded once per process (they are never unloaded);
  // a failed load is retried on the next scan.
  absl::StatusOr<std::vector<ExerciseType>> LoadNative(const std::string& path) {
    {
      absl::MutexLock lock(&mu_);
      auto it = natives_.find(path);
      if (it != natives_.end()) return it->second.types;
    }
    ASSIGN_OR_RETURN(NativePlugin plugin, LoadNativePlugin(path));
    std::vector<ExerciseType> types = plugin.types;
    absl::MutexLock lock(&mu_);
    natives_.emplace(path, std::move(plugin));
    return types;
  }

  void ScanDir(const std::string& dir, Snapshot* out) {
    absl::StatusOr<std::vector<PluginFile>> files = ListPluginFiles(dir);
    if (!files.ok()) {
      out->problems.push_back({dir, std::string(files.status().message())});
      return;
    }
    for (const PluginFile& file : *files) {
      absl::StatusOr<std::vector<ExerciseType>> types;
      if (file.native) {
        types = LoadNative(file.path);
      } else {
        absl::StatusOr<std::string> text = ReadManifestFile(file.path);
        types = text.ok() ? ParseManifestText(*text, file.path) : text.status();
      }
      if (!types.ok()) {
        out->problems.push_back({file.path, std::string(types.status().message())});
        continue;
      }
      AddAll(file.path, *std::move(types), out);
    }
  }

  // All of a plugin's types or none: a collision skips the whole plugin.
  static void AddAll(const std::string& source, std::vector<ExerciseType> types, Snapshot* out) {
    for (const ExerciseType& type : types) {
      auto it = out->types.find(type.id);
      if (it != out->types.end()) {
        out->problems.push_back(
            {source,
             absl::StrCat("type \"", type.id, "\" is already defined by ", it->second->source)});
        return;
      }
    }
    for (ExerciseType& type : types) {
      std::string id = type.id;
      out->types.emplace(id, std::make_shared<const ExerciseType>(std::move(type)));
    }
  }

  // Local definitions win over vault ones with the same id.
  void PublishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto snap = std::make_shared<Snapshot>(local_);
    for (const auto& [id, type] : vault_types_) {
      if (!snap->types.count(id)) snap->types.emplace(id, std::make_shared<ExerciseType>(type));
    }
    snapshot_ = std::move(snap);
  }

  const RegistryOptions options_;
  absl::Mutex reload_mu_;  // one scan at a time
  mutable absl::Mutex mu_ ABSL_ACQUIRED_AFTER(reload_mu_);
  Snapshot local_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ExerciseType> vault_types_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, NativePlugin> natives_ ABSL_GUARDED_BY(mu_);  // by path
  std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

const FieldSpec* ExerciseType::FindField(std::string_view name) const {
  for (const FieldSpec& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::unique_ptr<TypeRegistry> TypeRegistry::Create(RegistryOptions options) {
  return std::make_unique<TypeRegistryImpl>(std::move(options));
}

}  // namespace haven
