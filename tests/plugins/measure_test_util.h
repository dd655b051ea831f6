// A fixture for the questionnaire built-ins (ecr-rs, who-5, swls, brs, and
// scs-sf): the real plugins, loaded from the build's staged built-ins, their
// answers validated and scored as the daemon would.
#ifndef HAVEN_TESTS_PLUGINS_MEASURE_TEST_UTIL_H_
#define HAVEN_TESTS_PLUGINS_MEASURE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/model/entry.h"
#include "server/plugins/type_registry.h"

namespace haven::testing {

// {"q1": a[0], "q2": a[1], ...} plus the members of `extra`.
inline nlohmann::json Answers(const std::vector<int>& a,
                              nlohmann::json extra = nlohmann::json::object()) {
  for (size_t i = 0; i < a.size(); ++i) extra["q" + std::to_string(i + 1)] = a[i];
  return extra;
}

class MeasureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (registry_ == nullptr) {
      registry_ = TypeRegistry::Create({{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR}})
                      .release();
    }
  }

  const ExerciseType& Type(const std::string& id) {
    auto t = registry_->Find(id);
    if (t == nullptr) {
      ADD_FAILURE() << "no built-in type " << id;
      static const ExerciseType kNone;
      return kNone;
    }
    types_.push_back(t);
    return *t;
  }

  // The derived values of an entry of `id` with `fields`, after the host's
  // own checks; a test failure (and null) when either refuses.
  nlohmann::json Derive(const std::string& id, const nlohmann::json& fields) {
    auto valid = registry_->Validate(Type(id), fields);
    EXPECT_TRUE(valid.ok()) << id << " " << fields.dump() << ": " << valid.status();
    if (!valid.ok()) return nullptr;
    auto derived = registry_->Derive(Type(id), *valid);
    EXPECT_TRUE(derived.ok()) << id << " " << fields.dump() << ": " << derived.status();
    return derived.ok() ? *derived : nlohmann::json();
  }

  // Why an entry of `id` with `fields` is refused ("" when it is not).
  std::string Refusal(const std::string& id, const nlohmann::json& fields) {
    auto valid = registry_->Validate(Type(id), fields);
    if (valid.ok()) {
      auto derived = registry_->Derive(Type(id), *valid);
      return derived.ok() ? "" : std::string(derived.status().message());
    }
    return std::string(valid.status().message());
  }

  // The summary lines over entries with these fields, oldest first.
  std::vector<std::string> Summarize(const std::string& id,
                                     const std::vector<nlohmann::json>& takings) {
    std::vector<Entry> entries(takings.size());
    std::vector<const Entry*> ptrs;
    for (size_t i = 0; i < takings.size(); ++i) {
      entries[i].type = id;
      entries[i].at_us = static_cast<int64_t>(i + 1) * 86'400'000'000;
      entries[i].fields = takings[i];
      ptrs.push_back(&entries[i]);
    }
    auto lines = registry_->Summarize(Type(id), ptrs);
    EXPECT_TRUE(lines.ok()) << lines.status();
    return lines.ok() ? *lines : std::vector<std::string>{};
  }

  static inline TypeRegistry* registry_ = nullptr;
  std::vector<std::shared_ptr<const ExerciseType>> types_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_PLUGINS_MEASURE_TEST_UTIL_H_
