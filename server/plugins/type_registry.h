// The exercise types a daemon knows: built-in and user manifests, native
// plugins, and manifest types that arrived through the vault.
//
// Thread safety: every const method may be called from any thread while
// another thread calls Reload() or AddVaultManifest(); readers keep the
// shared_ptr snapshots they were handed.
#ifndef HAVEN_SERVER_PLUGINS_TYPE_REGISTRY_H_
#define HAVEN_SERVER_PLUGINS_TYPE_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/field_spec.h"
#include "server/model/entry.h"

namespace haven {

struct ExerciseType {
  std::string id;
  uint32_t version = 1;
  std::string title;
  std::string description;
  std::string citation;  // the published source of a questionnaire; may be empty
  std::vector<FieldSpec> fields;
  std::string source;   // the manifest or shared library it came from, or "vault:<device>"
  bool native = false;  // from a shared library (may derive / summarize)

  const FieldSpec* FindField(std::string_view name) const;
};

// A plugin that could not be loaded, shown by `haven types` and logged.
struct PluginProblem {
  std::string source;
  std::string reason;
};

struct RegistryOptions {
  std::vector<std::string> native_dirs;    // *.so native plugins
  std::vector<std::string> manifest_dirs;  // *.json manifests (and .so found there too)
};

class TypeRegistry {
 public:
  virtual ~TypeRegistry() = default;

  // Scans the configured directories. Problems are recorded, never fatal.
  static std::unique_ptr<TypeRegistry> Create(RegistryOptions options);

  // Rescans the directories; vault manifests stay registered.
  virtual void Reload() = 0;

  virtual std::shared_ptr<const ExerciseType> Find(std::string_view type_id) const = 0;
  // Sorted by id.
  virtual std::vector<std::shared_ptr<const ExerciseType>> List() const = 0;
  virtual std::vector<PluginProblem> Problems() const = 0;

  // Converts one `-f name=value` text into the field's JSON value.
  // InvalidArgument naming the field and the rule on failure.
  virtual absl::StatusOr<nlohmann::json> ParseFieldText(const ExerciseType& type,
                                                        std::string_view field,
                                                        std::string_view text) const = 0;

  // Checks a complete field object for an entry of `type`: unknown fields,
  // missing required fields, kinds, bounds, choices, lengths; fills defaults
  // for absent optional fields that have one; runs a native plugin's
  // validate. Returns the normalised object or InvalidArgument naming the
  // first offending field.
  virtual absl::StatusOr<nlohmann::json> Validate(const ExerciseType& type,
                                                  const nlohmann::json& fields) const = 0;

  // Names of required fields absent from `fields` (for prompting).
  virtual std::vector<std::string> MissingRequired(const ExerciseType& type,
                                                   const nlohmann::json& fields) const = 0;

  // Computed fields for an entry (empty object when the type derives none).
  virtual absl::StatusOr<nlohmann::json> Derive(const ExerciseType& type,
                                                const nlohmann::json& fields) const = 0;

  // A native plugin's summary lines for `haven stats` over these entries of
  // its type (empty when it provides none).
  virtual absl::StatusOr<std::vector<std::string>> Summarize(
      const ExerciseType& type, const std::vector<const Entry*>& entries) const = 0;
  // Whether Summarize can say anything for this type, so that `haven stats`
  // keeps entries in memory only for the types that need them.
  virtual bool CanSummarize(const ExerciseType& type) const = 0;

  // Parses and validates a manifest document (the `*.json` plugin format).
  virtual absl::StatusOr<std::vector<ExerciseType>> ParseManifest(std::string_view json_text,
                                                                  std::string source) const = 0;

  // Registers manifest types that arrived through the vault. A type id that
  // a local plugin already defines keeps the local definition.
  virtual absl::Status AddVaultManifest(std::string_view json_text, std::string source) = 0;

  // The manifest-shaped JSON of a type plus "source" (for `types --format json`).
  virtual nlohmann::json ToJson(const ExerciseType& type) const = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_PLUGINS_TYPE_REGISTRY_H_
