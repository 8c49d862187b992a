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

MatchReview ReviewOf(const GoodGuyList* good_guys, const ScreeningIndex& index, std::string_view party, const Match& m) {
  if (!good_guys) return {};
  auto v = good_guys->Check(party, index.entity(m.entity_index));
  if (!v.record) return {};
  return {v.status == GoodGuyList::Status::kAccepted ? "accepted" : "stale", GoodGuyList::Note(v)};
}

json ScreenResultJson(const std::string& query, double threshold, const std::vector<Match>& ms,
                      const std::vector<MatchReview>& reviews) {
  json out = ScreenResultJson(query, threshold, ms);
  for (size_t k = 0; k < ms.size() && k < reviews.size(); ++k) {
    if (!reviews[k].status.empty()) out["matches"][k]["review"] = {{"status", reviews[k].status}, {"note", reviews[k].note}};
  }
  return out;
}

}  // namespace cordon::screening
