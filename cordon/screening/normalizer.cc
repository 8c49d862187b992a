#include "cordon/screening/normalizer.h"

#include <algorithm>

#include <unicode/translit.h>
#include <unicode/unistr.h>

namespace cordon::screening {
namespace {

// The bundled legal forms (generated from data/legal_forms.txt by CMake).
constexpr char kLegalForms[] =
#include "cordon/screening/legal_forms.inc"
    ;
constexpr char kCjkTerms[] =
#include "cordon/screening/cjk_terms.inc"
    ;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

void AsciiTokens(std::string_view s, std::vector<std::string>* out) {
  std::string cur;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(static_cast<char>(c));
    } else if (c == '\'' || c == 0x60) {
      // Apostrophes join: "Qa'ida" = "Qaida", "O'Brien" = "OBrien".
    } else if (!cur.empty()) {
      out->push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out->push_back(std::move(cur));
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

struct Normalizer::Icu {
  std::unique_ptr<icu::Transliterator> fold;      // NFKC; Traditional-Simplified
  std::unique_ptr<icu::Transliterator> to_ascii;  // Any-Latin; Latin-ASCII
  std::vector<std::pair<std::string, std::string>> terms;  // CJK term -> " english ", longest first
};

Normalizer::~Normalizer() = default;

Result<std::unique_ptr<const Normalizer>> Normalizer::Create() { return Create(kLegalForms); }

Result<std::unique_ptr<const Normalizer>> Normalizer::Create(std::string_view legal_forms) {
  std::unique_ptr<Normalizer> n(new Normalizer());
  UErrorCode err = U_ZERO_ERROR;
  n->icu_ = std::make_unique<Icu>();
  n->icu_->fold.reset(icu::Transliterator::createInstance("NFKC; Traditional-Simplified", UTRANS_FORWARD, err));
  n->icu_->to_ascii.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, err));
  if (U_FAILURE(err) || !n->icu_->fold || !n->icu_->to_ascii)
    return Internal(std::string("ICU transliterator unavailable: ") + u_errorName(err));
  std::string_view terms = kCjkTerms;
  while (!terms.empty()) {
    size_t end = terms.find('\n');
    std::string_view line = terms.substr(0, end);
    terms = end == std::string_view::npos ? std::string_view() : terms.substr(end + 1);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    size_t bar = line.find('|');
    if (bar == std::string_view::npos) continue;
    n->icu_->terms.emplace_back(Trim(line.substr(0, bar)), " " + Trim(line.substr(bar + 1)) + " ");
  }
  std::stable_sort(n->icu_->terms.begin(), n->icu_->terms.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  RETURN_IF_ERROR(n->LoadLegalForms(legal_forms));
  return std::unique_ptr<const Normalizer>(std::move(n));
}

Status Normalizer::LoadLegalForms(std::string_view text) {
  int line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() + 1 : end + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::vector<std::string>> spellings;
    size_t s = 0;
    while (s <= line.size()) {
      size_t bar = line.find('|', s);
      std::string_view piece = line.substr(s, bar == std::string_view::npos ? std::string_view::npos : bar - s);
      s = bar == std::string_view::npos ? line.size() + 1 : bar + 1;
      std::vector<std::string> toks = Tokens(piece);
      if (!toks.empty()) spellings.push_back(std::move(toks));
    }
    if (spellings.empty()) continue;
    const std::vector<std::string>& canonical = spellings[0];
    for (const auto& sp : spellings) {
      std::string key;
      for (const auto& t : sp) key += (key.empty() ? "" : " ") + t;
      auto [it, inserted] = forms_.emplace(key, canonical);
      if (!inserted && it->second != canonical)
        return InvalidArgument("legal_forms.txt:" + std::to_string(line_no) + ": '" + key +
                               "' already has another canonical form");
      max_form_tokens_ = std::max(max_form_tokens_, sp.size());
      size_t& longest = first_tokens_[sp[0]];
      longest = std::max(longest, sp.size());
    }
  }
  return Status::Ok();
}

std::vector<std::string> Normalizer::Tokens(std::string_view name) const {
  std::vector<std::string> out;
  out.reserve(8);  // one allocation for most names
  if (IsAscii(name)) {
    AsciiTokens(name, &out);
    return out;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  u.foldCase();
  std::string ascii;
  {
    std::lock_guard<std::mutex> lock(mu_);
    icu_->fold->transliterate(u);
    std::string folded;
    u.toUTF8String(folded);
    // CJK terms to English (longest first), then to ASCII.
    for (const auto& [term, english] : icu_->terms) {
      for (size_t p = folded.find(term); p != std::string::npos; p = folded.find(term, p + english.size()))
        folded.replace(p, term.size(), english);
    }
    icu::UnicodeString v = icu::UnicodeString::fromUTF8(folded);
    icu_->to_ascii->transliterate(v);
    v.toUTF8String(ascii);
  }
  // Whatever ICU could not make ASCII (symbols, unsupported scripts)
  // separates tokens, as punctuation does.
  for (char& c : ascii)
    if (static_cast<unsigned char>(c) >= 0x80) c = ' ';
  AsciiTokens(ascii, &out);
  return out;
}

NormalizedName Normalizer::Normalize(std::string_view name) const {
  std::vector<std::string> toks = Tokens(name);
  NormalizedName out;
  // The strong tokens are compacted in place in `toks`, which then becomes
  // out.strong (no second vector: index builds normalise every name).
  size_t i = 0, kept = 0;
  while (i < toks.size()) {
    bool matched = false;
    auto first = first_tokens_.find(toks[i]);
    size_t longest = first == first_tokens_.end() ? 0 : std::min(first->second, toks.size() - i);
    for (size_t len = longest; len >= 1; --len) {
      std::string key = toks[i];
      for (size_t k = 1; k < len; ++k) key += " " + toks[i + k];
      auto it = forms_.find(key);
      if (it != forms_.end()) {
        for (const auto& t : it->second) out.weak.push_back(t);
        i += len;
        matched = true;
        break;
      }
    }
    if (!matched) {
      if (kept != i) toks[kept] = std::move(toks[i]);
      ++kept, ++i;
    }
  }
  toks.resize(kept);
  out.strong = std::move(toks);
  // A name made only of legal forms ("Company Limited") is compared in full.
  if (out.strong.empty()) std::swap(out.strong, out.weak);
  return out;
}

}  // namespace cordon::screening
