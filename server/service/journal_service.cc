#include "server/service/journal_service.h"

#include "common/json_bounded.h"
#include "common/status.h"
#include "common/time.h"
#include "server/model/entry_json.h"
#include "server/practice/on_this_day.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

template <typename Fn>
grpc::Status WithJournal(Vault* vault, Fn&& fn) {
  auto journal = vault->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  return ToGrpc(fn(**journal));
}

}  // namespace

JournalService::JournalService(Vault* vault, TypeRegistry* types, std::string home_plugins,
                               std::string spool_dir, std::function<void()> on_write)
    : vault_(vault),
      types_(types),
      home_plugins_(std::move(home_plugins)),
      spool_dir_(std::move(spool_dir)),
      on_write_(std::move(on_write)) {}

grpc::Status JournalService::Log(grpc::ServerContext*, const v1::LogRequest* req,
                                 v1::EntryReply* reply) {
  return WithJournal(vault_, [&](Journal& journal) -> absl::Status {
    LogInput input;
    input.type = req->type();
    input.field_text.insert(req->field_text().begin(), req->field_text().end());
    ASSIGN_OR_RETURN(input.fields_json, ParseFieldsJson(req->fields_json(), "fields JSON"));
    if (req->has_at()) input.at_us = req->at_us();
    input.tags.assign(req->tags().begin(), req->tags().end());
    ASSIGN_OR_RETURN(Entry entry, journal.Log(input));
    reply->set_entry_json(EntryToJson(entry).dump());
    if (on_write_) on_write_();
    return absl::OkStatus();
  });
}

grpc::Status JournalService::List(grpc::ServerContext*, const v1::ListRequest* req,
                                  v1::ListReply* reply) {
  return WithJournal(vault_, [&](Journal& journal) -> absl::Status {
    ListFilter filter;
    filter.type = req->type();
    if (req->has_since()) filter.since_us = req->since_us();
    if (req->has_until()) filter.until_us = req->until_us();
    filter.tags.assign(req->tags().begin(), req->tags().end());
    filter.limit = req->limit();
    filter.include_deleted = req->include_deleted();
    size_t total = 0;
    ASSIGN_OR_RETURN(const int64_t now_us, RequestNowMicros(req->now_us(), NowMicros()));
    ASSIGN_OR_RETURN(auto entries, req->on_this_day()
                                       ? ListOnThisDay(journal, filter, now_us, &total)
                                       : journal.List(filter, &total));
    for (const auto& e : entries) reply->add_entry_json(EntryToJson(e).dump());
    reply->set_total_matching(total);
    return absl::OkStatus();
  });
}

grpc::Status JournalService::Show(grpc::ServerContext*, const v1::ShowRequest* req,
                                  v1::ShowReply* reply) {
  return WithJournal(vault_, [&](Journal& journal) -> absl::Status {
    ASSIGN_OR_RETURN(Entry entry, journal.Get(req->id()));
    reply->set_entry_json(EntryToJson(entry).dump());
    if (req->history()) {
      ASSIGN_OR_RETURN(auto history, journal.History(entry.id));
      for (const auto& h : history) reply->add_history_json(h.dump());
    }
    return absl::OkStatus();
  });
}

grpc::Status JournalService::Edit(grpc::ServerContext*, const v1::EditRequest* req,
                                  v1::EntryReply* reply) {
  return WithJournal(vault_, [&](Journal& journal) -> absl::Status {
    EditInput input;
    input.id = req->id();
    input.field_text.insert(req->field_text().begin(), req->field_text().end());
    ASSIGN_OR_RETURN(input.fields_json, ParseFieldsJson(req->fields_json(), "fields JSON"));
    input.unset_fields.assign(req->unset_fields().begin(), req->unset_fields().end());
    if (req->has_at()) input.at_us = req->at_us();
    if (req->has_tags()) input.tags.emplace(req->tags().begin(), req->tags().end());
    ASSIGN_OR_RETURN(Entry entry, journal.Edit(input));
    reply->set_entry_json(EntryToJson(entry).dump());
    if (on_write_) on_write_();
    return absl::OkStatus();
  });
}

grpc::Status JournalService::Remove(grpc::ServerContext*, const v1::EntryRef* req,
                                    v1::EntryReply* reply) {
  return WithJournal(vault_, [&](Journal& journal) -> absl::Status {
    ASSIGN_OR_RETURN(Entry entry, journal.Remove(req->id()));
    reply->set_entry_json(EntryToJson(entry).dump());
    if (on_write_) on_write_();
    return absl::OkStatus();
  });
}

grpc::Status JournalService::Restore(grpc::ServerContext*, const v1::EntryRef* req,
                                     v1::EntryReply* reply) {
  return WithJournal(vault_, [&](Journal& journal) -> absl::Status {
    ASSIGN_OR_RETURN(Entry entry, journal.Restore(req->id()));
    reply->set_entry_json(EntryToJson(entry).dump());
    if (on_write_) on_write_();
    return absl::OkStatus();
  });
}

grpc::Status JournalService::Types(grpc::ServerContext*, const v1::TypesRequest* req,
                                   v1::TypesReply* reply) {
  if (!req->type().empty()) {
    auto type = types_->Find(req->type());
    if (!type) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "no exercise type \"" + req->type() + "\" (see `haven types`)");
    }
    reply->add_type_json(types_->ToJson(*type).dump());
    return grpc::Status::OK;
  }
  for (const auto& type : types_->List()) reply->add_type_json(types_->ToJson(*type).dump());
  for (const auto& p : types_->Problems()) reply->add_problems(p.source + ": " + p.reason);
  return grpc::Status::OK;
}

grpc::Status JournalService::ReloadTypes(grpc::ServerContext* ctx, const v1::ReloadTypesRequest*,
                                         v1::TypesReply* reply) {
  types_->Reload();
  if (auto journal = vault_->PeekJournal(); journal != nullptr) {
    absl::Status published = journal->PublishLocalTypes(home_plugins_);
    if (!published.ok()) return ToGrpc(published);
  }
  v1::TypesRequest all;
  return Types(ctx, &all, reply);
}

}  // namespace haven
