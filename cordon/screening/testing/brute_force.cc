#include "cordon/screening/testing/brute_force.h"

#include "cordon/screening/internal/name_table.h"

namespace cordon::screening::testing {

std::vector<Match> BruteForceScreen(const ScreeningIndex& index, std::string_view query,
                                    const ScreeningOptions& options) {
  const internal::NameTable& t = index.table();
  internal::PreparedQuery q(query, t.normalizer(), options);
  if (q.forms.empty()) return {};
  std::vector<std::pair<uint32_t, double>> scored;
  for (uint32_t i = 0; i < t.size(); ++i) {
    if (!t.Admits(i, options)) continue;
    const double s = t.Score(q, i);
    if (s >= options.threshold) scored.emplace_back(i, s);
  }
  return t.Finish(q, std::move(scored), options);
}

}  // namespace cordon::screening::testing
