// A before/after pair of numbers the built-in native plugins share (plugin
// side; nothing here crosses the ABI): `break` rates distress before and
// after, `self-talk` the belief in the critic's words.
#ifndef HAVEN_PLUGINS_BUILTIN_BUILTIN_CHANGE_H_
#define HAVEN_PLUGINS_BUILTIN_BUILTIN_CHANGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "haven/plugin_cpp.h"

namespace haven_builtin {

// Derives `change` = after − before for the call's one entry; nothing when
// either is missing.
inline int DeriveChange(const haven_call* call, const char* before, const char* after,
                        const char* change) {
  return haven_sdk::Guard(call, [&] {
    auto b = haven_sdk::Number(call, 0, before);
    auto a = haven_sdk::Number(call, 0, after);
    if (!b || !a) return HAVEN_OK;  // nothing to compare
    haven_sdk::SetInteger(call, change, static_cast<int64_t>(*a - *b));
    return HAVEN_OK;
  });
}

struct MeanChange {
  double mean;  // of after − before
  size_t entries;
};

// The mean change over the call's entries that hold both numbers; nullopt
// when none does.
inline std::optional<MeanChange> AverageChange(const haven_call* call, const char* before,
                                               const char* after) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < call->entry_count; ++i) {
    auto b = haven_sdk::Number(call, i, before);
    auto a = haven_sdk::Number(call, i, after);
    if (!b || !a) continue;
    sum += *a - *b;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return MeanChange{sum / static_cast<double>(n), n};
}

}  // namespace haven_builtin

#endif  // HAVEN_PLUGINS_BUILTIN_BUILTIN_CHANGE_H_
