// Whether a native plugin may be loaded at all, decided before dlopen runs
// any of its code (its constructors run inside dlopen).
#ifndef HAVEN_SERVER_PLUGINS_PLUGIN_TRUST_H_
#define HAVEN_SERVER_PLUGINS_PLUGIN_TRUST_H_

#include <string>

#include "absl/status/statusor.h"

namespace haven {

// Resolves `path` (symlinks followed, as realpath(3)) and checks, as
// OpenSSH's StrictModes does for its key files, that only this process's
// user or root could have put that code there: the resolved file and the
// directory holding it must be owned by the effective uid or by root, and
// neither may be writable by group or others (group write is allowed only
// for the owner's private group: its primary group, named as the owner, with
// no other members, where umask 002 is the norm). Returns the resolved path,
// which is what the caller should open (a symlink swapped after the check
// cannot redirect it). FailedPrecondition naming the file and the cause
// ("group- or world-writable", "owned by uid N") otherwise.
absl::StatusOr<std::string> TrustedPluginPath(const std::string& path);

}  // namespace haven

#endif  // HAVEN_SERVER_PLUGINS_PLUGIN_TRUST_H_
