#include "cordon/screening/internal/query_forms.h"

#include <algorithm>
#include <array>
#include <functional>
#include <unordered_map>

namespace cordon::screening::internal {
namespace {

// Generated from data/*.txt by CMake.
constexpr char kHanjaReadings[] =
#include "cordon/screening/hanja_readings.inc"
    ;
constexpr char kJapaneseReadings[] =
#include "cordon/screening/japanese_name_readings.inc"
    ;
constexpr char kKoreanRomanization[] =
#include "cordon/screening/korean_romanization.inc"
    ;

using Table = std::unordered_map<std::u32string, std::vector<std::string>>;

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c >= 0x80 && c < 0xC0) n = 1;  // stray continuation byte
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < s.size()) {
    size_t e = s.find(' ', p);
    if (e == std::string_view::npos) e = s.size();
    if (e > p) out.emplace_back(s.substr(p, e - p));
    p = e + 1;
  }
  return out;
}

// "key|v1 v2 v3" lines; '#' starts a comment line.
Table Load(std::string_view text) {
  Table t;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line[0] == '#') continue;
    size_t bar = line.find('|');
    if (bar == std::string_view::npos) continue;
    t[Decode(line.substr(0, bar))] = Split(line.substr(bar + 1));
  }
  return t;
}

const Table& Hanja() { static const Table t = Load(kHanjaReadings); return t; }
const Table& Japanese() { static const Table t = Load(kJapaneseReadings); return t; }
const Table& KoreanSpelling() { static const Table t = Load(kKoreanRomanization); return t; }

bool IsHan(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF); }
bool IsHangul(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }
bool IsSeparator(char32_t c) { return c == ' ' || c == 0x3000 || c == 0x00B7 || c == 0x30FB || c == '-' || c == ','; }

std::string Encode(char32_t c) {
  std::string s;
  if (c < 0x80) s += static_cast<char>(c);
  else if (c < 0x800) { s += static_cast<char>(0xC0 | (c >> 6)); s += static_cast<char>(0x80 | (c & 0x3F)); }
  else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12)); s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18)); s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

// Spellings of one Hangul syllable: the customary ones, then ICU's.
std::vector<std::string> SyllableSpellings(char32_t syllable, const Normalizer& n) {
  std::vector<std::string> out;
  if (auto it = KoreanSpelling().find(std::u32string(1, syllable)); it != KoreanSpelling().end()) out = it->second;
  std::string icu;
  for (const auto& t : n.Tokens(Encode(syllable))) icu += t;
  if (!icu.empty() && std::find(out.begin(), out.end(), icu) == out.end()) out.push_back(icu);
  return out;
}

// Combinations of one option per position, in increasing sum of option
// ranks (the preferred spellings first), at most `cap`; joined by spaces.
void Combine(const std::vector<std::vector<std::string>>& options, size_t cap, std::vector<std::string>* out) {
  if (options.empty()) return;
  for (const auto& o : options)
    if (o.empty()) return;
  size_t max_rank = 0;
  for (const auto& o : options) max_rank += o.size() - 1;
  std::vector<size_t> pick(options.size());
  const size_t start = out->size();
  for (size_t level = 0; level <= max_rank && out->size() - start < cap; ++level) {
    std::function<void(size_t, size_t)> rec = [&](size_t pos, size_t left) {
      if (out->size() - start >= cap) return;
      if (pos == options.size()) {
        if (left != 0) return;
        std::string s;
        for (size_t k = 0; k < options.size(); ++k) s += (k ? " " : "") + options[k][pick[k]];
        if (std::find(out->begin(), out->end(), s) == out->end()) out->push_back(std::move(s));
        return;
      }
      for (size_t r = 0; r < options[pos].size() && r <= left; ++r) {
        pick[pos] = r;
        rec(pos + 1, left - r);
      }
    };
    rec(0, level);
  }
}

