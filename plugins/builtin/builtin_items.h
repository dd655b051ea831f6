// Reading a questionnaire's numbered answers, q1 to qN (plugin side; nothing
// here crosses the ABI).
#ifndef HAVEN_PLUGINS_BUILTIN_BUILTIN_ITEMS_H_
#define HAVEN_PLUGINS_BUILTIN_BUILTIN_ITEMS_H_

#include <array>
#include <cmath>
#include <cstddef>
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

// A series of takings, oldest first: the first, the one before the latest,
// the latest, and how many.
template <typename T>
struct Takings {
  std::optional<T> first, before, latest;
  size_t n = 0;

  void Add(const T& score) {
    if (!first) first = score;
    before = latest;
    latest = score;
    ++n;
  }
};

// The takings of every entry of the call whose score `score_of(call, i)`
// gives (a std::optional<T>; entries without one are passed over).
template <typename T, typename ScoreOf>
Takings<T> Collect(const haven_call* call, ScoreOf score_of) {
  Takings<T> takings;
  for (size_t i = 0; i < call->entry_count; ++i) {
    if (std::optional<T> score = score_of(call, i)) takings.Add(*score);
  }
  return takings;
}

// How a summary line ends: " from your first taking" with one, else " in
// the latest of 3 takings; the first was <first>".
inline std::string AgainstFirst(size_t n, const std::string& first, const char* one = "taking",
                                const char* many = "takings") {
  if (n == 1) return std::string(" from your first ") + one;
  return " in the latest of " + std::to_string(n) + " " + many + "; the first was " + first;
}

}  // namespace haven_builtin

#endif  // HAVEN_PLUGINS_BUILTIN_BUILTIN_ITEMS_H_
