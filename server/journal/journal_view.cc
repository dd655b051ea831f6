// Folding records into the sealed view and catching up after sync.
#include <algorithm>
#include <future>
#include <memory>
#include <mutex>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/journal/journal.h"
#include "server/journal/merge.h"
#include "server/util/log.h"
#include "server/util/parallel.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr size_t kCatchUpBatch = 2048;
// Below this many rows, starting threads costs more than sealing on one.
constexpr size_t kParallelRows = 64;

}  // namespace

void Journal::RefreshDerived(v1::EntryState* state) const {
  if (!state->has_create()) return;
  auto type = types_->Find(state->type());
  if (!type) return;  // keep what the writer's plugin derived
  Entry entry = StateToEntry(*state);
  auto derived = types_->Derive(*type, entry.fields);
  if (!derived.ok()) return;  // merged fields a plugin rejects keep their last derivation
  state->set_derived_json(derived->dump());
}

absl::Status Journal::FoldIntoView(const std::vector<FoldItem>& items, rocksdb::WriteBatch* batch,
                                   PendingStates* pending) {
  std::vector<std::string> touched;  // in first-seen order
  absl::flat_hash_set<std::string> refresh;
  // Entries whose row came ready-made with their CREATE, by id (views into
  // the items' bodies); a second record for one of them in this batch
  // means sealing it here after all.
  absl::flat_hash_map<std::string_view, std::pair<std::string, std::string>*> ready_rows;
  pending->reserve(pending->size() + items.size());
  VersionVector applied;
  for (const FoldItem& item : items) {
    const v1::RecordBody& body = *item.body;
    uint64_t& high = applied[item.header->device_id];
    high = std::max(high, item.header->seq);
    clock_.Observe(body.hlc());
    auto it = pending->find(body.entry_id());
    if (it != pending->end() && !ready_rows.empty()) ready_rows.erase(body.entry_id());
    if (it == pending->end()) {
      v1::EntryState state;
      bool fresh = body.kind() == v1::RecordBody::CREATE && !Known(body.entry_id());
      if (fresh && item.created != nullptr) {
        pending->emplace(body.entry_id(), std::move(item.created->state));
        touched.push_back(body.entry_id());
        ready_rows.emplace(body.entry_id(), &item.created->row);
        continue;
      }
      if (!fresh) {
        ASSIGN_OR_RETURN(state, LoadState(body.entry_id()));
      }
      it = pending->emplace(body.entry_id(), std::move(state)).first;
      touched.push_back(body.entry_id());
    }
    ApplyRecord(&it->second, body, item.header->device_id, item.header->seq);
    // A record from elsewhere merged into an entry with other records may
    // leave fields no single writer derived from.
    if (!item.local && it->second.records_size() > 1) refresh.insert(body.entry_id());
  }
  std::vector<v1::EntryState*> states;
  states.reserve(touched.size());
  for (const auto& id : touched) {
    v1::EntryState& state = pending->at(id);
    if (refresh.contains(id)) RefreshDerived(&state);
    AdoptVaultType(state);
    states.push_back(&state);
  }
  // Sealing the rows is most of a big fold's work, and each row is sealed
  // on its own: a large batch (import, sync) seals on every core.
  std::vector<std::pair<std::string, std::string>> rows(states.size());
  std::vector<size_t> to_seal;
  to_seal.reserve(states.size());
  for (size_t i = 0; i < states.size(); ++i) {
    auto ready = ready_rows.empty() ? ready_rows.end() : ready_rows.find(states[i]->entry_id());
    if (ready != ready_rows.end()) {
      rows[i] = std::move(*ready->second);
    } else {
      to_seal.push_back(i);
    }
  }
  auto seal = [&](int worker, int threads) {
    for (size_t k = worker; k < to_seal.size(); k += threads) {
      rows[to_seal[k]] = SealView(*states[to_seal[k]]);
    }
    return absl::OkStatus();
  };
  const int threads = to_seal.size() >= kParallelRows ? PassThreads() : 1;
  (void)RunOnThreads(threads, [&](int worker) { return seal(worker, threads); });
  for (const auto& [key, value] : rows) batch->Put(store_->handle(Family::kView), key, value);
  for (const auto& [device, seq] : applied) StageApplied(batch, device, seq);
  return absl::OkStatus();
}

