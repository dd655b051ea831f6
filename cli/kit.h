// The emergency kit as `haven vault kit` and `haven vault rekey
// --new-secret-key` show it (docs/commands.md, "haven vault kit"): the vault
// id, the Secret Key, the hubs, and the `haven join` line that adds a new
// device. The hub token is never part of it: the line says TOKEN and the
// text says where to find it.
#ifndef HAVEN_CLI_KIT_H_
#define HAVEN_CLI_KIT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace haven::cli {

struct KitRemote {
  std::string name;
  std::string address;
  std::string ca_file;  // on this device; empty: the system's roots
  bool insecure = false;
};

struct Kit {
  std::string vault_id;
  std::string secret_key;
  std::vector<KitRemote> remotes;
};

// `text` as one word of a POSIX shell: unchanged when it holds only
// characters no shell treats specially, else in single quotes.
std::string ShellWord(std::string_view text);

// "haven join ADDRESS --vault ID --secret-key KEY --token TOKEN", with
// `--ca FILE` or `--insecure` as the remote has them; HOST:PORT for
// `remote` == nullptr (a vault with no hub yet).
std::string JoinLine(const Kit& kit, const KitRemote* remote);

// For people, in the layout `haven init` prints its Secret Key in.
std::string KitText(const Kit& kit);
// {"vault_id","secret_key","remotes":[{"name","address"}],"join":[line...]}
nlohmann::json KitJson(const Kit& kit);
// A self-contained printable page (no script, nothing fetched) with the
// same content; every value HTML-escaped. `made` is when, as people read it.
std::string KitHtml(const Kit& kit, std::string_view made);

// Writes `content` to a new file at `path`, mode 0600. AlreadyExists when
// something is there (never overwritten, never followed as a symlink);
// the error names `flag` (e.g. "-o"). A partly written file is removed.
absl::Status WriteNewPrivateFile(const std::string& path, std::string_view content,
                                 std::string_view flag);

}  // namespace haven::cli

#endif  // HAVEN_CLI_KIT_H_