// Segmentations of a Han name into words of the Japanese name table, fewest
// words first.
void JapaneseForms(const std::u32string& han, size_t cap, std::vector<std::string>* out) {
  const Table& t = Japanese();
  std::vector<std::vector<std::u32string>> segs;
  std::vector<std::u32string> cur;
  std::function<void(size_t)> rec = [&](size_t pos) {
    if (segs.size() >= 8) return;
    if (pos == han.size()) {
      segs.push_back(cur);
      return;
    }
    for (size_t len = std::min<size_t>(4, han.size() - pos); len >= 1; --len) {
      std::u32string w = han.substr(pos, len);
      if (!t.count(w)) continue;
      cur.push_back(w);
      rec(pos + len);
      cur.pop_back();
    }
  };
  rec(0);
  std::stable_sort(segs.begin(), segs.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  const size_t start = out->size();
  for (const auto& seg : segs) {
    if (seg.size() < 2 && han.size() > 1) continue;  // a name is a family name and a given name
    std::vector<std::vector<std::string>> options;
    for (const auto& w : seg) options.push_back(t.at(w));
    Combine(options, cap - std::min(cap, out->size() - start), out);
  }
}

}  // namespace

namespace {

// Per byte, the consonant it stands for in a skeleton, 0 when dropped
// (vowels, y, h, w, space; and NUL, which keys never hold); q and c are k.
// [1]: with vav as v (w is v).
constexpr auto kSkeletonByte = [] {
  std::array<std::array<char, 256>, 2> t{};
  for (int v = 0; v < 2; ++v)
    for (int c = 0; c < 256; ++c) {
      char x = static_cast<char>(c);
      if (v == 1 && x == 'w') x = 'v';
      if (x == 'q' || x == 'c') x = 'k';
      const bool dropped = x == 'a' || x == 'e' || x == 'i' || x == 'o' || x == 'u' || x == 'y' || x == 'h' ||
                           x == 'w' || x == ' ' || x == '\0';
      t[v][c] = dropped ? '\0' : x;
    }
  return t;
}();

}  // namespace

void AppendConsonantSkeleton(std::string_view key, bool vav_as_v, std::string* out) {
  const std::array<char, 256>& table = kSkeletonByte[vav_as_v ? 1 : 0];
  char last = 0;  // 0: nothing appended yet (0 is never appended)
  for (char c : key) {
    const char x = table[static_cast<unsigned char>(c)];
    if (x == 0 || x == last) continue;
    out->push_back(x);
    last = x;
  }
}

std::string ConsonantSkeleton(std::string_view key, bool vav_as_v) {
  std::string s;
  AppendConsonantSkeleton(key, vav_as_v, &s);
  return s;
}

QueryVariants AlternativeSpellings(std::string_view query, const Normalizer& normalizer) {
  QueryVariants v;
  const std::u32string u = Decode(query);
  bool han_only = true, hangul_only = true;
  size_t han = 0, hangul = 0;
  for (char32_t c : u) {
    if ((c >= 0x0590 && c <= 0x05FF) || (c >= 0xFB1D && c <= 0xFB4F)) v.skeleton = v.vav_as_v = true;  // Hebrew
    if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0xFB50 && c <= 0xFDFF) ||
        (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x0E00 && c <= 0x0E7F))  // Arabic, Thai
      v.skeleton = true;
    if (IsHan(c)) ++han;
    else if (!IsSeparator(c)) han_only = false;
    if (IsHangul(c)) ++hangul;
    else if (!IsSeparator(c)) hangul_only = false;
  }
  if (han_only && han >= 2 && han <= 4) {
    std::u32string h;
    for (char32_t c : u)
      if (IsHan(c)) h += c;
    // Korean: each character's readings, each reading's spellings.
    std::vector<std::vector<std::string>> options;
    for (char32_t c : h) {
      auto it = Hanja().find(std::u32string(1, c));
      if (it == Hanja().end()) {
        options.clear();
        break;
      }
      std::vector<std::vector<std::string>> per_reading;
      for (const auto& r : it->second) {
        char32_t syl = Decode(r)[0];
        per_reading.push_back(SyllableSpellings(syl, normalizer));
      }
      std::vector<std::string> o;  // interleave: each reading's first spelling, then the second...
      for (size_t k = 0; k < 4; ++k)
        for (const auto& pr : per_reading)
          if (k < pr.size() && std::find(o.begin(), o.end(), pr[k]) == o.end()) o.push_back(pr[k]);
      options.push_back(std::move(o));
    }
    Combine(options, kMaxSpellings / 2, &v.spellings);
    JapaneseForms(h, kMaxSpellings / 4, &v.spellings);
  }
  if (hangul_only && hangul >= 1 && hangul <= 5) {
    std::vector<std::vector<std::string>> options;
    for (char32_t c : u)
      if (IsHangul(c)) options.push_back(SyllableSpellings(c, normalizer));
    Combine(options, kMaxSpellings / 2, &v.spellings);
  }
  return v;
}

}  // namespace cordon::screening::internal
