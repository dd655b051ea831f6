#include "server/util/log.h"

#include <unistd.h>

#include <atomic>

#include "common/time.h"

namespace haven {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

void AppendValue(std::string& line, std::string_view value) {
  bool quote = value.empty() || value.find_first_of(" =\"\t") != std::string_view::npos;
  if (!quote) {
    line.append(value);
    return;
  }
  line.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') line.push_back('\\');
    if (c == '\n') {
      line.append("\\n");
      continue;
    }
    line.push_back(c);
  }
  line.push_back('"');
}

}  // namespace

bool SetLogLevel(std::string_view name) {
  static constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
  for (int i = 0; i < 4; ++i) {
    if (name == kNames[i]) {
      g_level = i;
      return true;
    }
  }
  return false;
}

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  static constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
  std::string line = "ts=" + FormatRfc3339Utc(NowMicros()) + " level=";
  line.append(kNames[static_cast<int>(level)]);
  line.append(" msg=");
  AppendValue(line, msg);
  for (const auto& [key, value] : fields) {
    line.push_back(' ');
    line.append(key);
    line.push_back('=');
    AppendValue(line, value);
  }
  line.push_back('\n');
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace haven
