#include "tests/e2e/builtin_spec.h"

#include <utility>

namespace haven::e2e {
namespace {

SpecField Scale(std::string name, int min, int max, bool required = false) {
  return {std::move(name), "scale", required, min, max, {}};
}
SpecField Plain(std::string name, std::string type, bool required = false) {
  return {std::move(name), std::move(type), required, std::nullopt, std::nullopt, {}};
}
SpecField Enum(std::string name, std::vector<std::string> choices) {
  return {std::move(name), "enum", false, std::nullopt, std::nullopt, std::move(choices)};
}

// Required whole-number items q1..qN from `min` to `max`: a questionnaire.
std::vector<SpecField> Items(int n, int min, int max) {
  std::vector<SpecField> q;
  for (int i = 1; i <= n; ++i) q.push_back(Scale("q" + std::to_string(i), min, max, true));
  return q;
}

}  // namespace

// docs/plugins.md, "Built-in types" (field names are part of the contract).
const std::map<std::string, std::vector<SpecField>>& SpecTypes() {
  static const auto* types = new std::map<std::string, std::vector<SpecField>>{
      {"mindfulness",
       {{"minutes", "number", true, 0, 1440, {}},
        Enum("practice",
             {"breathing", "body-scan", "loving-kindness", "movement", "open-awareness", "other"}),
        Plain("noticed", "text"),
        Scale("judgment_before", 0, 10),
        Scale("judgment_after", 0, 10)}},
      {"break",
       {Plain("situation", "text", true), Plain("felt_in_body", "string"),
        Plain("mindfulness", "string"), Plain("common_humanity", "string"),
        Plain("kindness", "string"), Enum("touch", {"none", "hand-on-heart", "hug", "other"}),
        Scale("distress_before", 0, 10, true), Scale("distress_after", 0, 10, true)}},
      {"letter",
       {Plain("issue", "string", true), Plain("emotions", "string"), Plain("letter", "text", true),
        Enum("perspective", {"friend", "future-self", "compassionate-other"}),
        Plain("reflection", "text")}},
      {"friend",
       {Plain("friend_response", "text"), Plain("self_response", "text"),
        Plain("why_different", "text"), Plain("what_might_change", "text")}},
      {"self-talk",
       {Plain("situation", "string"), Plain("critical_thought", "text", true),
        Scale("belief_before", 0, 100, true), Plain("reframe", "text", true),
        Scale("belief_after", 0, 100, true)}},
      {"reflection",
       {Plain("relationship", "string", true), Plain("pattern", "text", true),
        Enum("felt", {"secure", "anxious", "avoidant", "mixed", "unsure"}), Plain("need", "text"),
        Plain("next_step", "text")}},
      {"support",
       {Plain("reached_out_to", "string", true),
        Enum("channel", {"in-person", "call", "message", "professional", "group", "other"}),
        Scale("helpfulness", 1, 5), Plain("note", "text")}},
      {"checkin",
       {Scale("mood", 0, 10, true), Scale("resilience", 0, 10), Scale("connection", 0, 10),
        Scale("satisfaction", 0, 10), Plain("note", "text")}},
      {"scs-sf", Items(12, 1, 5)},
      {"ecr-rs",
       [] {
         std::vector<SpecField> q = {{"relationship",
                                      "enum",
                                      true,
                                      std::nullopt,
                                      std::nullopt,
                                      {"mother", "father", "partner", "friend"}}};
         for (SpecField& item : Items(9, 1, 7)) q.push_back(std::move(item));
         return q;
       }()},
      {"who-5", Items(5, 0, 5)},
      {"swls", Items(5, 1, 7)},
      {"brs", Items(6, 1, 5)},
  };
  return *types;
}

}  // namespace haven::e2e
