// docs/plugins.md, "Built-in types", as data: each built-in type's fields
// with their kinds, bounds and choices (for the end-to-end tests).
#ifndef HAVEN_TESTS_E2E_BUILTIN_SPEC_H_
#define HAVEN_TESTS_E2E_BUILTIN_SPEC_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace haven::e2e {

// One field as docs/plugins.md, "Built-in types", lists it: kind, required, bounds, choices.
struct SpecField {
  std::string name;
  std::string type;
  bool required = false;
  std::optional<double> min, max;
  std::vector<std::string> choices;
};

// Type id -> its fields in manifest order (field names are part of the contract).
const std::map<std::string, std::vector<SpecField>>& SpecTypes();

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_BUILTIN_SPEC_H_
