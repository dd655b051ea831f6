// Small text helpers shared by the built-in native plugins (plugin side;
// nothing here crosses the ABI).
#ifndef HAVEN_PLUGINS_BUILTIN_BUILTIN_TEXT_H_
#define HAVEN_PLUGINS_BUILTIN_BUILTIN_TEXT_H_

#include <cmath>
#include <cstdio>
#include <string>

namespace haven_builtin {

// "2.1" (one decimal, no "-0.0").
inline std::string OneDecimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", std::fabs(v) < 0.05 ? 0.0 : v);
  return buf;
}

inline std::string TwoDecimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// "1 break", "14 breaks".
inline std::string Count(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "1 point", "2.5 points".
inline std::string Points(double v) {
  std::string text = OneDecimal(v);
  return text + (text == "1.0" ? " point" : " points");
}

}  // namespace haven_builtin

#endif  // HAVEN_PLUGINS_BUILTIN_BUILTIN_TEXT_H_
