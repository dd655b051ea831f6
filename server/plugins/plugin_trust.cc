#include "server/plugins/plugin_trust.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace haven {
namespace {

absl::Status Refused(const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat("refused before loading: ", what));
}

// Whether `st`'s group is its owner's private group (the user-private-group
// convention of Debian and others, under which umask 002 is common): the
// owner's primary group, named as the owner, with no other members. Group
// write then gives nobody but the owner (and root) a way in.
bool GroupIsOwnersPrivateGroup(const struct stat& st) {
  std::vector<char> buffer(16384);
  passwd pw{};
  passwd* owner = nullptr;
  if (getpwuid_r(st.st_uid, &pw, buffer.data(), buffer.size(), &owner) != 0 || owner == nullptr ||
      owner->pw_gid != st.st_gid) {
    return false;
  }
  const std::string owner_name = owner->pw_name;
  group gr{};
  group* grp = nullptr;
  if (getgrgid_r(st.st_gid, &gr, buffer.data(), buffer.size(), &grp) != 0 || grp == nullptr) {
    return false;
  }
  const bool no_other_members = grp->gr_mem == nullptr || grp->gr_mem[0] == nullptr ||
                                (owner_name == grp->gr_mem[0] && grp->gr_mem[1] == nullptr);
  return owner_name == grp->gr_name && no_other_members;
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
  const bool group_may_write = (st.st_mode & S_IWGRP) != 0 && !GroupIsOwnersPrivateGroup(st);
  if ((st.st_mode & S_IWOTH) != 0 || group_may_write) {
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
