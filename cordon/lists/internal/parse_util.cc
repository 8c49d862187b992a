#include "cordon/lists/internal/parse_util.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <unordered_map>

namespace cordon::lists::internal {

std::vector<CsvRecord> ParseCsv(std::string_view text, char sep) {
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  bool in_quotes = false, field_started = false, any = false;
  int line = 1;
  rec.line = 1;
  auto end_field = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    bool blank = std::all_of(rec.fields.begin(), rec.fields.end(), [](const std::string& f) {
      return f.find_first_not_of(" \t\r\x1a") == std::string::npos;
    });
    if (!blank) out.push_back(std::move(rec));
    rec = CsvRecord();
    rec.line = line;
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
      any = true;
    } else if (c == sep) {
      end_field();
      any = true;
    } else if (c == '\n') {
      ++line;
      end_record();
    } else if (c == '\r') {
      // CRLF: the \n ends the record.
    } else {
      field.push_back(c);
      // A stray quote after text is kept as text (OFAC writes `"A "B" C"` rarely).
      if (c != ' ') field_started = true;
      any = true;
    }
  }
  if (any || !field.empty() || !rec.fields.empty()) end_record();
  return out;
}

std::string CleanText(std::string_view s, int* stripped) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!is_space && (c < 0x20 || c == 0x7f)) {
      if (stripped) ++*stripped;
      continue;
    }
    // C1 controls are U+0080..U+009F, encoded C2 80..C2 9F in UTF-8.
    if (c == 0xc2 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9f) {
        if (stripped) ++*stripped;
        ++i;
        continue;
      }
      if (d == 0xa0) {  // no-break space
        is_space = true;
        ++i;
      }
    }
    if (is_space) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string OfacField(std::string_view s, int* stripped) {
  std::string t = CleanText(s, stripped);
  if (t == "-0-") return "";
  return t;
}

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int MonthFromName(std::string_view m) {
  static const char* kNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string l = ToLowerAscii(m.substr(0, 3));
  for (int i = 0; i < 12; ++i)
    if (l == kNames[i]) return i + 1;
  return 0;
}

std::optional<Date> MakeDate(int y, int m, int d, bool* bad) {
  if (y < 1900 || y > 2099) {
    *bad = true;
    return std::nullopt;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  auto r = Date::Parse(buf);
  if (!r.ok()) {
    *bad = true;
    return std::nullopt;
  }
  return *r;
}

}  // namespace

std::optional<Date> ParseListDate(std::string_view raw, bool day_first, bool* bad) {
  std::string s = CleanText(raw);
  if (s.empty()) return std::nullopt;
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    if (AllDigits(s.substr(0, 4)) && AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2)))
      return MakeDate(std::atoi(s.substr(0, 4).c_str()), std::atoi(s.substr(5, 2).c_str()),
                      std::atoi(s.substr(8, 2).c_str()), bad);
  }
  auto parts = SplitTrim(s, "/");
  if (parts.size() == 3 && AllDigits(parts[0]) && AllDigits(parts[1]) && AllDigits(parts[2])) {
    int a = std::atoi(parts[0].c_str()), b = std::atoi(parts[1].c_str());
    int y = std::atoi(parts[2].c_str());
    if (parts[2].size() == 2) y += y < 50 ? 2000 : 1900;
    return day_first ? MakeDate(y, b, a, bad) : MakeDate(y, a, b, bad);
  }
  auto words = SplitTrim(s, " ");
  if (words.size() == 3 && AllDigits(words[0]) && MonthFromName(words[1]) && AllDigits(words[2]))
    return MakeDate(std::atoi(words[2].c_str()), MonthFromName(words[1]), std::atoi(words[0].c_str()),
                    bad);
  *bad = true;
  return std::nullopt;
}

std::string CountryCode(std::string_view name) {
  static const std::unordered_map<std::string, std::string> kTable = [] {
    std::unordered_map<std::string, std::string> t;
    struct Row { const char* name; const char* code; };
    static const Row kRows[] = {
#include "cordon/lists/internal/country_names.inc"
    };
    for (const Row& r : kRows) t.emplace(r.name, r.code);
    return t;
  }();
  std::string key;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) key.push_back(std::tolower(static_cast<unsigned char>(c)));
  }
  if (key.size() == 2) {
    for (char& c : key) c = std::toupper(static_cast<unsigned char>(c));
    return key;
  }
  auto it = kTable.find(key);
  return it == kTable.end() ? "" : it->second;
}

