// `haven device list` as people and scripts read it (docs/commands.md,
// "haven device list"), and the name a new device gets by default.
#ifndef HAVEN_CLI_DEVICES_H_
#define HAVEN_CLI_DEVICES_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "haven/v1/daemon.pb.h"

namespace haven::cli {

// The host name (gethostname), or "this device" when it has none.
std::string DefaultDeviceName();

// A name as a terminal may show it: control characters, C0 and C1 (which
// another device could have written into its name), become '?'.
std::string PrintableName(std::string_view name);

// "1a2b3c4d laptop": the first 8 hex digits of `device_id` and its name in
// `devices` (the id alone when the list does not hold it or it has none).
std::string ShortDevice(const std::string& device_id, const std::vector<v1::DeviceInfo>& devices);

// The table's rows, keyed by the table's columns (kDeviceColumns), times in
// local time: "" ("*" for this device), id, name, added, by, seq, status.
extern const std::vector<std::string> kDeviceColumns;
std::vector<nlohmann::json> DeviceTableRows(const std::vector<v1::DeviceInfo>& devices);

// One object per device for --format json/jsonl/csv: device_id, name,
// current, enrolled, revoked, added (RFC 3339, null when unknown),
// added_us, added_by, seq, revoked_at (null unless revoked), revoked_by.
nlohmann::json DeviceJson(const v1::DeviceInfo& device);

}  // namespace haven::cli

#endif  // HAVEN_CLI_DEVICES_H_
