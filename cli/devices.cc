#include "cli/devices.h"

#include <unistd.h>

#include "cli/output.h"
#include "common/time.h"

namespace haven::cli {

const std::vector<std::string> kDeviceColumns = {"",   "id",  "name",      "added",
                                                 "by", "seq", "last seen", "status"};

std::string DefaultDeviceName() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') return "this device";
  return PrintableName(host);
}

std::string PrintableName(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    auto u = static_cast<unsigned char>(name[i]);
    auto next = i + 1 < name.size() ? static_cast<unsigned char>(name[i + 1]) : 0;
    if (u == 0xc2 && next >= 0x80 && next <= 0x9f) {  // a C1 control in UTF-8
      out += '?';
      ++i;
    } else {
      out += (u < 0x20 || u == 0x7f) ? '?' : name[i];
    }
  }
  return out;
}

std::string ShortDevice(const std::string& device_id, const std::vector<v1::DeviceInfo>& devices) {
  std::string out = device_id.substr(0, 8);
  for (const auto& d : devices) {
    if (d.device_id() == device_id && !d.name().empty()) return out + " " + PrintableName(d.name());
  }
  return out;
}

namespace {

std::string LocalTime(int64_t us) { return us == 0 ? "-" : ShortTime(FormatRfc3339(us)); }

std::string Status(const v1::DeviceInfo& d, const std::vector<v1::DeviceInfo>& devices) {
  if (d.revoked()) {
    std::string out = "revoked " + LocalTime(d.revoked_us());
    if (!d.revoked_by().empty()) out += " by " + ShortDevice(d.revoked_by(), devices);
    return out;
  }
  return d.enrolled() ? "active" : "active (not upgraded yet)";
}

// A device adds itself, with the passphrase and the Secret Key (the kit):
// no other device approves it. "kit" says so; "-" for a device of an older
// vault that has not enrolled yet.
std::string AddedBy(const v1::DeviceInfo& d, const std::vector<v1::DeviceInfo>& devices) {
  if (!d.added_by().empty()) return ShortDevice(d.added_by(), devices);
  return d.enrolled() ? "kit" : "-";
}

}  // namespace

std::vector<nlohmann::json> DeviceTableRows(const std::vector<v1::DeviceInfo>& devices) {
  std::vector<nlohmann::json> rows;
  for (const auto& d : devices) {
    rows.push_back({{"", d.current() ? "*" : ""},
                    {"id", d.device_id().substr(0, 8)},
                    {"name", d.name().empty() ? "-" : PrintableName(d.name())},
                    {"added", LocalTime(d.added_us())},
                    {"by", AddedBy(d, devices)},
                    {"seq", d.seq()},
                    {"last seen", LocalTime(d.last_seen_us())},
                    {"status", Status(d, devices)}});
  }
  return rows;
}

nlohmann::json DeviceJson(const v1::DeviceInfo& d) {
  auto time_or_null = [](int64_t us) -> nlohmann::json {
    return us == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatRfc3339(us));
  };
  return {{"device_id", d.device_id()},
          {"name", d.name()},
          {"current", d.current()},
          {"enrolled", d.enrolled()},
          {"revoked", d.revoked()},
          {"added", time_or_null(d.added_us())},
          {"added_us", d.added_us()},
          {"added_by", d.added_by()},
          {"seq", d.seq()},
          {"revoked_at", d.revoked() ? time_or_null(d.revoked_us()) : nlohmann::json(nullptr)},
          {"revoked_by", d.revoked_by()},
          {"last_seen", time_or_null(d.last_seen_us())},
          {"last_seen_us", d.last_seen_us()}};
}

}  // namespace haven::cli
