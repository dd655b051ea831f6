#include "server/journal/provenance.h"

#include <algorithm>
#include <numeric>

namespace haven {
namespace {

// The chain hash of the record before `header` in the log, or empty when
// the log does not hold it (then the record cannot follow anyway).
std::string StoredPrevHash(const RecordLog& log, const RecordHeader& header) {
  if (header.seq <= 1) return std::string(kChainHashBytes, '\0');
  auto prev = log.Get(header.device_id, header.seq - 1);
  if (!prev.ok() || !prev->has_value()) return "";
  return RecordChainHash(**prev);
}

// Checks one device's run (indexes in sequence order); returns how many of
// them, from the front, hold.
size_t CheckRun(const RecordLog& log, const Membership& members,
                const std::vector<std::string>& sealed, const std::vector<RecordHeader>& headers,
                const std::vector<size_t>& run) {
  std::string prev = StoredPrevHash(log, headers[run.front()]);
  size_t good = 0;
  size_t last_signed = run.size();  // the last format-2 record in the good prefix
  for (size_t k = 0; k < run.size(); ++k) {
    const RecordHeader& h = headers[run[k]];
    if (k > 0 && h.seq != headers[run[k - 1]].seq + 1) break;
    if (!members.Admits(h.device_id, h.seq, h.legacy()).ok()) break;
    if (!h.legacy() && h.prev_hash != prev) break;
    prev = RecordChainHash(sealed[run[k]]);
    if (!h.legacy()) last_signed = k;
    good = k + 1;
  }
  if (last_signed == run.size()) return good;  // only format-1 records
  const RecordHeader& end = headers[run[last_signed]];
  if (!RecordSignatureValid(sealed[run[last_signed]], members.SigningKey(end.device_id))) {
    // Nothing format 2 of this run is vouched for: keep the format-1 front.
    size_t legacy_front = 0;
    while (legacy_front < good && headers[run[legacy_front]].legacy()) ++legacy_front;
    return legacy_front;
  }
  return good;
}

}  // namespace

void CheckProvenance(const RecordLog& log, const Membership& members,
                     const std::vector<std::string>& sealed,
                     const std::vector<RecordHeader>& headers, std::vector<char>* good) {
  std::vector<size_t> order;
  for (size_t i = 0; i < sealed.size(); ++i) {
    if ((*good)[i] && headers[i].seq > log.Head(headers[i].device_id)) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return LogOrder(headers[a], headers[b]); });
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end < order.size() && headers[order[end]].device_id == headers[order[start]].device_id) {
      ++end;
    }
    std::vector<size_t> run(order.begin() + start, order.begin() + end);
    // Duplicates within the batch: keep the first of each sequence.
    run.erase(std::unique(run.begin(), run.end(),
                          [&](size_t a, size_t b) { return headers[a].seq == headers[b].seq; }),
              run.end());
    const size_t held = CheckRun(log, members, sealed, headers, run);
    for (size_t k = held; k < run.size(); ++k) (*good)[run[k]] = 0;
    start = end;
  }
}

}  // namespace haven
