#include "server/store/record_log.h"

#include <algorithm>

namespace haven {
namespace {
constexpr std::string_view kHeadPrefix = "head/";
}

bool LogOrder(const RecordHeader& a, const RecordHeader& b) {
  if (a.device_id != b.device_id) return a.device_id < b.device_id;
  return a.seq < b.seq;
}

std::string RecordLog::RecordKey(std::string_view device, uint64_t seq) const {
  std::string key = prefix_;
  key.append(device);
  key += EncodeU64(seq);
  return key;
}

std::string RecordLog::HeadKey(std::string_view device) const {
  std::string key(kHeadPrefix);
  key.append(prefix_);
  key.append(device);
  return key;
}

absl::StatusOr<std::unique_ptr<RecordLog>> RecordLog::Open(Store* store, std::string key_prefix) {
  std::unique_ptr<RecordLog> log(new RecordLog(store, std::move(key_prefix)));
  std::string start = std::string(kHeadPrefix) + log->prefix_;
  Cursor it = store->NewCursor(Family::kMeta);
  absl::MutexLock lock(&log->heads_mu_);
  for (it.Seek(start); it.Valid(); it.Next()) {
    std::string_view key = it.key();
    if (key.substr(0, start.size()) != start) break;
    if (log->prefix_.empty() && key.size() != start.size() + 16) continue;
    log->heads_[std::string(key.substr(start.size()))] = DecodeU64(it.value());
  }
  if (!it.status().ok()) return it.status();
  return log;
}

uint64_t RecordLog::Head(std::string_view device) const {
  absl::MutexLock lock(&heads_mu_);
  auto it = heads_.find(std::string(device));
  return it == heads_.end() ? 0 : it->second;
}

VersionVector RecordLog::Heads() const {
  absl::MutexLock lock(&heads_mu_);
  return heads_;
}

uint64_t RecordLog::TotalRecords() const {
  absl::MutexLock lock(&heads_mu_);
  uint64_t total = 0;
  for (const auto& [device, head] : heads_) total += head;
  return total;
}

std::vector<IncomingRecord> RecordLog::Accept(std::vector<IncomingRecord> records) const {
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return LogOrder(a.header, b.header); });
  VersionVector next = Heads();
  std::vector<IncomingRecord> accepted;
  for (auto& r : records) {
    uint64_t& head = next[r.header.device_id];
    if (r.header.seq != head + 1) continue;  // already held, or after a gap
    head = r.header.seq;
    accepted.push_back(std::move(r));
  }
  return accepted;
}

RecordLog::Append RecordLog::Stage(std::vector<IncomingRecord> records) const {
  size_t bytes = 0;
  for (const auto& r : records) bytes += r.sealed.size();
  WriteBatch batch = store_->NewBatch(2 * bytes + 128 * records.size());
  Append append{std::move(records), std::move(batch)};
  VersionVector heads;
  for (const auto& r : append.records) {
    append.batch.Put(Family::kRecords, RecordKey(r.header.device_id, r.header.seq), r.sealed);
    uint64_t& head = heads[r.header.device_id];
    head = std::max(head, r.header.seq);
  }
  for (const auto& [device, head] : heads) {
    append.batch.Put(Family::kMeta, HeadKey(device), EncodeU64(head));
  }
  return append;
}

absl::Status RecordLog::Commit(Append* append, bool sync) {
  absl::Status written = store_->Write(&append->batch, sync);
  if (!written.ok()) return written;
  absl::MutexLock lock(&heads_mu_);
  for (const auto& r : append->records) {
    uint64_t& head = heads_[r.header.device_id];
    head = std::max(head, r.header.seq);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> RecordLog::Read(std::string_view device, uint64_t from_seq,
                                                         size_t max_records,
                                                         size_t max_bytes) const {
  std::vector<std::string> out;
  uint64_t head = Head(device);
  if (from_seq == 0) from_seq = 1;
  Cursor it = store_->NewCursor(Family::kRecords);
  size_t bytes = 0;
  uint64_t expected = from_seq;
  std::string owner = prefix_ + std::string(device);
  for (it.Seek(RecordKey(device, from_seq));
       it.Valid() && out.size() < max_records && bytes < max_bytes && expected <= head; it.Next()) {
    std::string_view key = it.key();
    if (key.size() != owner.size() + 8 || key.substr(0, owner.size()) != owner) break;
    if (DecodeU64(key.substr(owner.size())) != expected) break;  // a gap: stop short
    out.emplace_back(it.value());
    bytes += out.back().size();
    ++expected;
  }
  if (!it.status().ok()) return it.status();
  return out;
}

absl::StatusOr<std::optional<std::string>> RecordLog::Get(std::string_view device,
                                                          uint64_t seq) const {
  return store_->Get(Family::kRecords, RecordKey(device, seq));
}

}  // namespace haven
