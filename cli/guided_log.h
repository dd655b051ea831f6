// Guided `haven log` on a terminal (docs/commands.md, `haven log`): a
// numbered menu of the loaded types when none is named, then every field of
// the exercise in its manifest order (required and optional; those given
// with -f or --json are not asked), each answer checked at once, then the
// entry as it will be saved and a question whether to save it.
#ifndef HAVEN_CLI_GUIDED_LOG_H_
#define HAVEN_CLI_GUIDED_LOG_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "cli/client.h"
#include "common/field_spec.h"
#include "haven/v1/daemon.pb.h"

namespace haven::cli {

struct GuidedLog {
  bool save = false;  // false: the person chose not to save (nothing is sent)
  // The fields asked on the terminal, by name: a field the daemon still
  // refuses (a plugin's own check) is asked again (SendLog).
  std::map<std::string, FieldSpec> asked;
};

// Guides the person through `req->type()` (chosen from a menu first when
// empty), adding the answers to `req->field_text()`. Given fields are
// checked before anything is asked: an unknown or invalid one is the
// daemon's InvalidArgument, in the same words. Unlocks the vault first (the
// passphrase, when it is locked), so that a wrong passphrase cannot cost
// the answers.
absl::StatusOr<GuidedLog> GuideLog(DaemonClient& client, v1::LogRequest* req);

// Sends `req`; when the daemon refuses a field in `asked`, says why and asks
// it again (up to five times). Returns whether the entry was saved: false
// when the person stopped at such a question (and was told nothing was).
absl::StatusOr<bool> SendLog(DaemonClient& client, const std::map<std::string, FieldSpec>& asked,
                             v1::LogRequest* req, v1::EntryReply* reply);

}  // namespace haven::cli

#endif  // HAVEN_CLI_GUIDED_LOG_H_
