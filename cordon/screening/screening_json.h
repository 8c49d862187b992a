// The JSON answer of a screening (contract §5): `cordon screen --format json` and `POST /screen`.
#ifndef CORDON_SCREENING_SCREENING_JSON_H_
#define CORDON_SCREENING_SCREENING_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/screening/good_guys.h"
#include "cordon/screening/screening.h"

namespace cordon::screening {

// {"query", "threshold", "matches": [{list, entity, name, matched_name, matched_on, score, why}]}
nlohmann::ordered_json ScreenResultJson(const std::string& query, double threshold, const std::vector<Match>& matches);

// What a reviewer decided about one match (good_guys.h): status "accepted" or "stale", and the
// note for people; both empty without a decision or without a good-guy list (null).
struct MatchReview {
  std::string status, note;
};
MatchReview ReviewOf(const GoodGuyList* good_guys, const ScreeningIndex& index, std::string_view party, const Match& m);
// The same answer with "review": {status, note} on each match that has a decision (reviews[i] is
// matches[i]'s): `cordon screen --good-guys` and POST /screen of `cordon serve --good-guys`.
nlohmann::ordered_json ScreenResultJson(const std::string& query, double threshold, const std::vector<Match>& matches,
                                        const std::vector<MatchReview>& reviews);

}  // namespace cordon::screening

#endif  // CORDON_SCREENING_SCREENING_JSON_H_
