// Scoring of the Self-Compassion Scale short form (Raes et al. 2011), used
// when an entry carries no `derived` values (e.g. its plugin is missing on
// this device). Internal to haven_insights.
#ifndef HAVEN_SERVER_INSIGHTS_SCS_SF_H_
#define HAVEN_SERVER_INSIGHTS_SCS_SF_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace haven {

struct ScsSfScore {
  double total = 0;
  std::string band;  // low (< 2.5), moderate (2.5-3.5), high (> 3.5)
  nlohmann::json subscales = nlohmann::json::object();  // name -> mean
};

// Score from the entry's `derived` values when present, else from q1..q12 in
// `fields`; nullopt when neither holds a total.
std::optional<ScsSfScore> ScoreScsSf(const nlohmann::json& fields, const nlohmann::json& derived);

std::string ScsSfBand(double total);

}  // namespace haven

#endif  // HAVEN_SERVER_INSIGHTS_SCS_SF_H_
