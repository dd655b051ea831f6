#include "server/hub/hub_id.h"

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kHubIdKey = "hub/id";

}  // namespace

absl::StatusOr<std::string> LoadOrCreateHubId(Store* store) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored, store->Get(Family::kMeta, kHubIdKey));
  if (stored) {
    if (stored->size() != kHubIdBytes) {
      return absl::DataLossError("the hub's id in its store is " + std::to_string(stored->size()) +
                                 " bytes, not " + std::to_string(kHubIdBytes));
    }
    return *stored;
  }
  std::string id = RandomBytes(kHubIdBytes);
  RETURN_IF_ERROR(store->Put(Family::kMeta, kHubIdKey, id, /*sync=*/true));
  return id;
}

}  // namespace haven
