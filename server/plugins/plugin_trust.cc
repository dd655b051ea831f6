#include "server/plugins/plugin_trust.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace haven {
namespace {

absl::Status Refused(const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat("refused before loading: ", what));
}

// `kind` is "file" or "directory"; `path` is already resolved.
absl::Status CheckOwnerAndMode(const std::string& kind, const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Refused(absl::StrCat("cannot inspect ", kind, " ", path, ": ", std::strerror(errno)));
  }
  const uid_t me = geteuid();
  if (st.st_uid != me && st.st_uid != 0) {
    return Refused(absl::StrCat(kind, " ", path, " is owned by uid ", st.st_uid,
                                " (a plugin must belong to uid ", me,
                                ", which loads it, or to root)"));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Refused(absl::StrCat(kind, " ", path, " is group- or world-writable (mode ", mode, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> TrustedPluginPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    return Refused(absl::StrCat("cannot resolve ", path, ": ", std::strerror(errno)));
  }
  std::string file(resolved);
  struct stat st {};
  if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Refused(absl::StrCat(file, " is not a regular file"));
  }
  if (absl::Status s = CheckOwnerAndMode("file", file); !s.ok()) return s;
  std::string dir = file.substr(0, file.find_last_of('/'));
  if (dir.empty()) dir = "/";
  if (absl::Status s = CheckOwnerAndMode("directory", dir); !s.ok()) return s;
  return file;
}

}  // namespace haven
