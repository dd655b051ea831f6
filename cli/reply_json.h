// The daemon's JSON replies (entries, history, types, stats) as the CLI
// reads them: parsed within kDaemonReplyLimits (common/json_bounded.h),
// so a value the daemon should never send is a one-line error, not a crash.
#ifndef HAVEN_CLI_REPLY_JSON_H_
#define HAVEN_CLI_REPLY_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json_bounded.h"

namespace haven::cli {

// Internal (exit 1) "the daemon's reply: ..." when `text` does not parse.
inline absl::StatusOr<nlohmann::json> ParseReply(std::string_view text) {
  auto parsed = ParseJsonBounded(text, kDaemonReplyLimits, "the daemon's reply");
  if (!parsed.ok()) return absl::InternalError(parsed.status().message());
  return parsed;
}

// Every text of a repeated reply field, in order.
template <typename Texts>
absl::StatusOr<std::vector<nlohmann::json>> ParseReplies(const Texts& texts) {
  std::vector<nlohmann::json> out;
  out.reserve(texts.size());
  for (const auto& text : texts) {
    auto parsed = ParseReply(text);
    if (!parsed.ok()) return parsed.status();
    out.push_back(std::move(*parsed));
  }
  return out;
}

}  // namespace haven::cli

#endif  // HAVEN_CLI_REPLY_JSON_H_
