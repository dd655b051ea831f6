// Runs havend until SIGTERM / SIGINT or an Admin.Shutdown request.
#ifndef HAVEN_SERVER_DAEMON_DAEMON_H_
#define HAVEN_SERVER_DAEMON_DAEMON_H_

#include "absl/status/status.h"
#include "server/daemon/options.h"

namespace haven {

// Blocks until shutdown; the status says why start-up failed.
absl::Status RunDaemon(const DaemonOptions& options);

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_DAEMON_H_
