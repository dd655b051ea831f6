// Built-in `scs-sf`: the Self-Compassion Scale short form (Raes, Pommier,
// Neff & Van Gucht, 2011). People answer from the published questionnaire;
// the item wording is not shipped. Derives the six subscale means of the raw
// answers, the total (mean of all twelve after reversing items 1, 4, 8, 9, 11,
// 12) and its band.
#include <array>
#include <optional>

#include "builtin_items.h"
#include "builtin_plugin.h"
#include "builtin_text.h"
#include "haven/plugin_cpp.h"

namespace {

using haven_builtin::AgainstFirst;
using haven_builtin::Collect;
using haven_builtin::Takings;
using haven_builtin::TwoDecimals;

constexpr char kManifest[] = R"json({
  "haven_plugin": 1,
  "types": [{
    "id": "scs-sf",
    "version": 1,
    "title": "Self-Compassion Scale (short form)",
    "description": "Twelve answers from 1 (almost never) to 5 (almost always), taken from the published questionnaire by Raes, Pommier, Neff and Van Gucht (2011). The total is the most reliable score; typical totals are around 3.",
    "citation": "Raes, F., Pommier, E., Neff, K. D., & Van Gucht, D. (2011). Construction and factorial validation of a short form of the Self-Compassion Scale. Clinical Psychology & Psychotherapy, 18(3), 250–255.",
    "fields": [
      {"name": "q1", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 1 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 1 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q2", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 2 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 2 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q3", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 3 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 3 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q4", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 4 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 4 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q5", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 5 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 5 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q6", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 6 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 6 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q7", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 7 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 7 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q8", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 8 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 8 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q9", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 9 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 9 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q10", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 10 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 10 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q11", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 11 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 11 of the published questionnaire as you usually act toward yourself in difficult times."},
      {"name": "q12", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 12 (1 = almost never ... 5 = almost always)",
       "help": "Answer item 12 of the published questionnaire as you usually act toward yourself in difficult times."}
    ]
  }]
})json";

struct Subscale {
  const char* name;
  int a, b;  // 1-based item numbers
};
constexpr Subscale kSubscales[] = {
    {"self_kindness", 2, 6}, {"self_judgment", 11, 12}, {"common_humanity", 5, 10},
    {"isolation", 4, 8},     {"mindfulness", 3, 7},     {"over_identification", 1, 9},
};
constexpr bool kReversed[13] = {false, true, false, false, true, false, false,
                                false, true, true,  false, true, true};

using Answers = std::array<double, 13>;  // [1..12]

std::optional<Answers> Read(const haven_call* call, size_t entry) {
  Answers q{};
  for (int i = 1; i <= 12; ++i) {
    auto v = haven_sdk::Number(call, entry, "q" + std::to_string(i));
    if (!v) return std::nullopt;
    q[i] = *v;
  }
  return q;
}

double Total(const Answers& q) {
  double sum = 0;
  for (int i = 1; i <= 12; ++i) sum += kReversed[i] ? 6 - q[i] : q[i];
  return sum / 12;
}

const char* Band(double total) {
  if (total < 2.5) return "low";
  if (total > 3.5) return "high";
  return "moderate";
}

int Derive(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::optional<Answers> q = Read(call, 0);
    if (!q) return haven_sdk::Error(call, "scs-sf needs all twelve answers, q1 to q12");
    for (const Subscale& s : kSubscales)
      haven_sdk::SetNumber(call, s.name, ((*q)[s.a] + (*q)[s.b]) / 2);
    double total = Total(*q);
    haven_sdk::SetNumber(call, "total", total);
    haven_sdk::SetString(call, "band", Band(total));
    return HAVEN_OK;
  });
}

// The total comes first: the short form's subscales are less reliable.
int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    const Takings<double> totals =
        Collect<double>(call, [](const haven_call* c, size_t i) -> std::optional<double> {
          std::optional<Answers> q = Read(c, i);
          return q ? std::optional<double>(Total(*q)) : std::nullopt;
        });
    if (totals.n == 0) return HAVEN_OK;
    haven_sdk::AddLine(call, "Self-compassion total: " + TwoDecimals(*totals.latest) + " (" +
                                 Band(*totals.latest) + ")" +
                                 AgainstFirst(totals.n, TwoDecimals(*totals.first), "questionnaire",
                                              "questionnaires"));
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
