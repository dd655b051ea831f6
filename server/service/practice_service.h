// haven.v1.Practice: the nudge, reminders and rereading for the CLI
// (docs/design.md, "Practice: nudge, reminders, reread").
//
// Who may call: only the local user over the home's Unix socket. The
// daemon registers this service on the home server alone, whose
// connections the socket listener admits only from the daemon's own uid
// (server/daemon/unix_listener.h); a hub's TCP port never serves it.
//
// Inputs are bounded here or in the domain code each call makes: a
// reminder's minute, day names and type are checked (NormalizeReminder),
// at most kMaxReminders are kept, ids are short hex, a reread's type is at
// most 64 characters.
#ifndef HAVEN_SERVER_SERVICE_PRACTICE_SERVICE_H_
#define HAVEN_SERVER_SERVICE_PRACTICE_SERVICE_H_

#include <cstdint>
#include <functional>

#include "haven/v1/daemon.grpc.pb.h"
#include "server/plugins/type_registry.h"
#include "server/practice/reminder_scheduler.h"
#include "server/practice/reminder_store.h"
#include "server/vault/vault.h"

namespace haven {

class PracticeService final : public v1::Practice::Service {
 public:
  // Everything must outlive the service. `now` is the practice clock
  // (server/practice/practice_clock.h), used when a request gives no time.
  PracticeService(Vault* vault, TypeRegistry* types, ReminderStore* reminders,
                  ReminderScheduler* scheduler, std::function<int64_t()> now);

  // FAILED_PRECONDITION while locked or before `haven init`. Reads the
  // journal without counting as activity: a nudge in every new shell must
  // not keep the vault from its idle lock.
  grpc::Status Nudge(grpc::ServerContext*, const v1::NudgeRequest*, v1::NudgeReply*) override;
  // Work while locked: reminders are this device's settings, not entries.
  grpc::Status SetReminder(grpc::ServerContext*, const v1::SetReminderRequest*,
                           v1::ReminderReply*) override;
  grpc::Status ListReminders(grpc::ServerContext*, const v1::ListRemindersRequest*,
                             v1::ListRemindersReply*) override;
  grpc::Status RemoveReminder(grpc::ServerContext*, const v1::RemoveReminderRequest*,
                              v1::ReminderReply*) override;
  // UNAUTHENTICATED while locked (the CLI unlocks and asks again);
  // NOT_FOUND when no entry fits.
  grpc::Status Reread(grpc::ServerContext*, const v1::RereadRequest*, v1::EntryReply*) override;

 private:
  Vault* vault_;
  TypeRegistry* types_;
  ReminderStore* reminders_;
  ReminderScheduler* scheduler_;
  std::function<int64_t()> now_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SERVICE_PRACTICE_SERVICE_H_
