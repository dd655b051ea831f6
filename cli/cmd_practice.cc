// haven nudge | remind set|list|rm | reread (docs/commands.md)
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/context.h"
#include "cli/practice_text.h"
#include "cli/reply_json.h"
#include "cli/status.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

// A shell waits for the nudge; a daemon that does not answer at once is
// passed over in silence.
constexpr auto kNudgeDeadline = std::chrono::seconds(2);
constexpr char kDefaultRereadType[] = "letter";
constexpr char kDefaultOlderThan[] = "7d";
constexpr int64_t kMaxOlderThanUs = 36500LL * 24 * 3600 * 1000000;

struct PracticeFlags {
  std::string time;
  std::string days;
  std::string type;
  std::string every;
  const CLI::Option* every_option = nullptr;  // given even as '', it is checked
  std::string id;
  std::string reread_type = kDefaultRereadType;
  std::string older_than = kDefaultOlderThan;
};

// Silent on everything but a day with nothing practised: no daemon (none
// is started), a locked vault, no vault, an error. Never prompts.
absl::Status Nudge(Context& ctx) {
  auto client = ctx.ConnectIfRunning();
  if (!client.ok()) return absl::OkStatus();
  v1::NudgeRequest req;  // now_us 0: the daemon's clock
  v1::NudgeReply reply;
  if (!(*client)->Call(kPracticeNudge, req, &reply, kNudgeDeadline).ok()) return absl::OkStatus();
  if (!reply.practised_today()) std::cout << NudgeLine(reply) << "\n";
  return absl::OkStatus();
}

std::string ClockText(uint32_t minute_of_day) {
  char text[8];
  std::snprintf(text, sizeof(text), "%02u:%02u", (minute_of_day / 60) % 100, minute_of_day % 60);
  return text;
}

nlohmann::json ReminderJson(const v1::Reminder& r) {
  nlohmann::json days = nlohmann::json::array();
  for (const auto& d : r.days()) days.push_back(d);
  return {{"id", r.id()},
          {"time", ClockText(r.minute_of_day())},
          {"days", days},
          {"type", r.type()},
          {"every", EveryText(r)}};
}

// The columns of `remind list` and of `set --format`.
std::vector<std::string> ReminderColumns() { return {"id", "time", "days", "type", "every"}; }

std::string ReminderText(const v1::Reminder& r) {
  const std::string every = EveryText(r);
  return ClockText(r.minute_of_day()) + ", " + DaysText(r) + ", " +
         (r.type().empty() ? std::string("any practice") : r.type()) +
         (every.empty() ? "" : ", every " + every);
}

absl::Status RemindSet(Context& ctx, const PracticeFlags& flags) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  v1::SetReminderRequest req;
  auto minute = ParseTimeOfDay(flags.time);
  if (!minute.ok()) return minute.status();
  req.mutable_reminder()->set_minute_of_day(*minute);
  if (!flags.days.empty()) {
    auto days = ParseDayList(flags.days);
    if (!days.ok()) return days.status();
    for (const auto& d : *days) req.mutable_reminder()->add_days(d);
  }
  req.mutable_reminder()->set_type(flags.type);
  if (flags.every_option != nullptr && flags.every_option->count() > 0) {
    auto every = ParseEvery(flags.every);
    if (!every.ok()) return every.status();
    req.mutable_reminder()->set_every_us(*every);
  }
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::ReminderReply reply;
  if (auto s = (*client)->Call(kPracticeSetReminder, req, &reply); !s.ok()) return FromGrpc(s);
  if (*format != Format::kTable) {
    PrintRows({ReminderJson(reply.reminder())}, ReminderColumns(), *format);
  } else {
    std::cout << "Reminder " << reply.reminder().id() << ": " << ReminderText(reply.reminder())
              << ".\n";
  }
  return absl::OkStatus();
}

absl::Status RemindList(Context& ctx) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::ListRemindersReply reply;
  if (auto s = (*client)->Call(kPracticeListReminders, {}, &reply); !s.ok()) {
    return FromGrpc(s);
  }
  std::vector<nlohmann::json> rows;
  for (const auto& r : reply.reminders()) {
    nlohmann::json row = ReminderJson(r);
    if (*format == Format::kTable) {
      row["days"] = DaysText(r);
      if (r.type().empty()) row["type"] = "any";
    }
    rows.push_back(std::move(row));
  }
  PrintRows(rows, ReminderColumns(), *format);
  return absl::OkStatus();
}

