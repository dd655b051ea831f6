// The thirteen built-in exercise types of docs/plugins.md, "Built-in types", through the real
// CLI: `haven types`, `haven types show`, logging each type with exactly its
// documented fields, and the derived values of break, self-talk and scs-sf
// (the questionnaires added later are in plugins_measures_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/builtin_spec.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PluginsE2eBuiltinTypes : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(home_.Init().is_object()); }

  // Logs `type` with `-f` flags; asserts success and returns the shown entry.
  nlohmann::json LogAndShow(const std::string& type, const std::vector<std::string>& fields) {
    std::vector<std::string> args{type};
    for (const auto& f : fields) {
      args.push_back("-f");
      args.push_back(f);
    }
    std::string id = home_.Log(args);
    if (id.empty()) return nullptr;
    return ShowEntry(home_, id);
  }

  // `haven log` expected to fail with exit 2 naming `field`, writing nothing.
  void ExpectRefused(const std::vector<std::string>& args, const std::string& field) {
    size_t before = EntryCount(home_);
    std::vector<std::string> full{"log"};
    full.insert(full.end(), args.begin(), args.end());
    RunResult r = home_.Run(full);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("\"" + field + "\"")) << r;
    EXPECT_EQ(EntryCount(home_), before) << "a refused log wrote an entry: " << r;
  }

  TestHome home_;
};

TEST_F(PluginsE2eBuiltinTypes, TypesListsAllThirteenBuiltinsWithSources) {
  ASSERT_EQ(BuiltinTypeIds().size(), 13u);
  nlohmann::json types = TypesJson(home_);
  for (const auto& id : BuiltinTypeIds()) {
    nlohmann::json t = FindById(types, id);
    ASSERT_TRUE(t.is_object()) << "type " << id << " missing from " << types.dump();
    std::string source = t.value("source", "");
    EXPECT_FALSE(source.empty()) << id;
    // Manifest built-ins come from a *.json, native ones from a *.so.
    EXPECT_TRUE(source.ends_with(".json") || source.ends_with(".so")) << id << ": " << source;
    EXPECT_TRUE(source.starts_with("/")) << id << ": source is not a path: " << source;
  }
  // The types that derive values are native.
  for (const char* id : {"break", "self-talk", "scs-sf", "ecr-rs", "who-5", "swls", "brs"}) {
    EXPECT_TRUE(FindById(types, id).value("source", "").ends_with(".so")) << id;
  }

  RunResult table = home_.Run({"--format", "table", "types"});
  ASSERT_EQ(table.exit_code, 0) << table;
  for (const auto& id : BuiltinTypeIds()) EXPECT_THAT(table.out, HasSubstr(id)) << table;
  // (The table may shorten long source paths; the JSON above has them whole.)
  EXPECT_THAT(table.out, Not(HasSubstr("skipped:"))) << table;
}

TEST_F(PluginsE2eBuiltinTypes, TypesShowBreakHasTheManifestShapeAndSource) {
  nlohmann::json t = home_.Json({"types", "show", "break"});
  ASSERT_TRUE(t.is_object()) << t.dump();
  EXPECT_EQ(t.value("id", ""), "break");
  ASSERT_TRUE(t.contains("version") && t["version"].is_number_integer()) << t.dump();
  EXPECT_GE(t["version"].get<int>(), 1);
  EXPECT_FALSE(t.value("title", "").empty()) << t.dump();
  ASSERT_TRUE(t.contains("source") && t["source"].is_string()) << t.dump();
  EXPECT_TRUE(t["source"].get<std::string>().ends_with(".so")) << t.dump();
  ASSERT_TRUE(t.contains("fields") && t["fields"].is_array()) << t.dump();
  nlohmann::json before;
  for (const auto& f : t["fields"]) {
    ASSERT_TRUE(f.contains("name") && f.contains("type")) << f.dump();
    if (f["name"] == "distress_before") before = f;
  }
  ASSERT_TRUE(before.is_object()) << t.dump();
  EXPECT_EQ(before.value("type", ""), "scale");
  EXPECT_EQ(before.value("required", false), true);
  EXPECT_EQ(before.value("min", -1), 0);
  EXPECT_EQ(before.value("max", -1), 10);
  EXPECT_FALSE(before.value("prompt", "").empty()) << before.dump();

  // The table form names the source and every field.
  RunResult table = home_.Run({"types", "show", "break"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr(t["source"].get<std::string>())) << table;
  EXPECT_THAT(table.out, HasSubstr("distress_after")) << table;

  RunResult unknown = home_.Run({"types", "show", "no-such-type"});
  EXPECT_NE(unknown.exit_code, 0) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("no-such-type")) << unknown;
}

