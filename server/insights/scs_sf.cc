#include "server/insights/scs_sf.h"

#include <array>
#include <string_view>

namespace haven {
namespace {

struct Subscale {
  const char* name;
  int a, b;  // 1-based item numbers
};
constexpr std::array<Subscale, 6> kSubscales = {{{"self_kindness", 2, 6},
                                                 {"self_judgment", 11, 12},
                                                 {"common_humanity", 5, 10},
                                                 {"isolation", 4, 8},
                                                 {"mindfulness", 3, 7},
                                                 {"over_identification", 1, 9}}};
constexpr std::array<bool, 13> kReversed = {false, true, false, false, true, false, false,
                                            false, true, true,  false, true, true};

std::optional<ScsSfScore> FromFields(const nlohmann::json& fields) {
  std::array<double, 13> q{};
  for (int i = 1; i <= 12; ++i) {
    auto it = fields.find("q" + std::to_string(i));
    if (it == fields.end() || !it->is_number()) return std::nullopt;
    q[i] = it->get<double>();
  }
  ScsSfScore s;
  double sum = 0;
  for (int i = 1; i <= 12; ++i) sum += kReversed[i] ? 6 - q[i] : q[i];
  s.total = sum / 12;
  for (const Subscale& sub : kSubscales) s.subscales[sub.name] = (q[sub.a] + q[sub.b]) / 2;
  return s;
}

}  // namespace

std::string ScsSfBand(double total) {
  if (total < 2.5) return "low";
  if (total > 3.5) return "high";
  return "moderate";
}

std::optional<ScsSfScore> ScoreScsSf(const nlohmann::json& fields, const nlohmann::json& derived) {
  std::optional<ScsSfScore> s;
  auto total = derived.is_object() ? derived.find("total") : derived.end();
  if (derived.is_object() && total != derived.end() && total->is_number()) {
    s.emplace();
    s->total = total->get<double>();
    for (const Subscale& sub : kSubscales) {
      auto it = derived.find(sub.name);
      if (it != derived.end() && it->is_number()) s->subscales[sub.name] = *it;
    }
  } else if (fields.is_object()) {
    s = FromFields(fields);
  }
  if (!s) return s;
  auto band = derived.is_object() ? derived.find("band") : derived.end();
  const bool has_band = derived.is_object() && band != derived.end() && band->is_string();
  s->band = has_band ? band->get<std::string>() : ScsSfBand(s->total);
  return s;
}

}  // namespace haven
