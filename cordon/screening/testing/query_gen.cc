#include "cordon/screening/testing/query_gen.h"

#include <sstream>
#include <utility>

namespace cordon::screening::testing {
namespace {

size_t Pick(std::mt19937_64& rng, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

const char* kSyllables[] = {"al", "an", "ba", "bek", "chen", "da", "dor", "el", "fa", "gar", "han", "hu",
                            "ib", "ja", "kar", "kim", "li", "lo", "ma", "mir", "na", "nov", "or", "pa",
                            "ra", "rus", "sa", "shi", "ta", "tek", "un", "va", "wei", "xin", "ya", "zan",
                            "zhou", "qu", "ov", "ski", "son", "tron", "ing", "ex", "co", "ir"};
const char* kForms[] = {"Co., Ltd.", "LLC", "GmbH", "Inc.", "Corporation", "S.A.", "Limited", "JSC"};

}  // namespace

std::string Perturb(const std::string& name, std::mt19937_64& rng) {
  std::string s = name;
  int edits = 1 + static_cast<int>(Pick(rng, 3));
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t p = Pick(rng, s.size());
    switch (Pick(rng, 7)) {
      case 0: s.erase(p, 1); break;
      case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(p), static_cast<char>('a' + Pick(rng, 26))); break;
      case 2: s[p] = static_cast<char>('A' + Pick(rng, 26)); break;
      case 3: if (p + 1 < s.size()) std::swap(s[p], s[p + 1]); break;
      case 4: {  // drop a word
        std::istringstream in(s);
        std::vector<std::string> w;
        for (std::string x; in >> x;) w.push_back(x);
        if (w.size() > 1) {
          w.erase(w.begin() + static_cast<std::ptrdiff_t>(Pick(rng, w.size())));
          s.clear();
          for (auto& x : w) s += (s.empty() ? "" : " ") + x;
        }
        break;
      }
      case 5: {  // swap two words
        std::istringstream in(s);
        std::vector<std::string> w;
        for (std::string x; in >> x;) w.push_back(x);
        if (w.size() > 1) {
          std::swap(w[0], w[w.size() - 1]);
          s.clear();
          for (auto& x : w) s += (s.empty() ? "" : " ") + x;
        }
        break;
      }
      default: s += std::string(" ") + kForms[Pick(rng, std::size(kForms))]; break;
    }
  }
  return s;
}

std::string RandomName(std::mt19937_64& rng) {
  std::string s;
  size_t words = 1 + Pick(rng, 4);
  for (size_t w = 0; w < words; ++w) {
    if (!s.empty()) s += ' ';
    size_t syl = 1 + Pick(rng, 3);
    for (size_t k = 0; k < syl; ++k) s += kSyllables[Pick(rng, std::size(kSyllables))];
  }
  if (Pick(rng, 3) == 0) s += std::string(" ") + kForms[Pick(rng, std::size(kForms))];
  return s;
}

std::vector<std::string> MixedQueries(const std::vector<std::string>& names, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i)
    out.push_back(i % 2 == 0 && !names.empty() ? Perturb(names[Pick(rng, names.size())], rng) : RandomName(rng));
  return out;
}

}  // namespace cordon::screening::testing