std::vector<int> ParseFootnotes(std::string_view t) {
  std::vector<int> out;
  auto digit = [&](size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  // "734.9(e)1", "734.9(g),3", "734.9(g), 3": a single digit right after the
  // paragraph letter, not "(e)(2)" which is a sub-paragraph.
  for (size_t p = t.find("734.9("); p != std::string_view::npos; p = t.find("734.9(", p + 1)) {
    size_t i = p + 6;
    if (i + 1 >= t.size() || t[i + 1] != ')') continue;
    i += 2;
    if (i < t.size() && t[i] == ',') ++i;
    if (i < t.size() && t[i] == ' ' && digit(i + 1) && !digit(i + 2) && i + 2 < t.size() &&
        t[i + 2] == ' ' && t.substr(i + 3, 1) == "\xc2") {
      out.push_back(t[i + 1] - '0');  // "734.9(g), 3 §746.8"
      continue;
    }
    if (digit(i) && !digit(i + 1)) out.push_back(t[i] - '0');
  }
  // "... of the EAR2", "of the EAR)4", "of the EAR.)2"
  for (size_t p = t.find("EAR"); p != std::string_view::npos; p = t.find("EAR", p + 1)) {
    size_t i = p + 3;
    while (i < t.size() && (t[i] == ')' || t[i] == '.')) ++i;
    if (digit(i) && !digit(i + 1)) out.push_back(t[i] - '0');
  }
  // "Footnote 5"
  for (size_t p = ToLowerAscii(t).find("footnote "); p != std::string_view::npos;
       p = ToLowerAscii(t).find("footnote ", p + 1)) {
    size_t i = p + 9;
    if (digit(i)) out.push_back(std::atoi(std::string(t.substr(i, 2)).c_str()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string CslSourceToList(std::string_view source) {
  size_t open = source.find('(');
  size_t close = source.find(')', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    // Short forms as in ITA source files ("EL", "DPL").
    std::string s = CleanText(source);
    return s.empty() ? "US.CSL" : "US." + s;
  }
  std::string abbr(source.substr(open + 1, close - open - 1));
  if (abbr == "NS-MBS List") abbr = "NS-MBS";
  return "US." + abbr;
}

std::vector<std::string> SplitTrim(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    std::string piece = CleanText(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (!piece.empty()) out.push_back(std::move(piece));
    if (p == std::string_view::npos) break;
    start = p + sep.size();
  }
  return out;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = std::tolower(static_cast<unsigned char>(c));
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

void AddUnique(std::vector<std::string>* v, std::string s) {
  if (s.empty()) return;
  if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(std::move(s));
}

void AddAddress(ListEntity* e, Address a) {
  if (!a.country.empty()) AddUnique(&e->countries, a.country);
  if (a.text.empty() && a.country.empty()) return;
  if (std::find(e->addresses.begin(), e->addresses.end(), a) == e->addresses.end())
    e->addresses.push_back(std::move(a));
}

void Finish(ListEntity* e) {
  std::sort(e->countries.begin(), e->countries.end());
  e->countries.erase(std::unique(e->countries.begin(), e->countries.end()), e->countries.end());
  std::sort(e->footnotes.begin(), e->footnotes.end());
  e->footnotes.erase(std::unique(e->footnotes.begin(), e->footnotes.end()), e->footnotes.end());
  std::erase(e->aliases, e->name);
}

ListEntity* EntityMerger::Upsert(const std::string& key, ListEntity fresh, bool* merged) {
  auto [it, inserted] = index_.emplace(key, entities_.size());
  *merged = !inserted;
  if (inserted) {
    entities_.push_back(std::move(fresh));
    return &entities_.back();
  }
  ListEntity* e = &entities_[it->second];
  for (auto& a : fresh.aliases) AddUnique(&e->aliases, std::move(a));
  for (auto& a : fresh.addresses) AddAddress(e, std::move(a));
  for (auto& c : fresh.countries) AddUnique(&e->countries, std::move(c));
  for (auto& p : fresh.programs) AddUnique(&e->programs, std::move(p));
  for (int f : fresh.footnotes) e->footnotes.push_back(f);
  return e;
}

std::vector<ListEntity> EntityMerger::Take() {
  for (auto& e : entities_) Finish(&e);
  index_.clear();
  return std::move(entities_);
}

void Warn(LoadedList* out, std::string where, std::string message) {
  out->warnings.push_back(LoadWarning{std::move(where), std::move(message)});
}

}  // namespace cordon::lists::internal
