#include "server/service/practice_service.h"

#include "common/status.h"
#include "common/time.h"
#include "server/model/entry_json.h"
#include "server/practice/practice_days.h"
#include "server/practice/reread.h"

namespace haven {
namespace {

constexpr size_t kMaxTypeChars = 64;

grpc::Status Locked() {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "vault is locked");
}

}  // namespace

PracticeService::PracticeService(Vault* vault, TypeRegistry* types, ReminderStore* reminders,
                                 ReminderScheduler* scheduler, std::function<int64_t()> now)
    : vault_(vault),
      types_(types),
      reminders_(reminders),
      scheduler_(scheduler),
      now_(std::move(now)) {}

grpc::Status PracticeService::Nudge(grpc::ServerContext*, const v1::NudgeRequest* req,
                                    v1::NudgeReply* reply) {
  std::shared_ptr<Journal> journal = vault_->PeekJournal();
  if (journal == nullptr) return Locked();
  auto now = RequestNowMicros(req->now_us(), now_());
  if (!now.ok()) return ToGrpc(now.status());
  const NudgeFacts facts = ComputeNudge(*journal, *now);
  reply->set_practised_today(facts.practised_today);
  reply->set_streak_days(facts.streak_days);
  reply->set_top_type(facts.top_type);
  if (auto type = types_->Find(facts.top_type); type && !facts.top_type.empty()) {
    reply->set_top_title(type->title);
  }
  reply->set_entries(facts.entries);
  return grpc::Status::OK;
}

grpc::Status PracticeService::SetReminder(grpc::ServerContext*, const v1::SetReminderRequest* req,
                                          v1::ReminderReply* reply) {
  auto normal = NormalizeReminder(req->reminder(), *types_);
  if (!normal.ok()) return ToGrpc(normal.status());
  auto added = reminders_->Add(std::move(*normal));
  if (!added.ok()) return ToGrpc(added.status());
  *reply->mutable_reminder() = *added;
  scheduler_->Replan();
  return grpc::Status::OK;
}

grpc::Status PracticeService::ListReminders(grpc::ServerContext*, const v1::ListRemindersRequest*,
                                            v1::ListRemindersReply* reply) {
  auto held = reminders_->List();
  if (!held.ok()) return ToGrpc(held.status());
  for (auto& r : *held) *reply->add_reminders() = std::move(r);
  return grpc::Status::OK;
}

grpc::Status PracticeService::RemoveReminder(grpc::ServerContext*,
                                             const v1::RemoveReminderRequest* req,
                                             v1::ReminderReply* reply) {
  auto removed = reminders_->Remove(req->id());
  if (!removed.ok()) return ToGrpc(removed.status());
  *reply->mutable_reminder() = *removed;
  scheduler_->Replan();
  return grpc::Status::OK;
}

grpc::Status PracticeService::Reread(grpc::ServerContext*, const v1::RereadRequest* req,
                                     v1::EntryReply* reply) {
  if (req->type().size() > kMaxTypeChars) {
    return ToGrpc(absl::InvalidArgumentError("--type: longer than 64 characters"));
  }
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  auto entry = PickToReread(**journal, req->type(), req->before_us());
  if (!entry.ok()) return ToGrpc(entry.status());
  reply->set_entry_json(EntryToJson(*entry).dump());
  return grpc::Status::OK;
}

}  // namespace haven