bool Journal::Known(const std::string& entry_id) const {
  std::shared_lock lock(index_mu_);
  return index_.Contains(entry_id) || orphans_.contains(entry_id);
}

void Journal::StageApplied(rocksdb::WriteBatch* batch, std::string_view device,
                           uint64_t seq) const {
  std::string key(kAppliedPrefix);
  key.append(device);
  batch->Put(store_->handle(Family::kMeta), key, EncodeU64(seq));
}

void Journal::Publish(const std::vector<FoldItem>& items, const PendingStates& pending) {
  for (const FoldItem& item : items) {
    uint64_t& done = applied_[item.header->device_id];
    done = std::max(done, item.header->seq);
  }
  std::unique_lock index_lock(index_mu_);
  for (const auto& [id, state] : pending) {
    if (state.has_create()) {
      orphans_.erase(id);
    } else if (id.rfind(kTypeEntryPrefix, 0) != 0) {
      orphans_.insert(id);
    }
    IndexState(state);
  }
}

absl::Status Journal::CatchUp() {
  std::lock_guard<std::mutex> lock(log_->write_mutex());
  return CatchUpLocked();
}

absl::Status Journal::CatchUpLocked() {
  for (const auto& [device, head] : log_->Heads()) {
    while (applied_[device] < head) {
      const uint64_t from = applied_[device] + 1;
      ASSIGN_OR_RETURN(auto sealed, log_->Read(device, from, kCatchUpBatch, 16 << 20));
      if (sealed.empty()) break;
      std::vector<RecordHeader> headers(sealed.size());
      std::vector<v1::RecordBody> bodies(sealed.size());
      std::vector<FoldItem> items;
      for (size_t i = 0; i < sealed.size(); ++i) {
        auto plain = OpenRecord(keys_->record_key(), sealed[i], &headers[i]);
        if (!plain.ok() || !bodies[i].ParseFromString(*plain) || bodies[i].entry_id().empty() ||
            !CheckRecordJson(bodies[i]).ok()) {
          // A forged record stored while the vault was locked, or one whose
          // JSON is too deep or large to show: skip it, keep every good
          // record; `haven doctor` names it.
          haven::Log(
              LogLevel::kError, "record does not open or cannot be shown; skipped",
              {{"device", HexEncode(device).substr(0, 8)}, {"seq", std::to_string(from + i)}});
          continue;
        }
        items.push_back({&headers[i], &bodies[i]});
      }
      rocksdb::WriteBatch batch;
      PendingStates pending;
      RETURN_IF_ERROR(FoldIntoView(items, &batch, &pending));
      const uint64_t last = from + sealed.size() - 1;  // skipped records count as applied
      StageApplied(&batch, device, last);
      RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/false));
      Publish(items, pending);
      applied_[device] = last;
    }
  }
  return absl::OkStatus();
}

Journal::OpenedBatch Journal::OpenPulled(std::vector<std::string> sealed) const {
  // Opened before the write mutex is taken (local writes wait less), on
  // every core for a big batch.
  OpenedBatch opened;
  opened.headers.resize(sealed.size());
  opened.bodies.resize(sealed.size());
  opened.created.resize(sealed.size());
  std::vector<char> good(sealed.size(), 0);
  const int threads = sealed.size() >= kParallelRows ? PassThreads() : 1;
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
        created.row = SealView(created.state);
      }
    }
    return absl::OkStatus();
  });
  // Sorted as the log's Accept sorts, so the records it keeps come back as
  // a subsequence and each finds its body by walking along.
  for (size_t i = 0; i < sealed.size(); ++i) {
    if (good[i]) {
      opened.order.push_back(i);
    } else {
      ++opened.rejected;
    }
  }
  const std::vector<RecordHeader>& headers = opened.headers;
  std::stable_sort(opened.order.begin(), opened.order.end(), [&](size_t a, size_t b) {
    if (headers[a].device_id != headers[b].device_id) {
      return headers[a].device_id < headers[b].device_id;
    }
    return headers[a].seq < headers[b].seq;
  });
  opened.sealed = std::move(sealed);
  return opened;
}

