// The JSON answer of a screening (contract §5): `cordon screen --format json` and `POST /screen`.
#ifndef CORDON_SCREENING_SCREENING_JSON_H_
#define CORDON_SCREENING_SCREENING_JSON_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/screening/screening.h"

namespace cordon::screening {

// {"query", "threshold", "matches": [{list, entity, name, matched_name, matched_on, score, why}]}
nlohmann::ordered_json ScreenResultJson(const std::string& query, double threshold, const std::vector<Match>& matches);

}  // namespace cordon::screening

#endif  // CORDON_SCREENING_SCREENING_JSON_H_
