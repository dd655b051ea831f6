// Early-return helpers for absl::Status / absl::StatusOr, which the Abseil
// release shipped by Debian does not provide yet.
#ifndef HAVEN_SERVER_UTIL_STATUS_MACROS_H_
#define HAVEN_SERVER_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HAVEN_CONCAT_INNER_(a, b) a##b
#define HAVEN_CONCAT_(a, b) HAVEN_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status haven_status_ = (expr);         \
    if (!haven_status_.ok()) return haven_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` assigns the value of a StatusOr or
// returns its error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(HAVEN_CONCAT_(haven_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // HAVEN_SERVER_UTIL_STATUS_MACROS_H_
