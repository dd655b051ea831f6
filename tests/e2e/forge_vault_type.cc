// Test-only: as a compromised device (or a newer haven with a field kind
// this one does not know) would, shares through the vault a custom type
// whose manifest this haven refuses. Every device that unlocks the vault
// then meets a vault type it cannot adopt, whose name it must not log.
//
//   haven_forge_vault_type HOME MANIFEST_DIR PASSPHRASE
//
// HOME's havend must be stopped. Loads the manifests in MANIFEST_DIR,
// unlocks HOME's vault with PASSPHRASE and, as `haven unlock` does for
// HOME/plugins, shares MANIFEST_DIR's types through the vault, except that
// the first field of each is given the kind "hologram". Exit 0 on success.
#include <cstdio>
#include <memory>
#include <string>

#include "server/plugins/type_registry.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "server/vault/vault.h"

namespace haven {
namespace {

// The real registry, except that ToJson (what is shared through the
// vault) breaks every manifest.
class BreakingRegistry final : public TypeRegistry {
 public:
  explicit BreakingRegistry(std::unique_ptr<TypeRegistry> real) : real_(std::move(real)) {}

  nlohmann::json ToJson(const ExerciseType& type) const override {
    nlohmann::json j = real_->ToJson(type);
    if (j["fields"].is_array() && !j["fields"].empty()) j["fields"][0]["type"] = "hologram";
    return j;
  }

  void Reload() override { real_->Reload(); }
  std::shared_ptr<const ExerciseType> Find(std::string_view id) const override {
    return real_->Find(id);
  }
  std::vector<std::shared_ptr<const ExerciseType>> List() const override { return real_->List(); }
  std::vector<PluginProblem> Problems() const override { return real_->Problems(); }
  absl::StatusOr<nlohmann::json> ParseFieldText(const ExerciseType& type, std::string_view field,
                                                std::string_view text) const override {
    return real_->ParseFieldText(type, field, text);
  }
  absl::StatusOr<nlohmann::json> Validate(const ExerciseType& type,
                                          const nlohmann::json& fields) const override {
    return real_->Validate(type, fields);
  }
  std::vector<std::string> MissingRequired(const ExerciseType& type,
                                           const nlohmann::json& fields) const override {
    return real_->MissingRequired(type, fields);
  }
  absl::StatusOr<nlohmann::json> Derive(const ExerciseType& type,
                                        const nlohmann::json& fields) const override {
    return real_->Derive(type, fields);
  }
  absl::StatusOr<std::vector<std::string>> Summarize(
      const ExerciseType& type, const std::vector<const Entry*>& entries) const override {
    return real_->Summarize(type, entries);
  }
  bool CanSummarize(const ExerciseType& type) const override { return real_->CanSummarize(type); }
  absl::StatusOr<std::vector<ExerciseType>> ParseManifest(std::string_view json_text,
                                                          std::string source) const override {
    return real_->ParseManifest(json_text, std::move(source));
  }
  absl::Status AddVaultManifest(std::string_view json_text, std::string source) override {
    return real_->AddVaultManifest(json_text, std::move(source));
  }

 private:
  std::unique_ptr<TypeRegistry> real_;
};

int Run(const std::string& home, const std::string& manifest_dir, const std::string& passphrase) {
  auto store = Store::Open(home + "/store");
  if (!store.ok()) {
    std::fprintf(stderr, "open store: %s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  auto log = RecordLog::Open(store->get());
  if (!log.ok()) return 1;
  BreakingRegistry types(TypeRegistry::Create({{}, {manifest_dir}}));
  if (types.List().empty()) {
    std::fprintf(stderr, "no manifest types in %s\n", manifest_dir.c_str());
    return 1;
  }
  Vault vault(store->get(), log->get(), &types, 0);
  vault.set_home_plugins(manifest_dir);
  absl::Status unlocked = vault.Unlock(passphrase, 0);  // shares the (broken) types
  if (!unlocked.ok()) {
    std::fprintf(stderr, "unlock: %s\n", std::string(unlocked.message()).c_str());
    return 1;
  }
  vault.Lock();
  return 0;
}

}  // namespace
}  // namespace haven

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: haven_forge_vault_type HOME MANIFEST_DIR PASSPHRASE\n");
    return 2;
  }
  return haven::Run(argv[1], argv[2], argv[3]);
}
