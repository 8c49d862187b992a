#include "cordon/screening/scorer.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace cordon::screening {
namespace {

std::vector<uint32_t>& Scratch(size_t n) {
  thread_local std::vector<uint32_t> buf;
  if (buf.size() < n) buf.resize(n);
  return buf;
}

double Jaro(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  if (n == 0 || m == 0) return n == 0 && m == 0 ? 1.0 : 0.0;
  const size_t window = std::max<size_t>(n, m) / 2 >= 1 ? std::max<size_t>(n, m) / 2 - 1 : 0;
  // Flags: a's in [0, n), b's in [n, n + m).
  std::vector<uint32_t>& flags = Scratch(n + m);
  std::fill(flags.begin(), flags.begin() + static_cast<std::ptrdiff_t>(n + m), 0u);
  size_t matches = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(m, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!flags[n + j] && b[j] == a[i]) {
        flags[i] = flags[n + j] = 1;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0, j = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!flags[i]) continue;
    while (!flags[n + j]) ++j;
    if (a[i] != b[j]) ++half_transpositions;
    ++j;
  }
  const double md = static_cast<double>(matches);
  const double t = static_cast<double>(half_transpositions / 2);
  return (md / static_cast<double>(n) + md / static_cast<double>(m) + (md - t) / md) / 3.0;
}

size_t Levenshtein(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  const size_t m = b.size();
  std::vector<uint32_t>& row = Scratch(m + 1);
  for (size_t j = 0; j <= m; ++j) row[j] = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    uint32_t diag = row[0];
    row[0] = static_cast<uint32_t>(i);
    for (size_t j = 1; j <= m; ++j) {
      uint32_t up = row[j];
      uint32_t sub = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({up + 1, row[j - 1] + 1, sub});
      diag = up;
    }
  }
  return row[m];
}

size_t Lcs(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  const size_t m = b.size();
  std::vector<uint32_t>& row = Scratch(m + 1);
  std::fill(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(m + 1), 0u);
  for (size_t i = 1; i <= a.size(); ++i) {
    uint32_t diag = 0;
    for (size_t j = 1; j <= m; ++j) {
      uint32_t up = row[j];
      row[j] = a[i - 1] == b[j - 1] ? diag + 1 : std::max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[m];
}

}  // namespace

const char* ScorerName(ScorerKind kind) {
  switch (kind) {
    case ScorerKind::kJaroWinkler: return "jaro-winkler";
    case ScorerKind::kLevenshtein: return "levenshtein";
    case ScorerKind::kTokenSet: return "token-set";
  }
  return "?";
}

Result<ScorerKind> ParseScorer(std::string_view name) {
  if (name == "jaro-winkler" || name == "jw") return ScorerKind::kJaroWinkler;
  if (name == "levenshtein") return ScorerKind::kLevenshtein;
  if (name == "token-set") return ScorerKind::kTokenSet;
  return InvalidArgument("unknown scorer '" + std::string(name) + "' (jaro-winkler, levenshtein, token-set)");
}

double JaroWinkler(std::string_view a, std::string_view b) {
  double j = Jaro(a, b);
  size_t l = 0;
  while (l < 4 && l < a.size() && l < b.size() && a[l] == b[l]) ++l;
  return j + 0.1 * static_cast<double>(l) * (1.0 - j);
}

double NormalizedLevenshtein(std::string_view a, std::string_view b) {
  size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(Levenshtein(a, b)) / static_cast<double>(longest);
}

double IndelSimilarity(std::string_view a, std::string_view b) {
  size_t total = a.size() + b.size();
  if (total == 0) return 1.0;
  size_t indel = total - 2 * Lcs(a, b);
  return 1.0 - static_cast<double>(indel) / static_cast<double>(total);
}

CachedScorer::CachedScorer(ScorerKind kind, std::string query) : kind_(kind), query_(std::move(query)) {
  if (kind_ == ScorerKind::kJaroWinkler && !query_.empty() && query_.size() <= 64) {
    pm_.assign(256, 0);
    for (size_t i = 0; i < query_.size(); ++i) pm_[static_cast<unsigned char>(query_[i])] |= uint64_t{1} << i;
  }
}

// Exactly JaroWinkler(candidate, query): each candidate character takes the
// first free equal query character in its window (greedy matching depends on
// which string leads, so the cached scorer always lets the candidate lead).
double CachedScorer::BitParallelJaroWinkler(std::string_view c, double cutoff) const {
  const size_t n = query_.size(), m = c.size();
  if (m == 0) return 0.0;
  const size_t shorter = std::min(n, m);
  {
    // Bound from the lengths alone: every character of the shorter matches.
    double jaro = (static_cast<double>(shorter) / n + static_cast<double>(shorter) / m + 1.0) / 3.0;
    if (jaro + 0.4 * (1.0 - jaro) < cutoff) return 0.0;
  }
  if (m > 256) return JaroWinkler(c, query_);
  const size_t window = std::max(n, m) / 2 >= 1 ? std::max(n, m) / 2 - 1 : 0;
  uint64_t flagged = 0;
  char matched[256];
  size_t matches = 0;
  for (size_t j = 0; j < m; ++j) {
    const size_t lo = j > window ? j - window : 0;
    if (lo >= n) break;
    const size_t hi = std::min(n - 1, j + window);
    const uint64_t range = (hi - lo + 1 == 64 ? ~uint64_t{0} : ((uint64_t{1} << (hi - lo + 1)) - 1)) << lo;
    const uint64_t hits = pm_[static_cast<unsigned char>(c[j])] & ~flagged & range;
    if (hits) {
      flagged |= hits & (~hits + 1);
      matched[matches++] = c[j];
    }
  }
  if (matches == 0) return 0.0;
  size_t half = 0, k = 0;
  for (uint64_t f = flagged; f; f &= f - 1) {
    if (query_[static_cast<size_t>(std::countr_zero(f))] != matched[k++]) ++half;
  }
  const double md = static_cast<double>(matches);
  const double t = static_cast<double>(half / 2);
  const double jaro = (md / static_cast<double>(n) + md / static_cast<double>(m) + (md - t) / md) / 3.0;
  size_t l = 0;
  while (l < 4 && l < shorter && query_[l] == c[l]) ++l;
  return jaro + 0.1 * static_cast<double>(l) * (1.0 - jaro);
}

double CachedScorer::Similarity(std::string_view c, double cutoff) const {
  const size_t n = query_.size(), m = c.size();
  switch (kind_) {
    case ScorerKind::kJaroWinkler:
      if (!pm_.empty()) return BitParallelJaroWinkler(c, cutoff);
      return JaroWinkler(c, query_);
    case ScorerKind::kLevenshtein: {
      size_t longest = std::max(n, m);
      if (longest == 0) return 1.0;
      // Length difference alone rules the pair out.
      double ub = 1.0 - static_cast<double>(n > m ? n - m : m - n) / static_cast<double>(longest);
      if (ub < cutoff) return 0.0;
      return NormalizedLevenshtein(query_, c);
    }
    case ScorerKind::kTokenSet: {
      size_t total = n + m;
      if (total == 0) return 1.0;
      double ub = 1.0 - static_cast<double>(n > m ? n - m : m - n) / static_cast<double>(total);
      if (ub < cutoff) return 0.0;
      return IndelSimilarity(query_, c);
    }
  }
  return 0.0;
}

}  // namespace cordon::screening
