#include "cli/status.h"

#include <string>
#include <string_view>

namespace haven::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kExitUsage;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitLocked;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitRemote;
    default:
      return kExitFailure;
  }
}

namespace {

// One line: an exception's text may hold line breaks.
void ReportLine(std::string_view message, std::ostream& err) {
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  err << "haven: " << line << "\n";
}

}  // namespace

int ReportException(std::exception_ptr exception, std::ostream& err) {
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& e) {
    ReportLine(e.what(), err);
  } catch (...) {
    ReportLine("an unexpected internal error", err);
  }
  return kExitFailure;
}

int RunAndReport(const std::function<absl::Status()>& command, std::ostream& err) {
  try {
    absl::Status status = command();
    if (status.ok()) return kExitOk;
    err << "haven: " << status.message() << "\n";
    return ExitCodeFor(status);
  } catch (...) {
    return ReportException(std::current_exception(), err);
  }
}

}  // namespace haven::cli