TEST_F(PluginsE2eBuiltinTypes, EveryBuiltinDeclaresExactlyTheSpecFields) {
  for (const auto& [id, spec] : SpecTypes()) {
    SCOPED_TRACE("type " + id);
    nlohmann::json t = home_.Json({"types", "show", id});
    ASSERT_TRUE(t.is_object() && t.contains("fields")) << t.dump();
    std::set<std::string> declared, expected;
    for (const auto& f : t["fields"]) declared.insert(f.value("name", ""));
    for (const auto& f : spec) expected.insert(f.name);
    EXPECT_EQ(declared, expected);
    for (const auto& want : spec) {
      SCOPED_TRACE("field " + want.name);
      nlohmann::json got;
      for (const auto& f : t["fields"]) {
        if (f.value("name", "") == want.name) got = f;
      }
      if (!got.is_object()) continue;
      EXPECT_EQ(got.value("type", ""), want.type) << got.dump();
      EXPECT_EQ(got.value("required", false), want.required) << got.dump();
      if (want.min) {
        ASSERT_TRUE(got.contains("min")) << got.dump();
        EXPECT_DOUBLE_EQ(got["min"].get<double>(), *want.min) << got.dump();
      }
      if (want.max) {
        ASSERT_TRUE(got.contains("max")) << got.dump();
        EXPECT_DOUBLE_EQ(got["max"].get<double>(), *want.max) << got.dump();
      }
      if (!want.choices.empty()) {
        ASSERT_TRUE(got.contains("choices")) << got.dump();
        EXPECT_EQ(got["choices"].get<std::vector<std::string>>(), want.choices) << got.dump();
      }
    }
  }
  // mindfulness.practice defaults to breathing; minutes must exceed 0.
  nlohmann::json m = home_.Json({"types", "show", "mindfulness"});
  for (const auto& f : m["fields"]) {
    if (f["name"] == "practice") EXPECT_EQ(f.value("default", ""), "breathing") << f.dump();
  }
}

// Every field of every entry in `home` is one docs/plugins.md names for its
// type.
void ExpectOnlyDocumentedFields(const TestHome& home) {
  for (const auto& entry : ListEntries(home)) {
    const auto& spec = SpecTypes().at(entry["type"].get<std::string>());
    for (const auto& [name, value] : entry["fields"].items()) {
      bool known = false;
      for (const auto& f : spec) known = known || f.name == name;
      EXPECT_TRUE(known) << entry["type"] << " entry has a field " << name
                         << " not in docs/plugins.md";
    }
  }
}

