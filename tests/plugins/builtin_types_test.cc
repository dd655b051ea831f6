// The built-in exercise types: exactly the fields of docs/plugins.md, and the derived
// values and summaries of the native ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_test_util.h"
#include "server/plugins/type_registry.h"

namespace haven {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Message;

class BuiltinTypesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ =
        TypeRegistry::Create({{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR}}).release();
  }
  const ExerciseType& Type(const std::string& id) {
    auto t = registry_->Find(id);
    EXPECT_NE(t, nullptr) << id;
    types_.push_back(t);
    return *t;
  }
  json Derive(const std::string& id, const json& fields) {
    auto valid = registry_->Validate(Type(id), fields);
    EXPECT_TRUE(valid.ok()) << valid.status();
    auto derived = registry_->Derive(Type(id), valid.ok() ? *valid : fields);
    EXPECT_TRUE(derived.ok()) << derived.status();
    return derived.ok() ? *derived : json();
  }
  static TypeRegistry* registry_;
  std::vector<std::shared_ptr<const ExerciseType>> types_;
};
TypeRegistry* BuiltinTypesTest::registry_ = nullptr;

// "name kind [required] [min..max] [choices]" per field, as docs/plugins.md,
// "Built-in types", lists them.
std::vector<std::string> Shape(const ExerciseType& t) {
  static const char* kKinds[] = {"integer", "number", "scale", "boolean",
                                 "string",  "text",   "enum",  "datetime"};
  std::vector<std::string> out;
  for (const FieldSpec& f : t.fields) {
    std::string s = f.name + " " + kKinds[static_cast<int>(f.kind)];
    if (f.required) s += " required";
    if (f.min || f.max) {
      s += " " + std::string(f.exclusive_min ? "(" : "[") +
           (f.min ? std::to_string(static_cast<int>(*f.min)) : "") + ".." +
           (f.max ? std::to_string(static_cast<int>(*f.max)) : "") + "]";
    }
    for (const std::string& c : f.choices) s += (&c == &f.choices[0] ? " " : "|") + c;
    if (!f.default_value.is_null()) s += " =" + f.default_value.dump();
    out.push_back(s);
  }
  return out;
}

// "q1 scale required [1..5]" ... for the `n` items of a questionnaire.
std::vector<std::string> Items(int n, const std::string& range) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back("q" + std::to_string(i) + " scale required " + range);
  return out;
}

TEST_F(BuiltinTypesTest, AllLoadWithoutProblems) {
  EXPECT_TRUE(registry_->Problems().empty())
      << registry_->Problems()[0].source << ": " << registry_->Problems()[0].reason;
  std::vector<std::string> ids;
  for (const auto& t : registry_->List()) ids.push_back(t->id);
  EXPECT_THAT(ids,
              ElementsAre("break", "brs", "checkin", "ecr-rs", "friend", "letter", "mindfulness",
                          "reflection", "scs-sf", "self-talk", "support", "swls", "who-5"));
  for (const char* id : {"break", "self-talk", "scs-sf", "ecr-rs", "who-5", "swls", "brs"}) {
    EXPECT_TRUE(Type(id).native) << id;
    EXPECT_THAT(Type(id).source, HasSubstr(std::string(id) + ".so"));
  }
  EXPECT_FALSE(Type("checkin").native);
  EXPECT_THAT(Type("break").source, HasSubstr("break.so"));
  for (const auto& t : registry_->List()) {
    for (const FieldSpec& f : t->fields) {
      EXPECT_FALSE(f.prompt.empty()) << t->id << "." << f.name;
      EXPECT_FALSE(f.help.empty()) << t->id << "." << f.name;
    }
  }
}

