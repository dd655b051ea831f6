#include "server/measures/measure_table.h"

#include <array>

namespace haven {
namespace {

constexpr std::array<MeasureScore, 1> kWho5 = {{{"percent", "well-being", 0, 100, 0}}};
constexpr std::array<MeasureScore, 1> kSwls = {{{"total", "life satisfaction", 5, 35, 0}}};
constexpr std::array<MeasureScore, 1> kBrs = {{{"score", "resilience", 1, 5, 2}}};
constexpr std::array<MeasureScore, 1> kScsSf = {{{"total", "self-compassion", 1, 5, 2}}};
constexpr std::array<MeasureScore, 2> kEcrRs = {
    {{"avoidance", "attachment avoidance", 1, 7, 2}, {"anxiety", "attachment anxiety", 1, 7, 2}}};

constexpr std::array<std::string_view, 4> kRelationships = {"mother", "father", "partner",
                                                            "friend"};

constexpr int kFortnight = 14;
constexpr int kFourWeeks = 28;

const std::array<Measure, 5> kMeasures = {{
    {"who-5", "Well-being (WHO-5)", "", {}, kWho5, "flag", "%", "higher", 10, kFortnight},
    {"swls", "Life satisfaction (SWLS)", "", {}, kSwls, "band", "", "higher", 0, kFourWeeks},
    {"brs", "Resilience (BRS)", "", {}, kBrs, "band", "", "higher", 0, kFourWeeks},
    {"scs-sf", "Self-compassion (SCS-SF)", "", {}, kScsSf, "band", "", "higher", 0, kFourWeeks},
    {"ecr-rs", "Attachment (ECR-RS)", "relationship", kRelationships, kEcrRs, "", "", "lower", 0,
     kFourWeeks},
}};

}  // namespace

std::span<const Measure> Measures() { return kMeasures; }

const Measure* FindMeasure(std::string_view type) {
  for (const Measure& m : kMeasures) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

}  // namespace haven
