// User manifests in $HAVEN_HOME/plugins: every field kind and rule, picked up
// by `haven types reload` and by a daemon restart; broken manifests beside
// good ones are reported and skipped while the daemon runs on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/e2e/plugin_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A type using every field kind of docs/plugins.md, "The format", with every check.
nlohmann::json KitchenSinkManifest() {
  return nlohmann::json::parse(R"json({
    "haven_plugin": 1,
    "author": "a test (unknown top-level keys are ignored)",
    "types": [{
      "id": "kitchen-sink",
      "version": 2,
      "title": "Every field kind",
      "description": "One of each field kind, with every rule.",
      "fields": [
        {"name": "count", "type": "integer", "required": true, "min": 1, "max": 10,
         "prompt": "How many?", "help": "Whole numbers from 1 to 10."},
        {"name": "ratio", "type": "number", "min": 0, "max": 1.5},
        {"name": "calm", "type": "scale", "min": 1, "max": 7, "default": 4},
        {"name": "done", "type": "boolean", "default": false},
        {"name": "label", "type": "string", "max_length": 8},
        {"name": "body", "type": "text", "max_length": 40},
        {"name": "place", "type": "enum", "choices": ["home", "work", "outside"],
         "default": "home"},
        {"name": "when", "type": "datetime"}
      ]
    }]
  })json");
}

nlohmann::json SimpleManifest(const std::string& id, const std::string& field = "note") {
  return {{"haven_plugin", 1},
          {"types",
           {{{"id", id},
             {"version", 1},
             {"title", "Type " + id},
             {"fields", {{{"name", field}, {"type", "string"}, {"required", true}}}}}}}};
}

class PluginsE2eManifest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(home_.Init().is_object()); }

  // `haven log kitchen-sink` with `flags`, expected to be refused with exit
  // 2, one stderr line naming `field`, and nothing written.
  void ExpectRefused(const std::vector<std::string>& flags, const std::string& field) {
    SCOPED_TRACE(::testing::PrintToString(flags));
    std::vector<std::string> args{"log", "kitchen-sink"};
    for (const auto& f : flags) args.insert(args.end(), {"-f", f});
    int64_t records = home_.Records();
    RunResult r = home_.Run(args);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_THAT(r.err, HasSubstr("\"" + field + "\"")) << r;
    EXPECT_EQ(r.ErrLines(), 1) << r;
    EXPECT_TRUE(r.out.empty()) << r;
    EXPECT_EQ(home_.Records(), records) << "a refused log wrote a record: " << r;
  }

  TestHome home_;
};

// `types show kitchen-sink`: its title, description and every field kind
// in order, with prompts, help and rules.
void ExpectKitchenSinkShown(const TestHome& home) {
  nlohmann::json shown = home.Json({"types", "show", "kitchen-sink"});
  ASSERT_TRUE(shown.is_object());
  EXPECT_EQ(shown.value("title", ""), "Every field kind");
  EXPECT_EQ(shown.value("description", ""), "One of each field kind, with every rule.");
  ASSERT_EQ(shown["fields"].size(), 8u) << shown.dump();
  std::vector<std::string> kinds;
  for (const auto& f : shown["fields"]) kinds.push_back(f.value("type", ""));
  EXPECT_EQ(kinds, (std::vector<std::string>{"integer", "number", "scale", "boolean", "string",
                                             "text", "enum", "datetime"}));
  EXPECT_EQ(shown["fields"][0].value("prompt", ""), "How many?");
  EXPECT_EQ(shown["fields"][0].value("help", ""), "Whole numbers from 1 to 10.");
  EXPECT_EQ(shown["fields"][4].value("max_length", 0), 8) << shown.dump();
}

