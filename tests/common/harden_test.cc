// HardenProcess: no core file and no same-user access to the process.
#include "common/harden.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace haven {
namespace {

// Runs HardenProcess in a forked child (the test process keeps its own
// settings) and returns a bit set of what the child found wrong afterwards.
int HardenInChildAndCheck() {
  pid_t pid = fork();
  if (pid == 0) {
    int problems = 0;
    if (!HardenProcess().ok()) problems |= 1;
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) problems |= 2;
    rlimit core{};
    if (getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_cur != 0) problems |= 4;
    if (core.rlim_max != 0) problems |= 8;
    // A hard limit of 0 cannot be raised again by the process (or by
    // anything it execs) without CAP_SYS_RESOURCE.
    rlimit raise_again{RLIM_INFINITY, RLIM_INFINITY};
    if (geteuid() != 0 && setrlimit(RLIMIT_CORE, &raise_again) == 0) problems |= 16;
    _exit(problems);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(HardenTest, ChildIsNotDumpableAndHasNoCoreLimit) {
  // The premise: a fresh process may dump core (else the test proves nothing).
  pid_t pid = fork();
  if (pid == 0) _exit(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1 ? 0 : 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "this test process is already non-dumpable";

  int problems = HardenInChildAndCheck();
  EXPECT_EQ(problems, 0) << "1: HardenProcess failed, 2: still dumpable, 4: soft core limit "
                            "not 0, 8: hard core limit not 0, 16: limit could be raised again";
}

}  // namespace
}  // namespace haven
