// Fuzz target for the bounded JSON parser (common/json_bounded.h) that
// every JSON entry point goes through. The first byte picks the depth limit
// (0-31) so that both sides of every limit get explored; the rest is the
// text. Beyond "never crash", it checks that an accepted value is no deeper
// than the limit (measured without recursion), that it survives dump and
// parse unchanged, and that CheckJsonBounded agrees with ParseJsonBounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_bounded.h"

namespace {

int Depth(const nlohmann::json& root) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&root, 0}};
  while (!todo.empty()) {
    auto [value, depth] = todo.back();
    todo.pop_back();
    if (!value->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const auto& child : *value) todo.emplace_back(&child, depth + 1);
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const haven::JsonLimits limits{1 << 20, data[0] % 32};
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  haven::JsonFault fault = haven::JsonFault::kNone;
  auto parsed = haven::ParseJsonBounded(text, limits, "fuzz", &fault);
  const absl::Status checked = haven::CheckJsonBounded(text, limits, "fuzz");
  if (parsed.ok() != checked.ok()) std::abort();
  if (!parsed.ok()) {
    if (fault == haven::JsonFault::kNone || parsed.status().message() != checked.message()) {
      std::abort();
    }
    return 0;
  }
  if (fault != haven::JsonFault::kNone || Depth(*parsed) > limits.max_depth) std::abort();
  // Within the limit, the recursive parts of nlohmann (dump, compare) are safe.
  const std::string dumped = parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto again =
      haven::ParseJsonBounded(dumped, haven::JsonLimits{4 << 20, limits.max_depth}, "fuzz");
  if (!again.ok()) std::abort();
  // NaN never parses, so values compare equal unless a float's text was not
  // the shortest form; compare their dumps instead.
  if (again->dump() != parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) {
    std::abort();
  }
  return 0;
}
