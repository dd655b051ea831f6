// Structured log lines on stderr: `ts=... level=info msg="..." key=value`.
// Never pass entry content here: logs are plaintext on disk.
#ifndef HAVEN_SERVER_UTIL_LOG_H_
#define HAVEN_SERVER_UTIL_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace haven {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error"; false when unknown.
bool SetLogLevel(std::string_view name);

using LogField = std::pair<std::string_view, std::string>;

// Thread-safe; one write(2) per line.
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace haven

#endif  // HAVEN_SERVER_UTIL_LOG_H_
