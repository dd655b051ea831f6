#include "server/journal/journal.h"

#include <algorithm>

#include "absl/status/status.h"
#include "common/json_bounded.h"
#include "server/crypto/ids.h"
#include "server/journal/merge.h"
#include "server/model/entry_json.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

IndexQuery QueryFor(const ListFilter& f) {
  return IndexQuery{f.type, f.since_us, f.until_us, f.include_deleted, f.oldest_first};
}

bool HasTags(const Entry& e, const std::vector<std::string>& tags) {
  for (const auto& t : tags) {
    if (std::find(e.tags.begin(), e.tags.end(), t) == e.tags.end()) return false;
  }
  return true;
}

}  // namespace

Journal::Journal(Store* store, RecordLog* log, absl::Mutex* log_writer, TypeRegistry* types,
                 VaultIdentity identity, std::unique_ptr<VaultKeys> keys, DeviceSecrets secrets,
                 Membership members)
    : store_(store),
      log_(log),
      write_mu_(log_writer),
      types_(types),
      identity_(std::move(identity)),
      keys_(std::move(keys)),
      secrets_(std::move(secrets)),
      sign_public_key_(secrets_.sign_key.view().substr(32)),  // libsodium keeps it in the tail
      members_(std::move(members)),
      view_(store, keys_.get(), types, &clock_) {}

Journal::~Journal() {
  // Under the log's writer lock: a journal opened since may be writing.
  absl::MutexLock lock(write_mu_);
  absl::Status saved = view_.SaveSnapshot();
  if (!saved.ok()) {
    haven::Log(LogLevel::kWarn, "index snapshot not written; the next unlock builds the index",
               {{"reason", std::string(saved.message())}});
  }
}

absl::StatusOr<std::unique_ptr<Journal>> Journal::Open(Store* store, RecordLog* log,
                                                       absl::Mutex* log_writer, TypeRegistry* types,
                                                       VaultIdentity identity,
                                                       std::unique_ptr<VaultKeys> keys,
                                                       DeviceSecrets secrets, Membership members,
                                                       std::string snapshot_path) {
  std::unique_ptr<Journal> journal(new Journal(store, log, log_writer, types, std::move(identity),
                                               std::move(keys), std::move(secrets),
                                               std::move(members)));
  // Under the writer lock: a journal opened before (still held by a pull or
  // an import) may be writing the view this one upgrades, loads and catches up.
  Journal* self = journal.get();
  journal->view_.set_admit([self](const RecordHeader& header) {
    absl::MutexLock members_lock(&self->members_mu_);
    return AdmittedHere(self->members_, self->identity_.device_id, header);
  });
  journal->view_.set_snapshot_path(std::move(snapshot_path));
  absl::MutexLock lock(log_writer);
  RETURN_IF_ERROR(journal->view_.Upgrade());
  RETURN_IF_ERROR(journal->view_.Load());
  RETURN_IF_ERROR(journal->view_.CatchUp(*log));
  // Keys of rotations that lost to a concurrent one, which no keyring holds.
  std::vector<std::pair<std::string, std::string>> kept_already;
  const Membership held = journal->members();
  journal->write_mu_->AssertHeld();  // the same mutex as `log_writer`, held above
  if (journal->NeedsKeys(held)) journal->AdoptEpochs(held, &kept_already);
  // A revoke stored while this device was locked (its membership came with
  // a locked sync) takes its device's records beyond the cut out of the view.
  RETURN_IF_ERROR(journal->RefoldPastCuts(Membership(journal->identity_.vault_id, ""), held));
  return journal;
}

absl::Status Journal::CatchUp() {
  absl::MutexLock lock(write_mu_);
  return view_.CatchUp(*log_);
}

absl::StatusOr<Entry> Journal::EntryFromState(const v1::EntryState& state) const {
  if (!state.has_create()) return absl::NotFoundError("no entry with id " + state.entry_id());
  return StateToEntry(state);
}

absl::StatusOr<Entry> Journal::Get(std::string_view id_or_prefix) const {
  ASSIGN_OR_RETURN(std::string id, view_.Resolve(id_or_prefix));
  ASSIGN_OR_RETURN(v1::EntryState state, view_.LoadState(id));
  return EntryFromState(state);
}

absl::StatusOr<std::vector<nlohmann::json>> Journal::History(std::string_view id_or_prefix) const {
  ASSIGN_OR_RETURN(std::string id, view_.Resolve(id_or_prefix));
  ASSIGN_OR_RETURN(v1::EntryState state, view_.LoadState(id));
  std::vector<std::pair<uint64_t, nlohmann::json>> items;
  for (const auto& ref : state.records()) {
    ASSIGN_OR_RETURN(auto sealed, log_->Get(ref.device(), ref.seq()));
    if (!sealed) return absl::DataLossError("a record of this entry is missing from the log");
    ASSIGN_OR_RETURN(std::string plain, OpenRecordAnyEpoch(*keys_, *sealed, nullptr));
    v1::RecordBody body;
    if (!body.ParseFromString(plain)) return absl::DataLossError("a record is corrupt");
    items.emplace_back(body.hlc(), HistoryItemToJson(body, ref.device(), ref.seq(),
                                                     HybridClock::ToMicros(body.hlc())));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<nlohmann::json> out;
  for (auto& [hlc, item] : items) out.push_back(std::move(item));
  return out;
}

absl::Status Journal::Scan(const ListFilter& filter,
                           const std::function<bool(const Entry&)>& visit) const {
  // Collect ids under the lock, then decrypt without holding it.
  std::vector<std::string> ids = view_.Ids(QueryFor(filter), [&](size_t found) {
    return filter.tags.empty() && filter.limit != 0 ? found < filter.limit : true;
  });
  size_t emitted = 0;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(v1::EntryState state, view_.LoadState(id));
    if (!state.has_create()) continue;
    Entry entry = StateToEntry(state);
    if (!HasTags(entry, filter.tags)) continue;
    if (!visit(entry)) break;
    if (filter.limit != 0 && ++emitted >= filter.limit) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Entry>> Journal::List(const ListFilter& filter, size_t* total) const {
  std::vector<Entry> out;
  if (total != nullptr && !filter.tags.empty()) {
    // Tags live inside sealed rows: count every match, keep the first `limit`.
    ListFilter all = filter;
    all.limit = 0;
    size_t n = 0;
    RETURN_IF_ERROR(Scan(all, [&](const Entry& e) {
      if (filter.limit == 0 || out.size() < filter.limit) out.push_back(e);
      ++n;
      return true;
    }));
    *total = n;
    return out;
  }
  if (total != nullptr) *total = view_.Count(QueryFor(filter));
  RETURN_IF_ERROR(Scan(filter, [&](const Entry& e) {
    out.push_back(e);
    return true;
  }));
  return out;
}

absl::StatusOr<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& raw : tags) {
    std::string t = raw;
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.empty() || t.size() > 64 || t.find_first_of(" \t\r\n,") != std::string::npos) {
      return absl::InvalidArgumentError("tag \"" + raw +
                                        "\": tags are 1-64 characters without spaces or commas");
    }
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace haven
