// cli/devices.cc: `haven device list` as a table (local times, short ids
// with names, this device marked, a revoked device's when and by whom) and
// as JSON (the documented keys), and names made safe for a terminal.
#include "cli/devices.h"

#include <gtest/gtest.h>

#include "tests/common/scoped_time_zone.h"

namespace haven::cli {
namespace {

constexpr char kLaptop[] = "1a2b3c4d00000000000000000000aaaa";
constexpr char kPhone[] = "5e6f708100000000000000000000bbbb";
constexpr int64_t kAdded = 1764921600000000;    // 2025-12-05T08:00:00Z
constexpr int64_t kRevoked = 1764925200000000;  // 2025-12-05T09:00:00Z

std::vector<v1::DeviceInfo> TwoDevices() {
  v1::DeviceInfo laptop;
  laptop.set_device_id(kLaptop);
  laptop.set_name("laptop");
  laptop.set_current(true);
  laptop.set_enrolled(true);
  laptop.set_added_us(kAdded);
  laptop.set_seq(42);
  v1::DeviceInfo phone;
  phone.set_device_id(kPhone);
  phone.set_name("old phone");
  phone.set_enrolled(true);
  phone.set_added_us(kAdded);
  phone.set_added_by(kLaptop);
  phone.set_seq(7);
  phone.set_revoked(true);
  phone.set_revoked_us(kRevoked);
  phone.set_revoked_by(kLaptop);
  return {laptop, phone};
}

TEST(DevicesTest, TableRowsShowShortIdsLocalTimesAndWhoAddedAndRevoked) {
  haven::testing::ScopedTimeZone zone("Europe/Berlin");
  auto rows = DeviceTableRows(TwoDevices());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], nlohmann::json({{"", "*"},
                                     {"id", "1a2b3c4d"},
                                     {"name", "laptop"},
                                     {"added", "2025-12-05 09:00"},
                                     {"by", "kit"},
                                     {"seq", 42},
                                     {"last seen", "-"},
                                     {"status", "active"}}));
}

TEST(DevicesTest, ARevokedDeviceSaysWhenAndByWhichDevice) {
  haven::testing::ScopedTimeZone zone("Europe/Berlin");
  auto rows = DeviceTableRows(TwoDevices());
  EXPECT_EQ(rows[1][""], "");
  EXPECT_EQ(rows[1]["by"], "1a2b3c4d laptop");
  EXPECT_EQ(rows[1]["status"], "revoked 2025-12-05 10:00 by 1a2b3c4d laptop");
  for (const auto& column : kDeviceColumns) EXPECT_TRUE(rows[1].contains(column)) << column;
}

TEST(DevicesTest, UnknownTimesNamesAndOlderDevicesReadPlainly) {
  v1::DeviceInfo old;
  old.set_device_id("ffffffff00000000");
  auto rows = DeviceTableRows({old});
  EXPECT_EQ(rows[0]["added"], "-");
  EXPECT_EQ(rows[0]["name"], "-");
  EXPECT_EQ(rows[0]["status"], "active (not upgraded yet)");
  EXPECT_EQ(ShortDevice("9999999900000000", {old}), "99999999");
}

TEST(DevicesTest, JsonHasTheDocumentedKeys) {
  auto devices = TwoDevices();
  nlohmann::json laptop = DeviceJson(devices[0]);
  EXPECT_EQ(laptop["device_id"], kLaptop);
  EXPECT_EQ(laptop["name"], "laptop");
  EXPECT_EQ(laptop["current"], true);
  EXPECT_EQ(laptop["revoked"], false);
  EXPECT_EQ(laptop["enrolled"], true);
  EXPECT_EQ(laptop["added_us"], kAdded);
  EXPECT_TRUE(laptop["added"].is_string());
  EXPECT_EQ(laptop["seq"], 42);
  EXPECT_TRUE(laptop["revoked_at"].is_null());
  nlohmann::json phone = DeviceJson(devices[1]);
  EXPECT_EQ(phone["revoked"], true);
  EXPECT_EQ(phone["added_by"], kLaptop);
  EXPECT_EQ(phone["revoked_by"], kLaptop);
  EXPECT_TRUE(phone["revoked_at"].is_string());
  v1::DeviceInfo unknown;
  EXPECT_TRUE(DeviceJson(unknown)["added"].is_null());
}

TEST(DevicesTest, NamesLoseTerminalControlCharacters) {
  EXPECT_EQ(PrintableName("laptop"), "laptop");
  EXPECT_EQ(PrintableName("evil\x1b]0;pwned\x07"), "evil?]0;pwned?");
  EXPECT_EQ(PrintableName("a\nb\x7f"), "a?b?");
  EXPECT_EQ(PrintableName("csi\xc2\x9b"
                          "2J"),
            "csi?2J");
  EXPECT_EQ(PrintableName("Zoë's Mac"), "Zoë's Mac");
}

TEST(DevicesTest, DefaultNameIsNeverEmpty) { EXPECT_FALSE(DefaultDeviceName().empty()); }

}  // namespace
}  // namespace haven::cli
