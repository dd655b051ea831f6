// Built-in `ecr-rs`: the Experiences in Close Relationships - Relationship
// Structures questionnaire (Fraley, Heffernan, Vicary & Brumbaugh, 2011), for
// one relationship per taking. People answer from the published
// questionnaire; the item wording is not shipped. Derives `avoidance` (mean of
// items 1-6 after reversing 1-4) and `anxiety` (mean of items 7-9). Attachment
// is dimensional: no label is ever given, only the two scores.
#include <array>
#include <optional>
#include <string>

#include "builtin_items.h"
#include "builtin_plugin.h"
#include "builtin_text.h"
#include "haven/plugin_cpp.h"

namespace {

using haven_builtin::AgainstFirst;
using haven_builtin::Takings;
using haven_builtin::TwoDecimals;

constexpr char kManifest[] = R"json({
  "haven_plugin": 1,
  "types": [{
    "id": "ecr-rs",
    "version": 1,
    "title": "Close relationships (ECR-RS)",
    "description": "Nine answers from 1 (strongly disagree) to 7 (strongly agree) about one close relationship, taken from the published Experiences in Close Relationships - Relationship Structures questionnaire by Fraley, Heffernan, Vicary and Brumbaugh (2011). It gives two scores from 1 to 7: avoidance (how uneasy it feels to be close to this person and lean on them) and anxiety (how much you worry that they do not care for you as much as you care for them). Lower on both is more secure. Each is a point on a continuum, not a type, and each relationship keeps its own line over time.",
    "citation": "Fraley, R. C., Heffernan, M. E., Vicary, A. M., & Brumbaugh, C. C. (2011). The Experiences in Close Relationships–Relationship Structures questionnaire: A method for assessing attachment orientations across relationships. Psychological Assessment, 23(3), 615–625.",
    "fields": [
      {"name": "relationship", "type": "enum", "required": true,
       "choices": ["mother", "father", "partner", "friend"],
       "prompt": "Which relationship are you answering about?",
       "help": "One relationship at a time: your mother (or someone like a mother to you), your father (or someone like a father), a partner, or a close friend. Each keeps its own line."},
      {"name": "q1", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 1 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 1 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q2", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 2 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 2 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q3", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 3 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 3 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q4", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 4 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 4 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q5", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 5 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 5 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q6", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 6 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 6 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q7", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 7 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 7 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q8", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 8 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 8 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."},
      {"name": "q9", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "Item 9 (1 = strongly disagree ... 7 = strongly agree)",
       "help": "Answer item 9 of the published questionnaire thinking of the relationship you chose: your mother, father, partner or friend."}
    ]
  }]
})json";

// In the manifest's order, which is also the order of the summary lines.
constexpr std::array<const char*, 4> kRelationships = {"mother", "father", "partner", "friend"};
constexpr std::array<const char*, 4> kRelationshipTitles = {"Mother", "Father", "Partner",
                                                            "Friend"};

struct Scores {
  double avoidance = 0;
  double anxiety = 0;
};

std::optional<Scores> Score(const haven_call* call, size_t entry) {
  auto q = haven_builtin::Items<9>(call, entry);
  if (!q) return std::nullopt;
  int avoidance = 0;
  for (int i = 1; i <= 6; ++i) avoidance += i <= 4 ? 8 - (*q)[i] : (*q)[i];
  int anxiety = (*q)[7] + (*q)[8] + (*q)[9];
  return Scores{avoidance / 6.0, anxiety / 3.0};
}

int Derive(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::optional<Scores> s = Score(call, 0);
    if (!s) return haven_sdk::Error(call, "ecr-rs needs all nine answers, q1 to q9");
    haven_sdk::SetNumber(call, "avoidance", s->avoidance);
    haven_sdk::SetNumber(call, "anxiety", s->anxiety);
    return HAVEN_OK;
  });
}

std::string Line(const char* title, const Takings<Scores>& s) {
  return std::string(title) + ": avoidance " + TwoDecimals(s.latest->avoidance) + ", anxiety " +
         TwoDecimals(s.latest->anxiety) +
         AgainstFirst(s.n,
                      TwoDecimals(s.first->avoidance) + " and " + TwoDecimals(s.first->anxiety));
}

// Each relationship is its own series: scores for a mother and for a partner
// are never mixed.
int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::array<Takings<Scores>, kRelationships.size()> series;
    for (size_t i = 0; i < call->entry_count; ++i) {
      std::optional<std::string> relationship = haven_sdk::String(call, i, "relationship");
      std::optional<Scores> s = Score(call, i);
      if (!relationship || !s) continue;
      for (size_t r = 0; r < kRelationships.size(); ++r) {
        if (*relationship == kRelationships[r]) series[r].Add(*s);
      }
    }
    for (size_t r = 0; r < kRelationships.size(); ++r) {
      if (series[r].n > 0) haven_sdk::AddLine(call, Line(kRelationshipTitles[r], series[r]));
    }
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
