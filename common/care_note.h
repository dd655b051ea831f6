// The one calm line haven shows after a WHO-5 taking whose `flag` is `low`
// (docs/measures.md, "WHO-5 Well-Being Index"): under `haven log` for that
// entry and under `haven stats` while the latest taking is low. Never more
// often, never alarming, never a diagnosis (docs/design.md, "Measures").
#ifndef HAVEN_COMMON_CARE_NOTE_H_
#define HAVEN_COMMON_CARE_NOTE_H_

#include <string_view>

namespace haven {

inline constexpr std::string_view kLowWellBeingNote =
    "A WHO-5 in this range is a good reason to talk things over with a doctor or someone "
    "you trust. It is a questionnaire, not a diagnosis.";

}  // namespace haven

#endif  // HAVEN_COMMON_CARE_NOTE_H_
