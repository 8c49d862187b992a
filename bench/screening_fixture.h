// Shared by the screening workloads (w1, w2, w8): the lists and the generated
// names they run on, built once per process.
#ifndef CORDON_BENCH_SCREENING_FIXTURE_H_
#define CORDON_BENCH_SCREENING_FIXTURE_H_

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cordon/lists/loader.h"
#include "cordon/screening/screening.h"
#include "cordon/screening/testing/query_gen.h"

namespace cordon::bench {

// The OFAC SDN legacy CSV set (sdn + alt + add), about July 2021: 8,976
// entries and 11,904 aliases.
inline const screening::ScreeningIndex& SdnIndex() {
  static const screening::ScreeningIndex* index = [] {
    auto l = lists::LoadListFile(std::string(CORDON_SHARED_DIR) + "/data/lists/moov-io-watchman/test/testdata/bench/sdn.csv");
    if (!l.ok()) return static_cast<const screening::ScreeningIndex*>(nullptr);
    return screening::ScreeningIndex::Build(std::move(l->snapshot.entities)).value().release();
  }();
  return *index;
}

inline std::vector<std::string> AllNames(const screening::ScreeningIndex& index) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < index.entity_count(); ++i) {
    names.push_back(index.entity(i).name);
    for (const auto& a : index.entity(i).aliases) names.push_back(a);
  }
  return names;
}

// n generated entity names (fixed seed), one name each.
inline std::vector<lists::ListEntity> GeneratedEntities(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<lists::ListEntity> es(n);
  for (size_t i = 0; i < n; ++i) {
    es[i].list = "GEN";
    es[i].source_id = std::to_string(i);
    es[i].name = screening::testing::RandomName(rng);
    es[i].type = lists::EntityType::kEntity;
  }
  return es;
}

}  // namespace cordon::bench

#endif  // CORDON_BENCH_SCREENING_FIXTURE_H_
