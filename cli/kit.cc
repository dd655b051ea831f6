#include "cli/kit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/html_escape.h"

namespace haven::cli {
namespace {

constexpr std::string_view kTokenNote =
    "TOKEN is the hub's token: the one you gave `haven remote add --token` on your\n"
    "first device (whoever runs the hub has it in its --token-file).\n";

constexpr std::string_view kHtmlHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="robots" content="noindex">
<title>haven emergency kit</title>
<style>
body { font-family: sans-serif; max-width: 42em; margin: 2em auto; padding: 0 1em;
       color: #000; background: #fff; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
th { text-align: left; padding: 0.3em 1em 0.3em 0; vertical-align: top; white-space: nowrap; }
code, pre, .key { font-family: monospace; word-break: break-all; white-space: pre-wrap; }
.key { font-size: 1.25em; border: 2px solid #000; padding: 0.4em 0.6em; display: inline-block; }
pre { border: 1px solid #999; padding: 0.6em; }
.small { font-size: 0.9em; color: #333; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
</style>
</head>
<body>
)";

}  // namespace

std::string ShellWord(std::string_view text) {
  bool plain = !text.empty();
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_.,:/@%+=", c))) {
      plain = false;
    }
  }
  if (plain) return std::string(text);
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string JoinLine(const Kit& kit, const KitRemote* remote) {
  std::string line = "haven join " + (remote ? ShellWord(remote->address) : "HOST:PORT") +
                     " --vault " + ShellWord(kit.vault_id) + " --secret-key " +
                     ShellWord(kit.secret_key) + " --token TOKEN";
  if (remote && !remote->ca_file.empty()) line += " --ca " + ShellWord(remote->ca_file);
  if (remote && remote->insecure) line += " --insecure";
  return line;
}

std::string KitText(const Kit& kit) {
  std::string out =
      "  vault id    " + kit.vault_id + "\n" + "  Secret Key  " + kit.secret_key + "\n";
  for (const auto& r : kit.remotes) out += "  hub         " + r.name + "  " + r.address + "\n";
  out += "\nTo add a new device, run this on it (it asks for your passphrase):\n\n";
  if (kit.remotes.empty()) {
    out += "  " + JoinLine(kit, nullptr) + "\n\n";
    out +=
        "This vault syncs with no hub yet: a new device joins through a hub you add\n"
        "with `haven remote add`. HOST:PORT is that hub's address.\n";
  } else {
    for (const auto& r : kit.remotes) out += "  " + JoinLine(kit, &r) + "\n";
    out += "\n";
  }
  out += kTokenNote;
  return out;
}

nlohmann::json KitJson(const Kit& kit) {
  nlohmann::json remotes = nlohmann::json::array();
  nlohmann::json join = nlohmann::json::array();
  for (const auto& r : kit.remotes) {
    remotes.push_back({{"name", r.name}, {"address", r.address}});
    join.push_back(JoinLine(kit, &r));
  }
  return {{"vault_id", kit.vault_id},
          {"secret_key", kit.secret_key},
          {"remotes", remotes},
          {"join", join}};
}

std::string KitHtml(const Kit& kit, std::string_view made) {
  std::string out(kHtmlHead);
  out += "<h1>haven emergency kit</h1>\n<p class=\"small\">Made " + HtmlEscape(made) +
         ". Print it, keep it somewhere safe and apart from your passphrase, then delete the "
         "file.</p>\n<table>\n<tr><th>Vault id</th><td><code>" +
         HtmlEscape(kit.vault_id) +
         "</code></td></tr>\n<tr><th>Secret Key</th><td><span "
         "class=\"key\">" +
         HtmlEscape(kit.secret_key) + "</span></td></tr>\n</table>\n";
  out += "<h2>Hubs</h2>\n";
  if (kit.remotes.empty()) out += "<p>None yet: a new device joins through a hub.</p>\n";
  for (const auto& r : kit.remotes) {
    out += "<p><b>" + HtmlEscape(r.name) + "</b> <code>" + HtmlEscape(r.address) + "</code></p>\n";
  }
  out +=
      "<h2>Adding a new device</h2>\n<p>Run this on the new device; it asks for your "
      "passphrase.</p>\n";
  if (kit.remotes.empty()) out += "<pre>" + HtmlEscape(JoinLine(kit, nullptr)) + "</pre>\n";
  for (const auto& r : kit.remotes) out += "<pre>" + HtmlEscape(JoinLine(kit, &r)) + "</pre>\n";
  out +=
      "<p class=\"small\">TOKEN is the hub&#39;s token: the one you gave <code>haven remote add "
      "--token</code> on your first device (whoever runs the hub has it in its "
      "<code>--token-file</code>).</p>\n";
  out +=
      "<h2>What this page is</h2>\n<p>With your passphrase, the Secret Key above opens your "
      "journal on a new device. Without it nobody, not even a hub holding your journal, can "
      "open it. Your passphrase is not on this page: keep it apart from it.</p>\n"
      "</body>\n</html>\n";
  return out;
}

absl::Status WriteNewPrivateFile(const std::string& path, std::string_view content,
                                 std::string_view flag) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string what = std::string(flag) + ": " + path;
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(what +
                                      " already exists; choose another name (it is "
                                      "never overwritten)");
    }
    return absl::InvalidArgumentError(what + ": " + std::strerror(errno));
  }
  fchmod(fd, 0600);  // whatever the umask
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == content.size() && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    unlink(path.c_str());
    return absl::InternalError(std::string(flag) + ": could not write " + path);
  }
  return absl::OkStatus();
}

}  // namespace haven::cli
