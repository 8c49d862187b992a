// Test-only: reproducible query and name generators for the exactness tests
// and the benchmarks (fixed seeds; std::mt19937_64 is specified by the
// standard, so the same seed gives the same queries everywhere).
#ifndef CORDON_SCREENING_TESTING_QUERY_GEN_H_
#define CORDON_SCREENING_TESTING_QUERY_GEN_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cordon::screening::testing {

// A list name with typos: 1-3 of character deletion, insertion, substitution,
// transposition, a dropped or swapped word, a legal form added or removed.
std::string Perturb(const std::string& name, std::mt19937_64& rng);

// A plausible but unlisted name: 1-4 words of random syllables, sometimes
// with a legal form.
std::string RandomName(std::mt19937_64& rng);

// `count` queries: half perturbed names drawn from `names`, half RandomName().
std::vector<std::string> MixedQueries(const std::vector<std::string>& names, size_t count, uint64_t seed);

}  // namespace cordon::screening::testing

#endif  // CORDON_SCREENING_TESTING_QUERY_GEN_H_
