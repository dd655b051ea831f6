// Records from elsewhere: pulled from a hub (opened, then stored and
// folded into the view) and imported (checked, then written in batches).
#include <algorithm>
#include <future>
#include <memory>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "server/journal/provenance.h"
#include "server/journal/vault_state.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

// Below this many records, starting threads costs more than opening on one.
constexpr size_t kParallelRows = 64;

}  // namespace

namespace {

// Parses each header; good[i] says which did and name this vault.
std::vector<char> ParseHeaders(const std::vector<std::string>& sealed, std::string_view vault_id,
                               std::vector<RecordHeader>* headers) {
  std::vector<char> good(sealed.size(), 0);
  for (size_t i = 0; i < sealed.size(); ++i) {
    auto header = ParseRecordHeader(sealed[i]);
    if (header.ok() && header->vault_id == vault_id) {
      (*headers)[i] = std::move(*header);
      good[i] = 1;
    }
  }
  return good;
}

}  // namespace

Membership Journal::PulledMembership(const std::vector<std::string>& sealed, OpenedBatch* opened,
                                     std::vector<char>* good, std::vector<char>* ignored,
                                     PullState* state) const {
  Membership tentative = members();
  if (state != nullptr && !state->members.empty()) tentative.Add(state->members);
  std::vector<MemberRecord> incoming;
  for (size_t i = 0; i < sealed.size(); ++i) {
    if (!(*good)[i] || !opened->headers[i].membership()) continue;
    auto record = ParseMemberRecord(sealed[i], identity_.vault_id);
    if (!record.ok()) {
      (*good)[i] = 0;
      continue;
    }
    if (!tentative.TakesNow(*record) || !MemberSlotFree(*store_, *log_, *record)) {
      // What only a revoked device would send now, or a rewrite of a slot
      // held here: neither kept, nor let into the tentative membership
      // (whose keys are adopted before the log drops a held slot's copy),
      // nor the hub's fault (an honest hub may have taken it before it knew).
      (*good)[i] = 0;
      (*ignored)[i] = 1;
      continue;
    }
    opened->member[i] = 1;
    incoming.push_back(std::move(*record));
  }
  if (!incoming.empty()) {
    if (state != nullptr) {
      state->members.insert(state->members.end(), incoming.begin(), incoming.end());
    }
    tentative.Add(std::move(incoming));
  }
  return tentative;
}

Journal::OpenedBatch Journal::OpenPulled(std::vector<std::string> sealed, PullState* state) const {
  // Opened before the write mutex is taken (local writes wait less), on up
  // to PassThreads() threads (at most four) for a big batch.
  OpenedBatch opened;
  opened.headers.resize(sealed.size());
  opened.bodies.resize(sealed.size());
  opened.created.resize(sealed.size());
  opened.member.resize(sealed.size(), 0);
  std::vector<char> good = ParseHeaders(sealed, identity_.vault_id, &opened.headers);
  // Who wrote each record, checked before anything is opened
  // (docs/design.md, "Devices and key epochs").
  std::vector<char> ignored(sealed.size(), 0);
  const Membership tentative = PulledMembership(sealed, &opened, &good, &ignored, state);
  CheckProvenance(*log_, tentative, sealed, opened.headers, &good,
                  state != nullptr ? &state->chains : nullptr, &ignored);
  if (NeedsKeys(tentative) || tentative.wrap_generation() > members().wrap_generation()) {
    absl::MutexLock lock(write_mu_);  // the keys and secrets change only under it
    AdoptEpochs(tentative, &opened.meta);
  }
  const int threads = sealed.size() >= kParallelRows ? PassThreads() : 1;
  // Every worker returns ok: a record that does not open is counted below.
  (void)RunOnThreads(threads, [&](int worker) {
    for (size_t i = worker; i < sealed.size(); i += threads) {
      if (!good[i] || opened.member[i]) continue;
      const RecordHeader& header = opened.headers[i];
      const v1::RecordBody& body = opened.bodies[i];
      auto plain = OpenRecordAnyEpoch(*keys_, sealed[i], nullptr);
      // A record whose JSON is too deep or too large (a compromised device
      // can seal anything) is refused like one that does not open: every
      // list, export and stats would have to parse it.
      good[i] = plain.ok() && opened.bodies[i].ParseFromString(*plain) &&
                !body.entry_id().empty() && CheckRecordJson(body).ok();
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
    } else if (!ignored[i]) {
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
    if (opened->member[i]) {
      items.push_back({&r.header, nullptr});
      continue;
    }
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
  std::vector<MemberRecord> members;
  for (const FoldItem& item : items) {
    if (item.body != nullptr) continue;
    const IncomingRecord& r = append.records[&item - items.data()];
    append.batch.Put(Family::kMeta, MemberMetaKey(r.header.device_id, r.header.seq), r.sealed);
    auto parsed = ParseMemberRecord(r.sealed, identity_.vault_id);
    if (parsed.ok()) members.push_back(std::move(*parsed));
  }
  for (const auto& [key, value] : opened.meta) append.batch.Put(Family::kMeta, key, value);
  PendingStates pending;
  RETURN_IF_ERROR(view_.Fold(items, &append.batch, &pending));
  RETURN_IF_ERROR(log_->Commit(&append, sync));
  view_.Publish(items, pending);
  if (!members.empty()) {
    const Membership before = this->members();
    {
      absl::MutexLock members_lock(&members_mu_);
      members_.Add(std::move(members));
    }
    RETURN_IF_ERROR(RefoldPastCuts(before, this->members()));
  }
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
  // Each batch is chained to the one staged before it (not yet written
  // when the next one stages).
  std::string chain = OwnChainHead();
  auto stage = [&](size_t start) {
    std::vector<v1::RecordBody> chunk(
        std::make_move_iterator(bodies.begin() + start),
        std::make_move_iterator(bodies.begin() + std::min(bodies.size(), start + kBatch)));
    for (auto& b : chunk) b.set_hlc(clock_.Now());
    StagedAppend staged = StageLocal(std::move(chunk), first_seq + start, chain);
    if (!staged.append.records.empty())
      chain = RecordChainHash(staged.append.records.back().sealed);
    return staged;
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
