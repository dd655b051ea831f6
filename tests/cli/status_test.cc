// cli/status.cc: the exit code of each daemon status, and that a command's
// failure or exception becomes one line on stderr rather than an abort.
#include "cli/status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace haven::cli {
namespace {

TEST(ExitCodeForTest, MapsEachStatusCodeAsDocumented) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(absl::OutOfRangeError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("x")), kExitLocked);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("x")), kExitLocked);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), kExitNotFound);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), kExitRemote);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("x")), kExitRemote);
  EXPECT_EQ(ExitCodeFor(absl::AlreadyExistsError("x")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("x")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("x")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(absl::DataLossError("x")), kExitFailure);
}

TEST(RunAndReportTest, SuccessPrintsNothing) {
  std::ostringstream err;
  EXPECT_EQ(RunAndReport([] { return absl::OkStatus(); }, err), kExitOk);
  EXPECT_EQ(err.str(), "");
}

TEST(RunAndReportTest, AFailedStatusIsOneLineAndItsExitCode) {
  std::ostringstream err;
  EXPECT_EQ(RunAndReport([] { return absl::NotFoundError("no entry abc"); }, err), kExitNotFound);
  EXPECT_EQ(err.str(), "haven: no entry abc\n");
}

TEST(RunAndReportTest, AnExceptionIsOneLineAndExitOne) {
  std::ostringstream err;
  EXPECT_EQ(RunAndReport([]() -> absl::Status { throw std::runtime_error("bad\nreply"); }, err),
            kExitFailure);
  EXPECT_EQ(err.str(), "haven: bad reply\n");
}

TEST(RunAndReportTest, AMalformedJsonReplyIsOneLineAndExitOne) {
  std::ostringstream err;
  const int code = RunAndReport(
      []() -> absl::Status {
        // What the output code does with a reply it did not expect.
        const nlohmann::json reply = nlohmann::json::parse("[1, 2]");
        (void)reply.value("id", "");
        return absl::OkStatus();
      },
      err);
  EXPECT_EQ(code, kExitFailure);
  const std::string text = err.str();
  EXPECT_EQ(text.rfind("haven: ", 0), 0u) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
}

TEST(RunAndReportTest, ANonStandardExceptionStillGivesOneLine) {
  std::ostringstream err;
  EXPECT_EQ(RunAndReport([]() -> absl::Status { throw 42; }, err), kExitFailure);
  EXPECT_EQ(err.str(), "haven: an unexpected internal error\n");
}

TEST(ReportExceptionTest, NamesWhatWasThrown) {
  std::ostringstream err;
  EXPECT_EQ(ReportException(std::make_exception_ptr(std::logic_error("boom")), err), kExitFailure);
  EXPECT_EQ(err.str(), "haven: boom\n");
}

}  // namespace
}  // namespace haven::cli