absl::StatusOr<size_t> Journal::StorePulled(OpenedBatch opened, bool sync) {
  const std::vector<RecordHeader>& headers = opened.headers;
  const std::vector<size_t>& order = opened.order;
  std::vector<IncomingRecord> records;
  records.reserve(order.size());
  for (size_t i : order) records.push_back({headers[i], std::move(opened.sealed[i])});
  std::lock_guard<std::mutex> lock(log_->write_mutex());
  RETURN_IF_ERROR(CatchUpLocked());
  std::vector<IncomingRecord> accepted = log_->Accept(std::move(records));
  if (accepted.empty()) return 0;
  std::vector<FoldItem> items;
  items.reserve(accepted.size());
  size_t next = 0;
  for (const auto& r : accepted) {
    while (headers[order[next]].seq != r.header.seq ||
           headers[order[next]].device_id != r.header.device_id) {
      ++next;
    }
    const size_t i = order[next++];
    const bool created = opened.bodies[i].kind() == v1::RecordBody::CREATE;
    items.push_back(
        {&r.header, &opened.bodies[i], /*local=*/false, created ? &opened.created[i] : nullptr});
  }
  rocksdb::WriteBatch batch = RecordLog::BatchFor(accepted);
  log_->Stage(&batch, accepted);
  PendingStates pending;
  RETURN_IF_ERROR(FoldIntoView(items, &batch, &pending));
  RETURN_IF_ERROR(store_->Write(&batch, sync));
  log_->Commit(accepted);
  Publish(items, pending);
  return accepted.size();
}

absl::StatusOr<std::optional<v1::RecordBody>> Journal::PrepareImport(const LogInput& input) const {
  if (!input.id.empty()) {
    std::shared_lock lock(index_mu_);
    if (index_.Contains(input.id)) return std::optional<v1::RecordBody>();
  }
  auto body = BuildCreate(input);
  if (!body.ok()) {
    return absl::Status(body.status().code(),
                        input.origin + ": " + std::string(body.status().message()));
  }
  return std::optional<v1::RecordBody>(std::move(*body));
}

absl::StatusOr<size_t> Journal::WriteImported(std::vector<v1::RecordBody> bodies) {
  std::lock_guard<std::mutex> lock(log_->write_mutex());
  // The index only changes under the write mutex, held here.
  std::erase_if(bodies, [&](const v1::RecordBody& b) { return index_.Contains(b.entry_id()); });
  // A helper thread seals and folds the next batch while this thread
  // writes the one before (writing here keeps the index's and RocksDB's
  // long-lived allocations off short-lived threads). The entries are new
  // and distinct, so no batch reads what another writes.
  constexpr size_t kBatch = 1024;
  const uint64_t first_seq = log_->Head(identity_.device_id) + 1;
  auto stage = [&](size_t start) {
    auto staged = std::make_unique<StagedAppend>();
    std::vector<v1::RecordBody> chunk(
        std::make_move_iterator(bodies.begin() + start),
        std::make_move_iterator(bodies.begin() + std::min(bodies.size(), start + kBatch)));
    for (auto& b : chunk) b.set_hlc(clock_.Now());
    staged->status = StageLocal(std::move(chunk), first_seq + start, staged.get());
    return staged;
  };
  std::future<std::unique_ptr<StagedAppend>> next;
  if (!bodies.empty()) next = std::async(std::launch::async, stage, 0);
  for (size_t start = 0; start < bodies.size(); start += kBatch) {
    std::unique_ptr<StagedAppend> staged = next.get();
    if (start + kBatch < bodies.size())
      next = std::async(std::launch::async, stage, start + kBatch);
    absl::Status s = staged->status;
    if (s.ok()) s = CommitLocal(staged.get());
    if (!s.ok()) {
      if (next.valid()) next.wait();
      return s;
    }
  }
  return bodies.size();
}

absl::StatusOr<std::pair<size_t, size_t>> Journal::Import(const std::vector<LogInput>& inputs) {
  // Validate everything first: one bad entry writes nothing.
  std::vector<v1::RecordBody> bodies;
  std::set<std::string> ids_seen;
  for (size_t i = 0; i < inputs.size(); ++i) {
    LogInput in = inputs[i];
    if (in.origin.empty()) in.origin = "entry " + std::to_string(i + 1);
    if (!in.id.empty() && !ids_seen.insert(in.id).second) continue;
    ASSIGN_OR_RETURN(auto body, PrepareImport(in));
    if (body) bodies.push_back(std::move(*body));
  }
  ASSIGN_OR_RETURN(size_t imported, WriteImported(std::move(bodies)));
  return std::make_pair(imported, inputs.size() - imported);
}

}  // namespace haven
