// Private to cordon/screening: the extra query forms of a non-Latin query
// (docs/screening.md § Extra query forms). A query is compared in every form
// and scores the best of them; the index and the oracle use the same forms.
//
//   - Arabic, Hebrew and Thai queries (scripts that leave vowels unwritten):
//     a consonant skeleton, compared against the consonant skeleton of every
//     listed name (ConsonantSkeleton).
//   - Han names of 2-4 characters: Korean readings (hanja_readings.txt, from
//     libhangul) spelled as in korean_romanization.txt, and Japanese readings
//     (japanese_name_readings.txt, from SKK-JISYO.jinmei).
//   - Hangul names: the customary spellings of korean_romanization.txt.
#ifndef CORDON_SCREENING_INTERNAL_QUERY_FORMS_H_
#define CORDON_SCREENING_INTERNAL_QUERY_FORMS_H_

#include <string>
#include <string_view>
#include <vector>

#include "cordon/screening/normalizer.h"

namespace cordon::screening::internal {

inline constexpr size_t kMaxSpellings = 40;

struct QueryVariants {
  std::vector<std::string> spellings;  // alternative Latin spellings, tokens separated by spaces
  bool skeleton = false;               // compare consonant skeletons too
  bool vav_as_v = false;               // Hebrew: a second skeleton reading w as v
};

QueryVariants AlternativeSpellings(std::string_view query, const Normalizer& normalizer);

// The consonant skeleton of a normalised key: q and c become k; a, e, i, o,
// u, y, h, w and spaces are dropped (with vav_as_v, w becomes v first); runs
// of one letter collapse. "mohamedali" -> "mdl", "dwd" -> "dd" -> "d".
std::string ConsonantSkeleton(std::string_view key, bool vav_as_v = false);
// The same, appended to *out (no allocation when it has room; index builds).
void AppendConsonantSkeleton(std::string_view key, bool vav_as_v, std::string* out);

}  // namespace cordon::screening::internal

#endif  // CORDON_SCREENING_INTERNAL_QUERY_FORMS_H_
