// Reading a questionnaire's numbered answers, q1 to qN (plugin side; nothing
// here crosses the ABI).
#ifndef HAVEN_PLUGINS_BUILTIN_BUILTIN_ITEMS_H_
#define HAVEN_PLUGINS_BUILTIN_BUILTIN_ITEMS_H_

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "haven/plugin_cpp.h"

namespace haven_builtin {

// The answers q1..qN of entry `entry`, at [1]..[N] ([0] is unused), or
// nullopt when one is missing. The host has already checked each against its
// scale, so every answer is a whole number.
template <int N>
std::optional<std::array<int, N + 1>> Items(const haven_call* call, size_t entry) {
  std::array<int, N + 1> q{};
  for (int i = 1; i <= N; ++i) {
    std::optional<double> v = haven_sdk::Number(call, entry, "q" + std::to_string(i));
    if (!v) return std::nullopt;
    q[i] = static_cast<int>(std::lround(*v));
  }
  return q;
}

}  // namespace haven_builtin

#endif  // HAVEN_PLUGINS_BUILTIN_BUILTIN_ITEMS_H_