// Two good manifests in `dir` and, between them, five broken ones (not
// JSON, a scale without max, an unknown key, a built-in's id, format 2) and
// two files that are not manifests at all.
void WriteBrokenAndGoodManifests(const std::string& dir) {
  WriteManifest(dir, "a-good.json", SimpleManifest("good-one"));
  WriteManifestText(dir, "b-not-json.json", "{\"haven_plugin\": 1, \"types\": [");
  nlohmann::json no_max = SimpleManifest("no-max");
  no_max["types"][0]["fields"] = {{{"name", "calm"}, {"type", "scale"}, {"min", 0}}};
  WriteManifest(dir, "c-scale-without-max.json", no_max);
  nlohmann::json typo = SimpleManifest("typo");
  typo["types"][0]["fields"][0]["max_lenght"] = 5;
  WriteManifest(dir, "d-typo.json", typo);
  WriteManifest(dir, "e-takes-checkin.json", SimpleManifest("checkin"));
  nlohmann::json wrong_version = SimpleManifest("future");
  wrong_version["haven_plugin"] = 2;
  WriteManifest(dir, "f-format-2.json", wrong_version);
  WriteManifest(dir, "g-good.json", SimpleManifest("good-two"));
  WriteManifestText(dir, ".hidden.json", "not even json");  // ignored
  WriteManifestText(dir, "notes.txt", "not a plugin");      // ignored
}

TEST_F(PluginsE2eManifest, ReloadPicksUpAUserManifestWithEveryFieldKind) {
  EXPECT_TRUE(FindById(TypesJson(home_), "kitchen-sink").is_null());
  WriteManifest(HomePluginDir(home_), "kitchen-sink.json", KitchenSinkManifest());

  RunResult reload = home_.Run({"types", "reload"});
  ASSERT_EQ(reload.exit_code, 0) << reload;
  nlohmann::json t = FindById(TypesJson(home_), "kitchen-sink");
  ASSERT_TRUE(t.is_object()) << "reload did not pick up the manifest";
  EXPECT_EQ(t.value("source", ""), HomePluginDir(home_) + "/kitchen-sink.json") << t.dump();
  EXPECT_EQ(t.value("version", 0), 2);

  ASSERT_NO_FATAL_FAILURE(ExpectKitchenSinkShown(home_));

  // A full, valid entry; values normalised to their kinds.
  std::string id = home_.Log({"kitchen-sink", "-f", "count=3", "-f", "ratio=0.75", "-f", "calm=6",
                              "-f", "done=yes", "-f", "label=abcdefgh", "-f", "body=two\nlines",
                              "-f", "place=WORK", "-f", "when=2026-11-20T08:30:00+01:00"});
  ASSERT_FALSE(id.empty());
  nlohmann::json e = ShowEntry(home_, id);
  EXPECT_EQ(e["type"], "kitchen-sink");
  EXPECT_EQ(e["type_version"], 2) << e.dump();
  const auto& f = e["fields"];
  EXPECT_TRUE(f["count"].is_number_integer() && f["count"] == 3) << e.dump();
  EXPECT_DOUBLE_EQ(f["ratio"].get<double>(), 0.75);
  EXPECT_EQ(f["calm"], 6);
  EXPECT_EQ(f["done"], true) << e.dump();
  EXPECT_EQ(f["label"], "abcdefgh");
  EXPECT_EQ(f["body"], "two\nlines");
  EXPECT_EQ(f["place"], "work") << e.dump();
  ASSERT_TRUE(f["when"].is_string()) << e.dump();
  EXPECT_EQ(ParseRfc3339(f["when"].get<std::string>()), ParseRfc3339("2026-11-20T07:30:00Z"))
      << e.dump();

  // Defaults fill what is left out.
  id = home_.Log({"kitchen-sink", "-f", "count=1"});
  ASSERT_FALSE(id.empty());
  e = ShowEntry(home_, id);
  EXPECT_EQ(e["fields"]["calm"], 4) << e.dump();
  EXPECT_EQ(e["fields"]["done"], false) << e.dump();
  EXPECT_EQ(e["fields"]["place"], "home") << e.dump();
  EXPECT_FALSE(e["fields"].contains("when")) << e.dump();

  // Bounds are inclusive; numbers accept exponents.
  EXPECT_FALSE(home_
                   .Log({"kitchen-sink", "-f", "count=10", "-f", "ratio=1.5e0", "-f", "calm=7",
                         "-f", "done=off", "-f", "body=" + std::string(40, 'b')})
                   .empty());
  // --json is checked by the same rules.
  RunResult json = home_.Run({"log", "kitchen-sink", "--json", R"({"count": 2, "done": true})"});
  EXPECT_EQ(json.exit_code, 0) << json;
}