TEST_F(BuiltinTypesTest, FieldsMatchTheSpec) {
  EXPECT_THAT(
      Shape(Type("mindfulness")),
      ElementsAre("minutes number required (0..1440]",
                  "practice enum breathing|body-scan|loving-kindness|movement|"
                  "open-awareness|other =\"breathing\"",
                  "noticed text", "judgment_before scale [0..10]", "judgment_after scale [0..10]"));
  EXPECT_THAT(Shape(Type("break")),
              ElementsAre("situation text required", "felt_in_body string", "mindfulness string",
                          "common_humanity string", "kindness string",
                          "touch enum none|hand-on-heart|hug|other",
                          "distress_before scale required [0..10]",
                          "distress_after scale required [0..10]"));
  EXPECT_THAT(
      Shape(Type("letter")),
      ElementsAre("issue string required", "emotions string", "letter text required",
                  "perspective enum friend|future-self|compassionate-other", "reflection text"));
  EXPECT_THAT(Shape(Type("friend")), ElementsAre("friend_response text", "self_response text",
                                                 "why_different text", "what_might_change text"));
  EXPECT_THAT(Shape(Type("self-talk")),
              ElementsAre("situation string", "critical_thought text required",
                          "belief_before scale required [0..100]", "reframe text required",
                          "belief_after scale required [0..100]"));
  EXPECT_THAT(
      Shape(Type("reflection")),
      ElementsAre("relationship string required", "pattern text required",
                  "felt enum secure|anxious|avoidant|mixed|unsure", "need text", "next_step text"));
  EXPECT_THAT(Shape(Type("support")),
              ElementsAre("reached_out_to string required",
                          "channel enum in-person|call|message|professional|group|other",
                          "helpfulness scale [1..5]", "note text"));
  EXPECT_THAT(Shape(Type("checkin")),
              ElementsAre("mood scale required [0..10]", "resilience scale [0..10]",
                          "connection scale [0..10]", "satisfaction scale [0..10]", "note text"));
  EXPECT_THAT(Shape(Type("scs-sf")), ::testing::ElementsAreArray(Items(12, "[1..5]")));
  std::vector<std::string> ecr = {"relationship enum required mother|father|partner|friend"};
  for (const std::string& item : Items(9, "[1..7]")) ecr.push_back(item);
  EXPECT_THAT(Shape(Type("ecr-rs")), ::testing::ElementsAreArray(ecr));
  EXPECT_THAT(Shape(Type("who-5")), ::testing::ElementsAreArray(Items(5, "[0..5]")));
  EXPECT_THAT(Shape(Type("swls")), ::testing::ElementsAreArray(Items(5, "[1..7]")));
  EXPECT_THAT(Shape(Type("brs")), ::testing::ElementsAreArray(Items(6, "[1..5]")));
}

TEST_F(BuiltinTypesTest, MindfulnessMinutesMustBePositive) {
  auto bad = registry_->ParseFieldText(Type("mindfulness"), "minutes", "0");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(Message(bad.status()),
            "field \"minutes\": must be a number greater than 0 and at most 1440, got \"0\"");
  auto ok = registry_->Validate(Type("mindfulness"), json{{"minutes", 10}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)["practice"], "breathing");
}

