// Test-only reference: scores every indexed name against the query, with the
// same prepared query and the same scorer as ScreeningIndex::Screen, and no
// filter at all. THIS IS NOT FOR PRODUCTION (it is linear in the list); it is
// the oracle the index must equal, pair for pair, and the baseline of
// bench/w1_screen_batch.cc. Honest: the query is prepared once, and scoring a
// pair allocates nothing.
#ifndef CORDON_SCREENING_TESTING_BRUTE_FORCE_H_
#define CORDON_SCREENING_TESTING_BRUTE_FORCE_H_

#include <string_view>
#include <vector>

#include "cordon/screening/screening.h"

namespace cordon::screening::testing {

std::vector<Match> BruteForceScreen(const ScreeningIndex& index, std::string_view query,
                                    const ScreeningOptions& options);

}  // namespace cordon::screening::testing

#endif  // CORDON_SCREENING_TESTING_BRUTE_FORCE_H_
