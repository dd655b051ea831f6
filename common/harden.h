// Keeping a process's memory out of core files and away from other
// processes of the same user.
#ifndef HAVEN_COMMON_HARDEN_H_
#define HAVEN_COMMON_HARDEN_H_

#include "absl/status/status.h"

namespace haven {

// Makes the calling process non-dumpable (prctl PR_SET_DUMPABLE 0: no core
// file, /proc/PID/{mem,environ,maps...} owned by root, no ptrace attach by
// the same uid) and sets RLIMIT_CORE to 0, soft and hard, so that neither the
// process nor anything it execs can turn core files back on. havend calls it
// before anything else (it holds the vault key and decrypted entries), and
// so does haven (it may hold a passphrase or an entry's text). Costs two
// system calls. Internal error naming the call that failed; the process is
// left as hardened as the calls that succeeded made it.
absl::Status HardenProcess();

}  // namespace haven

#endif  // HAVEN_COMMON_HARDEN_H_