TEST_F(PluginsE2eManifest, EveryRuleOfEveryFieldKindIsEnforced) {
  WriteManifest(HomePluginDir(home_), "kitchen-sink.json", KitchenSinkManifest());
  ASSERT_EQ(home_.Run({"types", "reload"}).exit_code, 0);
  ASSERT_TRUE(FindById(TypesJson(home_), "kitchen-sink").is_object());

  ExpectRefused({}, "count");               // required
  ExpectRefused({"count=0"}, "count");      // below min
  ExpectRefused({"count=11"}, "count");     // above max
  ExpectRefused({"count=2.5"}, "count");    // not whole
  ExpectRefused({"count=three"}, "count");  // not a number
  ExpectRefused({"count=2", "ratio=1.6"}, "ratio");
  ExpectRefused({"count=2", "ratio=-0.1"}, "ratio");
  ExpectRefused({"count=2", "ratio=abc"}, "ratio");
  ExpectRefused({"count=2", "ratio=inf"}, "ratio");
  ExpectRefused({"count=2", "ratio=nan"}, "ratio");
  ExpectRefused({"count=2", "calm=0"}, "calm");
  ExpectRefused({"count=2", "calm=8"}, "calm");
  ExpectRefused({"count=2", "calm=3.5"}, "calm");
  ExpectRefused({"count=2", "done=maybe"}, "done");
  ExpectRefused({"count=2", "label=abcdefghi"}, "label");  // 9 bytes > max_length 8
  ExpectRefused({"count=2", "label=\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"},
                "label");                                 // 10 bytes
  ExpectRefused({"count=2", "label=one\ntwo"}, "label");  // a string is one line
  ExpectRefused({"count=2", "body=" + std::string(41, 'b')}, "body");
  ExpectRefused({"count=2", "place=space"}, "place");
  ExpectRefused({"count=2", "when=not a time"}, "when");
  ExpectRefused({"count=2", "bogus=1"}, "bogus");  // unknown field

  // Free text is not echoed back in errors.
  RunResult r =
      home_.Run({"log", "kitchen-sink", "-f", "count=2", "-f", "label=secret-diary-words"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, Not(HasSubstr("secret-diary-words"))) << r;

  // --json values of the wrong JSON kind are refused too.
  int64_t records = home_.Records();
  r = home_.Run({"log", "kitchen-sink", "--json", R"({"count": "2", "done": "perhaps"})"});
  EXPECT_EQ(r.exit_code, 2) << r;
  r = home_.Run({"log", "kitchen-sink", "--json", R"({"count": 2, "label": 12345})"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_THAT(r.err, HasSubstr("label")) << r;
  EXPECT_EQ(home_.Records(), records);
  EXPECT_EQ(EntryCount(home_), 0u);
}

TEST_F(PluginsE2eManifest, DaemonRestartPicksUpAManifest) {
  ASSERT_TRUE(FindById(TypesJson(home_), "gratitude").is_null());
  WriteManifest(HomePluginDir(home_), "gratitude.json", SimpleManifest("gratitude", "first"));
  home_.StopDaemon();
  ASSERT_FALSE(home_.DaemonRunning());
  // The next command starts a fresh daemon, which scans the home's plugins.
  nlohmann::json t = FindById(TypesJson(home_), "gratitude");
  ASSERT_TRUE(t.is_object()) << "a restarted daemon did not load the manifest";
  EXPECT_EQ(t.value("source", ""), HomePluginDir(home_) + "/gratitude.json");
  std::string id = home_.Log({"gratitude", "-f", "first=lunch with Ana"});
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(ShowEntry(home_, id)["fields"]["first"], "lunch with Ana");

  // Removing it and reloading forgets the type for new entries (it stays
  // defined through the vault copy, or is unknown), but the entry survives.
  std::filesystem::remove(HomePluginDir(home_) + "/gratitude.json");
  ASSERT_EQ(home_.Run({"types", "reload"}).exit_code, 0);
  nlohmann::json e = ShowEntry(home_, id);
  EXPECT_EQ(e["fields"]["first"], "lunch with Ana") << e.dump();
}

TEST_F(PluginsE2eManifest, BrokenManifestsAreReportedAndSkippedWhileGoodOnesLoad) {
  const std::string dir = HomePluginDir(home_);
  WriteBrokenAndGoodManifests(dir);

  RunResult reload = home_.Run({"--format", "table", "types", "reload"});
  ASSERT_EQ(reload.exit_code, 0) << reload;
  ASSERT_TRUE(home_.DaemonRunning()) << "the daemon stopped over a broken manifest";

  RunResult table = home_.Run({"--format", "table", "types"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr("good-one")) << table;
  EXPECT_THAT(table.out, HasSubstr("good-two")) << table;
  for (const char* file : {"b-not-json.json", "c-scale-without-max.json", "d-typo.json",
                           "e-takes-checkin.json", "f-format-2.json"}) {
    // "skipped: <file>: <reason>" with a non-empty reason.
    std::string prefix = std::string("skipped: ") + dir + "/" + file + ": ";
    size_t at = table.out.find(prefix);
    ASSERT_NE(at, std::string::npos) << "no problem line for " << file << table;
    size_t eol = table.out.find('\n', at);
    EXPECT_GT(eol, at + prefix.size()) << "empty reason for " << file << table;
  }
  EXPECT_THAT(table.out, HasSubstr("max_lenght"))
      << "the reason should name the unknown key" << table;
  EXPECT_THAT(table.out, HasSubstr("\"max\"")) << table;
  EXPECT_THAT(table.out, Not(HasSubstr(".hidden.json"))) << table;
  EXPECT_THAT(table.out, Not(HasSubstr("notes.txt"))) << table;

  nlohmann::json types = TypesJson(home_);
  for (const char* id : {"no-max", "typo", "future"}) {
    EXPECT_TRUE(FindById(types, id).is_null()) << id << " should have been skipped";
  }
  // checkin is still the built-in one.
  EXPECT_TRUE(FindById(types, "checkin").value("source", "").ends_with("checkin.json"));
  EXPECT_THAT(FindById(types, "checkin").value("source", ""), Not(HasSubstr(dir)));
  EXPECT_EQ(types.size(), BuiltinTypeIds().size() + 2) << types.dump();

  // In JSON the problems go to stderr, stdout stays parseable.
  RunResult json = home_.Run({"--format", "json", "types"});
  ASSERT_EQ(json.exit_code, 0) << json;
  EXPECT_TRUE(json.JsonOut().is_array()) << json;
  EXPECT_THAT(json.err, HasSubstr("d-typo.json")) << json;

  // Everything else keeps working.
  EXPECT_FALSE(home_.Log({"good-two", "-f", "note=fine"}).empty());
  EXPECT_FALSE(home_.Log({"checkin", "-f", "mood=5"}).empty());
  RunResult skipped = home_.Run({"log", "typo", "-f", "note=x"});
  EXPECT_EQ(skipped.exit_code, 2) << skipped;

  // The daemon also starts with them in place.
  home_.StopDaemon();
  RunResult again = home_.Run({"--format", "table", "types"});
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_THAT(again.out, HasSubstr("skipped: " + dir + "/d-typo.json: ")) << again;
  EXPECT_THAT(again.out, HasSubstr("good-one")) << again;
  EXPECT_TRUE(home_.DaemonRunning());
}

}  // namespace
}  // namespace haven::e2e
