// Journal.Search: `haven search` over the unlocked journal's in-memory
// search index (docs/design.md, "Search"). Callers: the local user, over
// the home's Unix socket only (a hub serves no Journal).
#include "common/status.h"
#include "server/model/entry_json.h"
#include "server/service/journal_service.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Rows a search returns when the request names no limit, and the most it
// may ask for (each row is opened and sent with its excerpt).
constexpr uint32_t kDefaultSearchRows = 20;
constexpr uint32_t kMaxSearchRows = 10000;
constexpr int kMaxSearchTags = 16;

absl::StatusOr<SearchFilter> FilterOf(const v1::SearchRequest& req) {
  if (req.tags_size() > kMaxSearchTags) {
    return absl::InvalidArgumentError("search: more than " + std::to_string(kMaxSearchTags) +
                                      " --tag filters");
  }
  SearchFilter filter;
  filter.type = req.type();
  if (req.has_since()) filter.since_us = req.since_us();
  if (req.has_until()) filter.until_us = req.until_us();
  filter.tags.assign(req.tags().begin(), req.tags().end());
  filter.include_deleted = req.include_deleted();
  return filter;
}

}  // namespace

grpc::Status JournalService::Search(grpc::ServerContext*, const v1::SearchRequest* req,
                                    v1::SearchReply* reply) {
  if (req->limit() > kMaxSearchRows) {
    return ToGrpc(absl::InvalidArgumentError("--limit: at most " + std::to_string(kMaxSearchRows) +
                                             " rows per search"));
  }
  auto query = ParseSearchQuery({req->words().begin(), req->words().end()});
  if (!query.ok()) return ToGrpc(query.status());
  auto filter = FilterOf(*req);
  if (!filter.ok()) return ToGrpc(filter.status());
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  const size_t limit = req->limit() == 0 ? kDefaultSearchRows : req->limit();
  size_t total = 0;
  auto hits = (*journal)->Search(*query, *filter, limit, &total);
  if (!hits.ok()) return ToGrpc(hits.status());
  for (const auto& hit : *hits) {
    auto* out = reply->add_hits();
    out->set_entry_json(EntryToJson(hit.entry).dump());
    out->set_snippet(hit.snippet);
    out->set_field(hit.field);
  }
  reply->set_total_matching(total);
  return grpc::Status::OK;
}

}  // namespace haven