absl::Status RemindRemove(Context& ctx, const PracticeFlags& flags) {
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::RemoveReminderRequest req;
  req.set_id(flags.id);
  v1::ReminderReply reply;
  if (auto s = (*client)->Call(kPracticeRemoveReminder, req, &reply); !s.ok()) {
    return FromGrpc(s);
  }
  std::cerr << "Removed reminder " << reply.reminder().id() << " ("
            << ReminderText(reply.reminder()) << ").\n";
  return absl::OkStatus();
}

absl::Status NothingToReread(const PracticeFlags& flags) {
  const std::string what =
      flags.reread_type == kDefaultRereadType
          ? "letter to yourself"
          : (flags.reread_type.empty() ? "entry" : "\"" + flags.reread_type + "\" entry");
  return absl::NotFoundError("nothing to reread yet: no " + what + " from more than " +
                             flags.older_than + " ago. What you write now will be here later.");
}

absl::Status Reread(Context& ctx, const PracticeFlags& flags) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  auto older = ParseDuration(flags.older_than);
  if (!older.ok()) {
    return absl::InvalidArgumentError("--older-than: " + std::string(older.status().message()));
  }
  if (*older > kMaxOlderThanUs) {
    return absl::InvalidArgumentError("--older-than: at most 100 years (36500d)");
  }
  const int64_t now = NowMicros();
  v1::RereadRequest req;
  req.set_type(flags.reread_type);
  req.set_before_us(now - *older);
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::EntryReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kPracticeReread, req, &reply); });
  if (s.code() == absl::StatusCode::kNotFound) return NothingToReread(flags);
  if (!s.ok()) return s;
  auto entry = ParseReply(reply.entry_json());
  if (!entry.ok()) return entry.status();
  if (*format == Format::kTable) {
    auto at = ParseTimeInput(entry->value("at", ""), now);
    if (at.ok()) std::cout << WrittenWhen(*at, now) << "\n\n";
  }
  PrintEntry(*entry, {}, *format);
  return absl::OkStatus();
}

void RegisterRemind(CLI::App& app, Context& ctx, const std::shared_ptr<PracticeFlags>& flags) {
  auto* remind = app.add_subcommand("remind", "Reminders to practise, on this device");
  remind->require_subcommand(1);
  auto* set = remind->add_subcommand("set", "A reminder at a time of day");
  set->add_option("time", flags->time, "local time, HH:MM")->required();
  set->add_option("--days", flags->days, "only these days, e.g. mon,wed,fri (default every day)");
  set->add_option("--type", flags->type,
                  "skip it once this exercise type is logged that day (or --every)");
  flags->every_option = set->add_option(
      "--every", flags->every, "only when none was logged in this long, e.g. 2w (1d to 366d)");
  set->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return RemindSet(ctx, *flags); }; });
  auto* list = remind->add_subcommand("list", "This device's reminders");
  list->callback([&ctx] { ctx.action = [&ctx] { return RemindList(ctx); }; });
  auto* rm = remind->add_subcommand("rm", "Remove a reminder");
  rm->add_option("id", flags->id, "reminder id (a unique prefix will do)")->required();
  rm->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return RemindRemove(ctx, *flags); }; });
}

}  // namespace

void RegisterPracticeCommands(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<PracticeFlags>();
  auto* nudge = app.add_subcommand("nudge", "One kind line when nothing is practised today");
  nudge->callback([&ctx] { ctx.action = [&ctx] { return Nudge(ctx); }; });
  RegisterRemind(app, ctx, flags);
  auto* reread = app.add_subcommand("reread", "Read again one past entry, chosen at random");
  reread->add_option("--type", flags->reread_type, "exercise type ('' for any; default letter)");
  reread->add_option("--older-than", flags->older_than, "written at least this long ago (7d)");
  reread->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Reread(ctx, *flags); }; });
}

}  // namespace haven::cli