TEST_F(PluginsE2eBuiltinTypes, EachBuiltinLogsWithItsSpecFields) {
  nlohmann::json e =
      LogAndShow("mindfulness", {"minutes=12.5", "practice=body-scan", "noticed=tight shoulders",
                                 "judgment_before=6", "judgment_after=3"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["type"], "mindfulness");
  EXPECT_DOUBLE_EQ(e["fields"]["minutes"].get<double>(), 12.5);
  EXPECT_EQ(e["fields"]["practice"], "body-scan");
  EXPECT_EQ(e["fields"]["noticed"], "tight shoulders");
  EXPECT_EQ(e["fields"]["judgment_before"], 6);
  EXPECT_EQ(e["fields"]["judgment_after"], 3);
  EXPECT_TRUE(e["fields"]["judgment_after"].is_number_integer()) << e.dump();
  // The default practice.
  e = LogAndShow("mindfulness", {"minutes=5"});
  EXPECT_EQ(e["fields"]["practice"], "breathing") << e.dump();

  e = LogAndShow("letter", {"issue=the meeting", "emotions=shame", "letter=Dear me,\nyou tried.",
                            "perspective=future-self", "reflection=softer"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["letter"], "Dear me,\nyou tried.");
  EXPECT_EQ(e["fields"]["perspective"], "future-self");

  e = LogAndShow("friend", {"friend_response=be gentle", "self_response=be harsh",
                            "why_different=habit", "what_might_change=notice it"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"].size(), 4u) << e.dump();
  EXPECT_EQ(e["fields"]["why_different"], "habit");

  e = LogAndShow("reflection", {"relationship=sister", "pattern=I withdraw", "felt=avoidant",
                                "need=space", "next_step=call her"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["felt"], "avoidant");

  e = LogAndShow("support", {"reached_out_to=Ana", "channel=in-person", "helpfulness=5",
                             "note=walked together"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["helpfulness"], 5);
  EXPECT_EQ(e["fields"]["channel"], "in-person");

  e = LogAndShow("checkin",
                 {"mood=7", "resilience=6", "connection=8", "satisfaction=5", "note=ok day"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["mood"], 7);
  EXPECT_EQ(e["fields"]["satisfaction"], 5);

  e = LogAndShow("break", {"situation=snapped at a colleague", "felt_in_body=tight chest",
                           "mindfulness=this is a moment of suffering",
                           "common_humanity=everyone struggles", "kindness=may I be kind",
                           "touch=hand-on-heart", "distress_before=8", "distress_after=3"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["fields"]["touch"], "hand-on-heart");
  EXPECT_EQ(e["fields"]["common_humanity"], "everyone struggles");

  ExpectOnlyDocumentedFields(home_);
}

TEST_F(PluginsE2eBuiltinTypes, BuiltinRulesAreEnforced) {
  ExpectRefused({"checkin", "-f", "mood=11"}, "mood");
  ExpectRefused({"checkin", "-f", "mood=-1"}, "mood");
  ExpectRefused({"checkin", "-f", "mood=6.5"}, "mood");
  ExpectRefused({"checkin"}, "mood");  // required, no terminal
  ExpectRefused({"mindfulness", "-f", "minutes=0"}, "minutes");
  ExpectRefused({"mindfulness", "-f", "minutes=1441"}, "minutes");
  ExpectRefused({"mindfulness", "-f", "minutes=5", "-f", "practice=yoga"}, "practice");
  ExpectRefused({"support", "-f", "reached_out_to=Ana", "-f", "helpfulness=0"}, "helpfulness");
  ExpectRefused({"self-talk", "-f", "critical_thought=x", "-f", "belief_before=101", "-f",
                 "reframe=y", "-f", "belief_after=3"},
                "belief_before");
  ExpectRefused({"break", "-f", "situation=x", "-f", "distress_before=3"}, "distress_after");
  ExpectRefused({"letter", "-f", "issue=x", "-f", "letter=y", "-f", "perspective=enemy"},
                "perspective");
  ExpectRefused({"friend", "-f", "no_such_field=1"}, "no_such_field");
  std::vector<std::string> scs{"scs-sf"};
  for (int i = 1; i <= 11; ++i) scs.insert(scs.end(), {"-f", "q" + std::to_string(i) + "=3"});
  ExpectRefused(scs, "q12");
  scs.insert(scs.end(), {"-f", "q12=6"});
  ExpectRefused(scs, "q12");
  // mindfulness minutes at the upper bound is fine.
  EXPECT_FALSE(home_.Log({"mindfulness", "-f", "minutes=1440"}).empty());
}

TEST_F(PluginsE2eBuiltinTypes, BreakDerivesDistressChange) {
  nlohmann::json e =
      LogAndShow("break", {"situation=missed a deadline", "distress_before=8", "distress_after=3"});
  ASSERT_TRUE(e.is_object());
  ASSERT_TRUE(e.contains("derived")) << e.dump();
  EXPECT_EQ(e["derived"]["distress_change"], -5) << e.dump();
  e = LogAndShow("break", {"situation=x", "distress_before=2", "distress_after=6"});
  EXPECT_EQ(e["derived"]["distress_change"], 4) << e.dump();
  e = LogAndShow("break", {"situation=x", "distress_before=0", "distress_after=0"});
  EXPECT_EQ(e["derived"]["distress_change"], 0) << e.dump();
}

TEST_F(PluginsE2eBuiltinTypes, SelfTalkDerivesBeliefShift) {
  nlohmann::json e =
      LogAndShow("self-talk", {"situation=presentation", "critical_thought=I am useless",
                               "belief_before=80", "reframe=I prepared well", "belief_after=35"});
  ASSERT_TRUE(e.is_object());
  EXPECT_EQ(e["derived"]["belief_shift"], -45) << e.dump();
  e = LogAndShow("self-talk",
                 {"critical_thought=a", "belief_before=0", "reframe=b", "belief_after=100"});
  EXPECT_EQ(e["derived"]["belief_shift"], 100) << e.dump();
}

struct ScsCase {
  std::vector<int> answers;  // q1..q12
  double self_kindness, self_judgment, common_humanity, isolation, mindfulness, over_identification,
      total;
  std::string band;
};

TEST_F(PluginsE2eBuiltinTypes, ScsSfScoringMatchesHandComputedCases) {
  const std::vector<ScsCase> cases = {
      // Subscales: (4+4)/2, (2+3)/2, (5+4)/2, (1+2)/2, (3+3)/2, (2+1)/2.
      // Total: reversed 1,4,8,9,11,12 -> 4,5,4,5,4,3 (25) + 4,3,5,4,3,4 (23) = 48/12.
      {{2, 4, 3, 1, 5, 4, 3, 2, 1, 4, 2, 3}, 4, 2.5, 4.5, 1.5, 3, 1.5, 4.0, "high"},
      // Positive items 4, negative items 3 (reversed 3): 42/12 = 3.5, still moderate.
      {{3, 4, 4, 3, 4, 4, 4, 3, 3, 4, 3, 3}, 4, 3, 4, 3, 4, 3, 3.5, "moderate"},
      // Positive items 2, negative 3: 30/12 = 2.5, moderate (the low band is < 2.5).
      {{3, 2, 2, 3, 2, 2, 2, 3, 3, 2, 3, 3}, 2, 3, 2, 3, 2, 3, 2.5, "moderate"},
      // Positive 1, negative 5 (reversed 1): 1.0, low.
      {{5, 1, 1, 5, 1, 1, 1, 5, 5, 1, 5, 5}, 1, 5, 1, 5, 1, 5, 1.0, "low"},
      // Mixed: q1..q12 = 1,2,3,4,5,1,2,3,4,5,1,2.
      // kindness (2,1)=1.5 judgment (1,2)=1.5 humanity (5,5)=5 isolation (4,3)=3.5
      // mindfulness (3,2)=2.5 over-identification (1,4)=2.5
      // total: reversed q1 5, q4 2, q8 3, q9 2, q11 5, q12 4 = 21; q2 2 q3 3 q5 5 q6 1 q7 2
      // q10 5 = 18; 39/12 = 3.25 -> moderate.
      {{1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2}, 1.5, 1.5, 5, 3.5, 2.5, 2.5, 3.25, "moderate"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> fields;
    for (int i = 0; i < 12; ++i) {
      fields.push_back("q" + std::to_string(i + 1) + "=" + std::to_string(c.answers[i]));
    }
    SCOPED_TRACE(::testing::PrintToString(c.answers));
    nlohmann::json e = LogAndShow("scs-sf", fields);
    ASSERT_TRUE(e.is_object() && e.contains("derived")) << e.dump();
    const nlohmann::json& d = e["derived"];
    auto num = [&](const char* key) {
      if (!d.contains(key) || !d[key].is_number()) {
        ADD_FAILURE() << "derived." << key << " missing or not a number: " << d.dump();
        return -1.0;
      }
      return d[key].get<double>();
    };
    EXPECT_NEAR(num("self_kindness"), c.self_kindness, 1e-9) << d.dump();
    EXPECT_NEAR(num("self_judgment"), c.self_judgment, 1e-9) << d.dump();
    EXPECT_NEAR(num("common_humanity"), c.common_humanity, 1e-9) << d.dump();
    EXPECT_NEAR(num("isolation"), c.isolation, 1e-9) << d.dump();
    EXPECT_NEAR(num("mindfulness"), c.mindfulness, 1e-9) << d.dump();
    EXPECT_NEAR(num("over_identification"), c.over_identification, 1e-9) << d.dump();
    EXPECT_NEAR(num("total"), c.total, 1e-9) << d.dump();
    EXPECT_EQ(d.value("band", ""), c.band) << d.dump();
    // The raw answers are kept as given.
    for (int i = 0; i < 12; ++i) {
      EXPECT_EQ(e["fields"]["q" + std::to_string(i + 1)], c.answers[i]) << e.dump();
    }
  }
}

TEST_F(PluginsE2eBuiltinTypes, StatsCarryDerivedDeltas) {
  LogAndShow("break", {"situation=a", "distress_before=8", "distress_after=3"});
  LogAndShow("break", {"situation=b", "distress_before=6", "distress_after=5"});
  nlohmann::json stats = home_.Json({"stats"});
  ASSERT_TRUE(stats.is_object()) << stats.dump();
  EXPECT_EQ(stats["by_type"]["break"], 2) << stats.dump();
  ASSERT_TRUE(stats["deltas"].contains("break.distress_change")) << stats.dump();
  EXPECT_EQ(stats["deltas"]["break.distress_change"]["n"], 2) << stats.dump();
  EXPECT_NEAR(stats["deltas"]["break.distress_change"]["mean"].get<double>(), -3.0, 1e-9)
      << stats.dump();
}

}  // namespace
}  // namespace haven::e2e
