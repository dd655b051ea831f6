// haven_plugin_check [--expect TYPE [--fields JSON]] DIR...
// Loads plugins from DIRs as havend would, prints the types and problems,
// and with --expect checks that TYPE loaded (validating and deriving JSON
// fields when given). Exit 0 only when nothing went wrong.
#include <iostream>
#include <string>
#include <vector>

#include "server/plugins/type_registry.h"

int main(int argc, char** argv) {
  std::string expect;
  std::string fields_text;
  haven::RegistryOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--expect" && i + 1 < argc) {
      expect = argv[++i];
    } else if (arg == "--fields" && i + 1 < argc) {
      fields_text = argv[++i];
    } else {
      options.manifest_dirs.push_back(arg);
    }
  }
  auto registry = haven::TypeRegistry::Create(options);
  for (const auto& type : registry->List()) {
    std::cout << "type " << type->id << " v" << type->version << " " << type->source << "\n";
  }
  int rc = 0;
  for (const auto& problem : registry->Problems()) {
    std::cout << "problem " << problem.source << ": " << problem.reason << "\n";
    rc = 1;
  }
  if (expect.empty()) return rc;
  auto type = registry->Find(expect);
  if (type == nullptr) {
    std::cout << "missing type " << expect << "\n";
    return 1;
  }
  if (fields_text.empty()) return rc;
  auto fields = nlohmann::json::parse(fields_text, nullptr, false);
  auto valid = registry->Validate(*type, fields);
  if (!valid.ok()) {
    std::cout << "invalid: " << valid.status().message() << "\n";
    return 1;
  }
  auto derived = registry->Derive(*type, *valid);
  if (!derived.ok()) {
    std::cout << "derive failed: " << derived.status().message() << "\n";
    return 1;
  }
  std::cout << "derived " << derived->dump() << "\n";
  haven::Entry entry;
  entry.type = expect;
  entry.fields = *valid;
  entry.derived = *derived;
  auto lines = registry->Summarize(*type, {&entry});
  if (!lines.ok()) {
    std::cout << "summarize failed: " << lines.status().message() << "\n";
    return 1;
  }
  for (const std::string& line : *lines) std::cout << "summary " << line << "\n";
  return rc;
}
