#include "cli/sync_report.h"

#include <ctime>
#include <sstream>
#include <utility>

#include "common/time.h"

namespace haven::cli {
namespace {

std::string Changes(uint64_t n) { return std::to_string(n) + (n == 1 ? " change" : " changes"); }

// The local day ("2026-12-05") and time ("14:02") of `us`.
std::pair<std::string, std::string> DayAndTime(int64_t us) {
  std::time_t seconds = static_cast<std::time_t>(us / 1000000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char day[32], time[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &local);
  std::strftime(time, sizeof time, "%H:%M", &local);
  return {day, time};
}

std::string ClockTime(int64_t us, int64_t now_us) {
  auto [day, time] = DayAndTime(us);
  return day == DayAndTime(now_us).first ? time : day + " " + time;
}

}  // namespace

std::string SyncReportText(const v1::SyncReply& reply, int64_t now_us) {
  std::ostringstream out;
  if (reply.pushed() + reply.pulled() == 0) {
    out << "Up to date: nothing was left to send or receive.\n";
  } else {
    out << "Sent " << Changes(reply.pushed()) << " and received " << reply.pulled() << ".\n";
  }
  if (reply.background_pushed() + reply.background_pulled() > 0) {
    out << "Since your last `haven sync`, background sync sent "
        << Changes(reply.background_pushed()) << " and received " << reply.background_pulled();
    if (reply.background_last_us() > 0) {
      out << " (the last at " << ClockTime(reply.background_last_us(), now_us) << ")";
    }
    out << ".\n";
  }
  return out.str();
}

nlohmann::json SyncReportJson(const v1::SyncReply& reply) {
  const int64_t last = reply.background_last_us();
  nlohmann::json background = {{"pushed", reply.background_pushed()},
                               {"pulled", reply.background_pulled()},
                               {"last", last > 0 ? nlohmann::json(FormatRfc3339(last)) : nullptr}};
  return {{"pushed", reply.pushed()}, {"pulled", reply.pulled()}, {"background", background}};
}

}  // namespace haven::cli
