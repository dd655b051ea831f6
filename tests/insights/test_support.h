// Helpers shared by the insights tests: a fixed time zone and entry builders.
#ifndef HAVEN_TESTS_INSIGHTS_TEST_SUPPORT_H_
#define HAVEN_TESTS_INSIGHTS_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/time.h"
#include "server/model/entry.h"
#include "tests/common/scoped_time_zone.h"

namespace haven::testing {

// Runs each test in Europe/Berlin and restores TZ afterwards.
class LocalTimeTest : public ::testing::Test {
 protected:
  static void UseZone(const char* zone) { ScopedTimeZone::Use(zone); }
  static int64_t T(const std::string& text) {
    auto t = ParseTimeInput(text, 0);
    EXPECT_TRUE(t.ok()) << text;
    return t.ok() ? *t : 0;
  }

  // Entries live in a deque so the pointers handed out stay valid.
  Entry& Add(const std::string& type, const std::string& at, nlohmann::json fields = {},
             nlohmann::json derived = nlohmann::json::object()) {
    Entry& e = entries_.emplace_back();
    e.id = std::string(24 - std::to_string(entries_.size()).size(), '0') +
           std::to_string(entries_.size());
    e.type = type;
    e.at_us = e.created_us = e.updated_us = T(at);
    e.fields = fields.is_null() ? nlohmann::json::object() : fields;
    e.derived = derived;
    return e;
  }
  std::vector<const Entry*> All() const {
    std::vector<const Entry*> out;
    for (const Entry& e : entries_) out.push_back(&e);
    return out;
  }

  std::deque<Entry> entries_;

 private:
  ScopedTimeZone zone_{"Europe/Berlin"};
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_INSIGHTS_TEST_SUPPORT_H_
