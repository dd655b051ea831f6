#include "tests/e2e/browser.h"

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

namespace haven::e2e {

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string FindChromium() {
  if (const char* env = std::getenv("HAVEN_E2E_CHROMIUM"); env != nullptr && *env != '\0') {
    return env;
  }
  for (const char* name : {"chromium", "chromium-browser"}) {
    if (std::string found = FindOnPath(name); !found.empty()) return found;
  }
  return "";
}

BrowserVisit Visit(const std::string& chromium, const TestHome& home, const std::string& page,
                   const std::string& name) {
  const std::string profile = home.Scratch(name + "-profile");
  const std::string net_log = home.Scratch(name + "-netlog.json");
  RunOptions options;
  options.env = {{"HOME", home.Scratch(name + "-home")},
                 {"XDG_CONFIG_HOME", home.Scratch(name + "-home")},
                 {"XDG_CACHE_HOME", home.Scratch(name + "-home")}};
  options.timeout = Duration(20000);
  BrowserVisit visit;
  visit.run =
      RunProgram(chromium,
                 {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND",
                  "--log-net-log=" + net_log, "--dump-dom", "file://" + page},
                 options);
  // The log names event types by number; requests a document made carry
  // its file:// origin, while the browser's own housekeeping carries none.
  nlohmann::json log = nlohmann::json::parse(ReadFile(net_log), nullptr, false);
  if (!log.is_object() || !log.contains("events")) return visit;
  visit.net_log_read = true;
  const nlohmann::json& types = log["constants"]["logEventTypes"];
  if (!types.contains("URL_REQUEST_START_JOB")) return visit;
  const int start_job = types["URL_REQUEST_START_JOB"].get<int>();
  for (const nlohmann::json& event : log["events"]) {
    if (event.value("type", -1) != start_job || !event.contains("params")) continue;
    const nlohmann::json& params = event["params"];
    if (params.value("network_isolation_key", "").rfind("file://", 0) == 0) {
      visit.page_requests.push_back(params.value("url", "?"));
    }
  }
  return visit;
}

}  // namespace haven::e2e
