// Built-in `swls`: the Satisfaction With Life Scale (Diener, Emmons, Larsen &
// Griffin, 1985), shipped with its wording. Derives the total (5-35) and its
// band, from `extremely-dissatisfied` to `extremely-satisfied`.
#include <optional>
#include <string>

#include "builtin_items.h"
#include "builtin_plugin.h"
#include "builtin_text.h"
#include "haven/plugin_cpp.h"

namespace {

using haven_builtin::AgainstFirst;
using haven_builtin::Collect;
using haven_builtin::Takings;

constexpr char kManifest[] = R"json({
  "haven_plugin": 1,
  "types": [{
    "id": "swls",
    "version": 1,
    "title": "Satisfaction With Life Scale",
    "description": "Five statements about your life as a whole, each answered from 1 (strongly disagree) to 7 (strongly agree): the Satisfaction With Life Scale by Diener, Emmons, Larsen and Griffin (1985). The total runs from 5 to 35; 20 is the neutral middle.",
    "citation": "Diener, E., Emmons, R. A., Larsen, R. J., & Griffin, S. (1985). The Satisfaction With Life Scale. Journal of Personality Assessment, 49(1), 71–75.",
    "fields": [
      {"name": "q1", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "In most ways my life is close to my ideal (1 = strongly disagree ... 7 = strongly agree)",
       "help": "7 Strongly agree, 6 Agree, 5 Slightly agree, 4 Neither agree nor disagree, 3 Slightly disagree, 2 Disagree, 1 Strongly disagree."},
      {"name": "q2", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "The conditions of my life are excellent (1 = strongly disagree ... 7 = strongly agree)",
       "help": "7 Strongly agree, 6 Agree, 5 Slightly agree, 4 Neither agree nor disagree, 3 Slightly disagree, 2 Disagree, 1 Strongly disagree."},
      {"name": "q3", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "I am satisfied with my life (1 = strongly disagree ... 7 = strongly agree)",
       "help": "7 Strongly agree, 6 Agree, 5 Slightly agree, 4 Neither agree nor disagree, 3 Slightly disagree, 2 Disagree, 1 Strongly disagree."},
      {"name": "q4", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "So far I have gotten the important things I want in life (1 = strongly disagree ... 7 = strongly agree)",
       "help": "7 Strongly agree, 6 Agree, 5 Slightly agree, 4 Neither agree nor disagree, 3 Slightly disagree, 2 Disagree, 1 Strongly disagree."},
      {"name": "q5", "type": "scale", "min": 1, "max": 7, "required": true,
       "prompt": "If I could live my life over, I would change almost nothing (1 = strongly disagree ... 7 = strongly agree)",
       "help": "7 Strongly agree, 6 Agree, 5 Slightly agree, 4 Neither agree nor disagree, 3 Slightly disagree, 2 Disagree, 1 Strongly disagree."}
    ]
  }]
})json";

std::optional<int> Total(const haven_call* call, size_t entry) {
  auto q = haven_builtin::Items<5>(call, entry);
  if (!q) return std::nullopt;
  return (*q)[1] + (*q)[2] + (*q)[3] + (*q)[4] + (*q)[5];
}

// The published bands of the total.
const char* Band(int total) {
  if (total >= 31) return "extremely-satisfied";
  if (total >= 26) return "satisfied";
  if (total >= 21) return "slightly-satisfied";
  if (total == 20) return "neutral";
  if (total >= 15) return "slightly-dissatisfied";
  if (total >= 10) return "dissatisfied";
  return "extremely-dissatisfied";
}

int Derive(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::optional<int> total = Total(call, 0);
    if (!total) return haven_sdk::Error(call, "swls needs all five answers, q1 to q5");
    haven_sdk::SetInteger(call, "total", *total);
    haven_sdk::SetString(call, "band", Band(*total));
    return HAVEN_OK;
  });
}

int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    const Takings<int> totals = Collect<int>(call, Total);
    if (totals.n == 0) return HAVEN_OK;
    haven_sdk::AddLine(call, "Life satisfaction (SWLS): " + std::to_string(*totals.latest) +
                                 " of 35 (" + Band(*totals.latest) + ")" +
                                 AgainstFirst(totals.n, std::to_string(*totals.first)));
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