TEST_F(BuiltinTypesTest, BreakDerivesDistressChange) {
  json d =
      Derive("break", {{"situation", "hard call"}, {"distress_before", 7}, {"distress_after", 4}});
  EXPECT_EQ(d, (json{{"distress_change", -3}}));
  EXPECT_EQ(Derive("break", {{"situation", "s"}, {"distress_before", 2}, {"distress_after", 5}}),
            (json{{"distress_change", 3}}));
  auto missing = registry_->Validate(Type("break"), json{{"distress_before", 7}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Message(missing.status()), "field \"situation\": is required");
}

TEST_F(BuiltinTypesTest, SelfTalkDerivesBeliefShift) {
  EXPECT_EQ(Derive("self-talk", {{"critical_thought", "I always fail"},
                                 {"belief_before", 80},
                                 {"reframe", "I failed once, and I learn"},
                                 {"belief_after", 30}}),
            (json{{"belief_shift", -50}}));
}

json Scs(std::vector<int> q) {
  json fields;
  for (int i = 0; i < 12; ++i) fields["q" + std::to_string(i + 1)] = q[i];
  return fields;
}

TEST_F(BuiltinTypesTest, ScsSfScoringHandComputed) {
  // Mixed answers: reversed items 1,4,8,9,11,12 -> 4,5,3,4,5,4 (25), others
  // 4,3,5,4,2,4 (22): total 47/12.
  json d = Derive("scs-sf", Scs({2, 4, 3, 1, 5, 4, 2, 3, 2, 4, 1, 2}));
  EXPECT_DOUBLE_EQ(d["self_kindness"], 4.0);
  EXPECT_DOUBLE_EQ(d["self_judgment"], 1.5);
  EXPECT_DOUBLE_EQ(d["common_humanity"], 4.5);
  EXPECT_DOUBLE_EQ(d["isolation"], 2.0);
  EXPECT_DOUBLE_EQ(d["mindfulness"], 2.5);
  EXPECT_DOUBLE_EQ(d["over_identification"], 2.0);
  EXPECT_NEAR(d["total"].get<double>(), 47.0 / 12, 1e-12);
  EXPECT_EQ(d["band"], "high");
  EXPECT_EQ(d.size(), 8u);

  // All 3s: every subscale 3, total 3.
  d = Derive("scs-sf", Scs({3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}));
  EXPECT_DOUBLE_EQ(d["total"], 3.0);
  EXPECT_EQ(d["band"], "moderate");

  // Harshest answers: raw negative subscales 5, positive 1, total 1.
  d = Derive("scs-sf", Scs({5, 1, 1, 5, 1, 1, 1, 5, 5, 1, 5, 5}));
  EXPECT_DOUBLE_EQ(d["self_judgment"], 5.0);
  EXPECT_DOUBLE_EQ(d["self_kindness"], 1.0);
  EXPECT_DOUBLE_EQ(d["total"], 1.0);
  EXPECT_EQ(d["band"], "low");
}

TEST_F(BuiltinTypesTest, ScsSfBandBoundaries) {
  // Reversed items at 5 count 1 each (6); the six others sum to 24 -> 2.5.
  EXPECT_EQ(Derive("scs-sf", Scs({5, 4, 4, 5, 4, 4, 4, 5, 5, 4, 5, 5}))["band"], "moderate");
  EXPECT_EQ(Derive("scs-sf", Scs({5, 3, 4, 5, 4, 4, 4, 5, 5, 4, 5, 5}))["band"], "low");  // 29/12
  // Reversed at 1 count 5 each (30); others sum 12 -> 3.5.
  EXPECT_EQ(Derive("scs-sf", Scs({1, 2, 2, 1, 2, 2, 2, 1, 1, 2, 1, 1}))["band"], "moderate");
  EXPECT_EQ(Derive("scs-sf", Scs({1, 3, 2, 1, 2, 2, 2, 1, 1, 2, 1, 1}))["band"], "high");  // 43/12
}

Entry MakeEntry(int64_t at, json fields, json derived = json::object()) {
  Entry e;
  e.at_us = at;
  e.fields = std::move(fields);
  e.derived = std::move(derived);
  return e;
}

TEST_F(BuiltinTypesTest, Summaries) {
  std::vector<Entry> breaks = {
      MakeEntry(1, {{"situation", "a"}, {"distress_before", 8}, {"distress_after", 5}}),
      MakeEntry(2, {{"situation", "b"}, {"distress_before", 6}, {"distress_after", 5}}),
      MakeEntry(3, {{"situation", "c"}, {"distress_before", 4}, {"distress_after", 2}})};
  std::vector<const Entry*> ptrs = {&breaks[0], &breaks[1], &breaks[2]};
  auto lines = registry_->Summarize(Type("break"), ptrs);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines, ElementsAre("Self-compassion breaks eased distress by 2.0 points on average "
                                  "over 3 breaks"));
  EXPECT_TRUE(registry_->Summarize(Type("break"), {})->empty());

  std::vector<Entry> scs = {MakeEntry(20, Scs({2, 4, 3, 1, 5, 4, 2, 3, 2, 4, 1, 2})),
                            MakeEntry(10, Scs({3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}))};
  lines = registry_->Summarize(Type("scs-sf"), {&scs[0], &scs[1]});
  ASSERT_TRUE(lines.ok()) << lines.status();
  // Oldest first, whatever order the caller used.
  EXPECT_THAT(*lines, ElementsAre("Self-compassion total: 3.92 (high) in the latest of 2 "
                                  "questionnaires; the first was 3.00"));

  std::vector<Entry> talk = {MakeEntry(1, {{"belief_before", 90}, {"belief_after", 40}})};
  lines = registry_->Summarize(Type("self-talk"), {&talk[0]});
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines, ElementsAre("Belief in the critic's words fell by 50.0 points on average "
                                  "over 1 reframe"));
}

TEST_F(BuiltinTypesTest, ManifestTypesDeriveNothing) {
  EXPECT_EQ(Derive("checkin", {{"mood", 6}}), json::object());
}

}  // namespace
}  // namespace haven
