// Records from elsewhere: pulled from a hub (opened, then stored and
// folded into the view) and imported (checked, then written in batches).
#include <algorithm>
#include <future>
#include <memory>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Below this many records, starting threads costs more than opening on one.
constexpr size_t kParallelRows = 64;

}  // namespace

Journal::OpenedBatch Journal::OpenPulled(std::vector<std::string> sealed) const {
  // Opened before the write mutex is taken (local writes wait less), on up
  // to PassThreads() threads (at most four) for a big batch.
  OpenedBatch opened;
  opened.headers.resize(sealed.size());
  opened.bodies.resize(sealed.size());
  opened.created.resize(sealed.size());
  std::vector<char> good(sealed.size(), 0);
  const int threads = sealed.size() >= kParallelRows ? PassThreads() : 1;
  // Every worker returns ok: a record that does not open is counted below.
  (void)RunOnThreads(threads, [&](int worker) {
    for (size_t i = worker; i < sealed.size(); i += threads) {
      const RecordHeader& header = opened.headers[i];
      const v1::RecordBody& body = opened.bodies[i];
      auto plain = OpenRecord(keys_->record_key(), sealed[i], &opened.headers[i]);
      // A record whose JSON is too deep or too large (a compromised device
      // can seal anything) is refused like one that does not open: every
      // list, export and stats would have to parse it.
      good[i] = plain.ok() && header.vault_id == identity_.vault_id &&
                opened.bodies[i].ParseFromString(*plain) && !body.entry_id().empty() &&
                CheckRecordJson(body).ok();
      if (good[i] && body.kind() == v1::RecordBody::CREATE) {
        CreatedEntry& created = opened.created[i];
        ApplyRecord(&created.state, body, header.device_id, header.seq);
        created.row = view_.SealRow(created.state);
      }
    }
    return absl::OkStatus();
  });
  // Sorted as the log's Accept sorts (LogOrder, the one comparator), so the records it keeps come
  // back as a subsequence and each finds its body by walking along.
  for (size_t i = 0; i < sealed.size(); ++i) {
    if (good[i]) {
      opened.order.push_back(i);
    } else {
      ++opened.rejected;
    }
  }
  const std::vector<RecordHeader>& headers = opened.headers;
  std::stable_sort(opened.order.begin(), opened.order.end(),
                   [&](size_t a, size_t b) { return LogOrder(headers[a], headers[b]); });
  opened.sealed = std::move(sealed);
  return opened;
}

std::vector<FoldItem> Journal::MatchAccepted(const std::vector<IncomingRecord>& accepted,
                                             OpenedBatch* opened) const {
  // Both lists are in LogOrder and `accepted` is a subsequence of `order`:
  // each accepted record finds its body by walking along.
  const std::vector<RecordHeader>& headers = opened->headers;
  const std::vector<size_t>& order = opened->order;
  std::vector<FoldItem> items;
  items.reserve(accepted.size());
  size_t next = 0;
  for (const auto& r : accepted) {
    while (headers[order[next]].seq != r.header.seq ||
           headers[order[next]].device_id != r.header.device_id) {
      ++next;
    }
    const size_t i = order[next++];
    const bool created = opened->bodies[i].kind() == v1::RecordBody::CREATE;
    items.push_back(
        {&r.header, &opened->bodies[i], /*local=*/false, created ? &opened->created[i] : nullptr});
  }
  return items;
}

absl::StatusOr<size_t> Journal::StorePulled(OpenedBatch opened, bool sync) {
  std::vector<IncomingRecord> records;
  records.reserve(opened.order.size());
  for (size_t i : opened.order) records.push_back({opened.headers[i], std::move(opened.sealed[i])});
  absl::MutexLock lock(write_mu_);
  RETURN_IF_ERROR(view_.CatchUp(*log_));
  RecordLog::Append append = log_->Stage(log_->Accept(std::move(records)));
  if (append.records.empty()) return 0;
  std::vector<FoldItem> items = MatchAccepted(append.records, &opened);
  PendingStates pending;
  RETURN_IF_ERROR(view_.Fold(items, &append.batch, &pending));
  RETURN_IF_ERROR(log_->Commit(&append, sync));
  view_.Publish(items, pending);
  return append.records.size();
}

absl::StatusOr<std::optional<v1::RecordBody>> Journal::PrepareImport(const LogInput& input) const {
  if (!input.id.empty() && view_.Contains(input.id)) return std::optional<v1::RecordBody>();
  auto body = BuildCreate(input);
  if (!body.ok()) {
    return absl::Status(body.status().code(),
                        input.origin + ": " + std::string(body.status().message()));
  }
  return std::optional<v1::RecordBody>(std::move(*body));
}

absl::StatusOr<size_t> Journal::WriteImported(std::vector<v1::RecordBody> bodies) {
  absl::MutexLock lock(write_mu_);
  // The index only changes under the write mutex, held here.
  view_.DropIndexed(&bodies);
  // A helper thread seals and folds the next batch while this thread
  // writes the one before (writing here keeps the index's and RocksDB's
  // long-lived allocations off short-lived threads). The entries are new
  // and distinct, so no batch reads what another writes.
  constexpr size_t kBatch = 1024;
  const uint64_t first_seq = log_->Head(identity_.device_id) + 1;
  auto stage = [&](size_t start) {
    std::vector<v1::RecordBody> chunk(
        std::make_move_iterator(bodies.begin() + start),
        std::make_move_iterator(bodies.begin() + std::min(bodies.size(), start + kBatch)));
    for (auto& b : chunk) b.set_hlc(clock_.Now());
    return StageLocal(std::move(chunk), first_seq + start);
  };
  std::future<StagedAppend> next;
  if (!bodies.empty()) next = std::async(std::launch::async, stage, 0);
  for (size_t start = 0; start < bodies.size(); start += kBatch) {
    StagedAppend staged = next.get();
    if (start + kBatch < bodies.size()) {
      next = std::async(std::launch::async, stage, start + kBatch);
    }
    absl::Status s = staged.status;
    if (s.ok()) s = CommitLocal(&staged);
    if (!s.ok()) {
      if (next.valid()) next.wait();
      return s;
    }
  }
  return bodies.size();
}

}  // namespace haven
