// Built-in `brs`: the Brief Resilience Scale (Smith, Dalen, Wiggins, Tooley,
// Christopher & Bernard, 2008). People answer from the published
// questionnaire; the item wording is not shipped. Derives the score (mean of
// the six after reversing items 2, 4 and 6) and its band.
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
using haven_builtin::TwoDecimals;

constexpr char kManifest[] = R"json({
  "haven_plugin": 1,
  "types": [{
    "id": "brs",
    "version": 1,
    "title": "Brief Resilience Scale",
    "description": "Six answers from 1 (strongly disagree) to 5 (strongly agree) about bouncing back after hard times, taken from the published Brief Resilience Scale by Smith, Dalen, Wiggins, Tooley, Christopher and Bernard (2008). The score runs from 1 to 5; from 3.00 to 4.30 is the usual range.",
    "citation": "Smith, B. W., Dalen, J., Wiggins, K., Tooley, E., Christopher, P., & Bernard, J. (2008). The Brief Resilience Scale: Assessing the ability to bounce back. International Journal of Behavioral Medicine, 15(3), 194–200.",
    "fields": [
      {"name": "q1", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 1 (1 = strongly disagree ... 5 = strongly agree)",
       "help": "Answer item 1 of the published questionnaire as you see yourself in hard times."},
      {"name": "q2", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 2 (1 = strongly disagree ... 5 = strongly agree)",
       "help": "Answer item 2 of the published questionnaire as you see yourself in hard times."},
      {"name": "q3", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 3 (1 = strongly disagree ... 5 = strongly agree)",
       "help": "Answer item 3 of the published questionnaire as you see yourself in hard times."},
      {"name": "q4", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 4 (1 = strongly disagree ... 5 = strongly agree)",
       "help": "Answer item 4 of the published questionnaire as you see yourself in hard times."},
      {"name": "q5", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 5 (1 = strongly disagree ... 5 = strongly agree)",
       "help": "Answer item 5 of the published questionnaire as you see yourself in hard times."},
      {"name": "q6", "type": "scale", "min": 1, "max": 5, "required": true,
       "prompt": "Item 6 (1 = strongly disagree ... 5 = strongly agree)",
       "help": "Answer item 6 of the published questionnaire as you see yourself in hard times."}
    ]
  }]
})json";

// The sum of the six answers after reversing items 2, 4 and 6 (6 - x), 6-30.
std::optional<int> Sum(const haven_call* call, size_t entry) {
  auto q = haven_builtin::Items<6>(call, entry);
  if (!q) return std::nullopt;
  int sum = 0;
  for (int i = 1; i <= 6; ++i) sum += i % 2 == 0 ? 6 - (*q)[i] : (*q)[i];
  return sum;
}

// Decided on the whole-number sum, so that no rounding of the mean can move a
// boundary: score >= 3.00 is sum >= 18, score > 4.30 is sum >= 26.
const char* Band(int sum) {
  if (sum < 18) return "low";
  if (sum >= 26) return "high";
  return "normal";
}

int Derive(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    std::optional<int> sum = Sum(call, 0);
    if (!sum) return haven_sdk::Error(call, "brs needs all six answers, q1 to q6");
    haven_sdk::SetNumber(call, "score", *sum / 6.0);
    haven_sdk::SetString(call, "band", Band(*sum));
    return HAVEN_OK;
  });
}

int Summarize(const haven_call* call) {
  return haven_sdk::Guard(call, [&] {
    const Takings<int> sums = Collect<int>(call, Sum);
    if (sums.n == 0) return HAVEN_OK;
    haven_sdk::AddLine(call, "Resilience (BRS): " + TwoDecimals(*sums.latest / 6.0) + " (" +
                                 Band(*sums.latest) + ")" +
                                 AgainstFirst(sums.n, TwoDecimals(*sums.first / 6.0)));
    return HAVEN_OK;
  });
}

}  // namespace

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  return haven_builtin::DeclareTypes(host, reg, kManifest, &Derive, &Summarize);
}
