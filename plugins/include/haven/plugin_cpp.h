// Optional C++ conveniences over <haven/plugin.h>, header-only, no
// dependencies beyond the standard library. Nothing here crosses the ABI:
// these helpers run inside the plugin and talk to the host through the C
// function table.
#ifndef HAVEN_PLUGIN_CPP_H_
#define HAVEN_PLUGIN_CPP_H_

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "haven/plugin.h"

namespace haven_sdk {

inline haven_str Str(std::string_view s) { return haven_str{s.data(), s.size()}; }

// Runs `body` (returning HAVEN_OK / HAVEN_ERROR) and turns any exception into
// a reported error, so none escapes into the host. Wrap every callback in it.
template <typename Body>
int Guard(const haven_call* call, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    call->host->set_error(call, haven_cstr(e.what()));
  } catch (...) {
    call->host->set_error(call, haven_cstr("the plugin failed unexpectedly"));
  }
  return HAVEN_ERROR;
}

// A numeric field or derived value of entry `entry`, if present.
inline std::optional<double> Number(const haven_call* call, size_t entry, std::string_view name) {
  double value = 0;
  if (call->host->get_number(call, entry, Str(name), &value)) return value;
  return std::nullopt;
}

// A string-like field of entry `entry`, if present (copied).
inline std::optional<std::string> String(const haven_call* call, size_t entry,
                                         std::string_view name) {
  haven_str s = call->host->get_string(call, entry, Str(name));
  if (s.data == nullptr) return std::nullopt;
  return std::string(s.data, s.len);
}

inline int Error(const haven_call* call, std::string_view message) {
  call->host->set_error(call, Str(message));
  return HAVEN_ERROR;
}

inline void SetInteger(const haven_call* call, std::string_view name, int64_t value) {
  call->host->set_integer(call, Str(name), value);
}
inline void SetNumber(const haven_call* call, std::string_view name, double value) {
  call->host->set_number(call, Str(name), value);
}
inline void SetString(const haven_call* call, std::string_view name, std::string_view value) {
  call->host->set_string(call, Str(name), Str(value));
}
inline void AddLine(const haven_call* call, std::string_view line) {
  call->host->add_line(call, Str(line));
}

}  // namespace haven_sdk

#endif  // HAVEN_PLUGIN_CPP_H_
