#include "cordon/screening/screening_json.h"

#include <cmath>

namespace cordon::screening {

using json = nlohmann::ordered_json;

json ScreenResultJson(const std::string& query, double threshold, const std::vector<Match>& ms) {
  json out{{"query", query}, {"threshold", threshold}, {"matches", json::array()}};
  for (const auto& m : ms) {
    out["matches"].push_back(json{{"list", m.list},
                                  {"entity", m.entity},
                                  {"name", m.name},
                                  {"matched_name", m.matched_name},
                                  {"matched_on", MatchedOnName(m.matched_on)},
                                  {"score", std::round(m.score * 10000.0) / 10000.0},
                                  {"why", m.why}});
  }
  return out;
}

}  // namespace cordon::screening
