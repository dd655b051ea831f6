#include "server/journal/provenance.h"

#include <algorithm>

namespace haven {
namespace {

// The chain hash of the record before `header`: carried from an earlier
// batch, or read from the log; empty when neither holds it (then the
// record cannot follow anyway).
std::string PrevHash(const RecordLog& log, const CarriedChains* carried,
                     const RecordHeader& header) {
  if (header.seq <= 1) return std::string(kChainHashBytes, '\0');
  if (carried != nullptr) {
    auto it = carried->find(header.device_id);
    if (it != carried->end() && it->second.first == header.seq - 1) return it->second.second;
  }
  auto prev = log.Get(header.device_id, header.seq - 1);
  if (!prev.ok() || !prev->has_value()) return "";
  return RecordChainHash(**prev);
}

uint64_t HeldThrough(const RecordLog& log, const CarriedChains* carried,
                     const std::string& device) {
  uint64_t held = log.Head(device);
  if (carried != nullptr) {
    auto it = carried->find(device);
    if (it != carried->end()) held = std::max(held, it->second.first);
  }
  return held;
}

// How many records of the front of `run` (`good` of them chained and
// admitted) a valid signature vouches for: the last format-2 one's, or,
// when it fails, the nearest earlier one that holds.
size_t Vouched(const Membership& members, const std::vector<std::string>& sealed,
               const std::vector<RecordHeader>& headers, const std::vector<size_t>& run,
               size_t good) {
  const std::string key = members.SigningKey(headers[run.front()].device_id);
  for (size_t k = good; k-- > 0;) {
    const RecordHeader& h = headers[run[k]];
    if (h.legacy()) return k + 1;  // format 1: admitted by its sequence alone
    if (RecordSignatureValid(sealed[run[k]], key)) return k + 1;
  }
  return 0;
}

// Checks one device's run (indexes in sequence order); returns how many of
// them, from the front, hold, and the chain hash of the last that does.
size_t CheckRun(const RecordLog& log, const Membership& members,
                const std::vector<std::string>& sealed, const std::vector<RecordHeader>& headers,
                const std::vector<size_t>& run, CarriedChains* carried) {
  std::string prev = PrevHash(log, carried, headers[run.front()]);
  std::vector<std::string> hashes;
  size_t good = 0;
  for (size_t k = 0; k < run.size(); ++k) {
    const RecordHeader& h = headers[run[k]];
    if (k > 0 && h.seq != headers[run[k - 1]].seq + 1) break;
    if (!members.Admits(h.device_id, h.seq, h.legacy()).ok()) break;
    if (!h.legacy() && h.prev_hash != prev) break;
    prev = RecordChainHash(sealed[run[k]]);
    if (!OnRevokedChain(members, h, prev)) break;
    hashes.push_back(prev);
    good = k + 1;
  }
  const size_t held = good == 0 ? 0 : Vouched(members, sealed, headers, run, good);
  if (held > 0 && carried != nullptr) {
    (*carried)[headers[run.front()].device_id] = {headers[run[held - 1]].seq, hashes[held - 1]};
  }
  return held;
}

// Records that are no fault of the hub that sent them: a revoked device's
// beyond its cut (a hub may hold them from before it learned of the
// revoke), and those of a device that has not enrolled, or enrolled too
// late for a rotation (they are taken once it enrols again).
bool NoFault(const Membership& members, const RecordHeader& header) {
  const DeviceState* device = members.Find(header.device_id);
  if (device == nullptr || !device->enrolled) return true;
  return device->revoked && header.seq > device->cut;
}

}  // namespace

bool OnRevokedChain(const Membership& members, const RecordHeader& header,
                    std::string_view chain_hash) {
  const DeviceState* device = members.Find(header.device_id);
  return device == nullptr || !device->revoked || header.seq != device->cut ||
         device->cut_hash.empty() || device->cut_hash == chain_hash;
}

bool AdmittedHere(const Membership& members, const std::string& own_device,
                  const RecordHeader& header) {
  if (header.device_id == own_device) {
    // This device's own records before it enrolled are its own.
    const DeviceState* own = members.Find(own_device);
    if (own == nullptr || !own->enrolled) return true;
  }
  return members.Admits(header.device_id, header.seq, header.legacy()).ok();
}

void CheckProvenance(const RecordLog& log, const Membership& members,
                     const std::vector<std::string>& sealed,
                     const std::vector<RecordHeader>& headers, std::vector<char>* good,
                     CarriedChains* carried, std::vector<char>* ignored) {
  std::vector<size_t> order;
  for (size_t i = 0; i < sealed.size(); ++i) {
    if ((*good)[i] && headers[i].seq > HeldThrough(log, carried, headers[i].device_id)) {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return LogOrder(headers[a], headers[b]); });
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end < order.size() && headers[order[end]].device_id == headers[order[start]].device_id) {
      ++end;
    }
    std::vector<size_t> run(order.begin() + start, order.begin() + end);
    // Duplicates within the batch: the first of each sequence is checked;
    // another copy fails with it, or is dropped by the log when it passed.
    std::vector<size_t> copies;
    for (size_t k = 1; k < run.size(); ++k) {
      if (headers[run[k]].seq == headers[run[k - 1]].seq) copies.push_back(run[k]);
    }
    run.erase(std::unique(run.begin(), run.end(),
                          [&](size_t a, size_t b) { return headers[a].seq == headers[b].seq; }),
              run.end());
    const size_t held = CheckRun(log, members, sealed, headers, run, carried);
    const uint64_t held_through = held == 0 ? 0 : headers[run[held - 1]].seq;
    for (size_t k = held; k < run.size(); ++k) {
      (*good)[run[k]] = 0;
      if (ignored != nullptr && NoFault(members, headers[run[k]])) (*ignored)[run[k]] = 1;
    }
    for (size_t i : copies) {
      if (headers[i].seq > held_through) (*good)[i] = 0;
    }
    start = end;
  }
}

}  // namespace haven
