// A hub's identity: 16 random bytes made at its first start and kept in its
// store (meta "hub/id"). Devices sign login and registration challenges for
// this id, so a signature made for one hub is worthless at another, and pin
// it per remote, so a different hub answering on a remote's address is
// noticed (docs/design.md "Sync").
#ifndef HAVEN_SERVER_HUB_HUB_ID_H_
#define HAVEN_SERVER_HUB_HUB_ID_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace haven {

inline constexpr size_t kHubIdBytes = 16;

// The hub id stored in `store`, created and synced to disk when there is
// none. DataLoss when the stored value is not kHubIdBytes long.
absl::StatusOr<std::string> LoadOrCreateHubId(Store* store);

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_ID_H_
