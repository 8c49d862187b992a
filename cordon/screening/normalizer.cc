#include "cordon/screening/normalizer.h"

#include <algorithm>
#include <array>

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

// Per byte: 0 separates tokens, 1 is dropped (apostrophes join: "Qa'ida" =
// "Qaida", "O'Brien" = "OBrien"), otherwise the lower-case letter or digit.
constexpr std::array<char, 256> kTokenByte = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 'A' && c <= 'Z') t[c] = static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) t[c] = static_cast<char>(c);
    else if (c == '\'' || c == 0x60) t[c] = 1;
  }
  return t;
}();

// The tokens of ASCII text: each maximal run of letters, digits and
// apostrophes with at least one letter or digit, lower-cased, apostrophes
// dropped; every other byte separates.
void AsciiTokens(std::string_view s, std::vector<std::string>* out) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    while (i < n && kTokenByte[static_cast<unsigned char>(s[i])] == 0) ++i;
    size_t e = i, kept = 0;
    for (; e < n; ++e) {
      const char c = kTokenByte[static_cast<unsigned char>(s[e])];
      if (c == 0) break;
      kept += c != 1;
    }
    if (kept > 0) {
      std::string& t = out->emplace_back(kept, '\0');
      size_t k = 0;
      for (size_t p = i; p < e; ++p)
        if (const char c = kTokenByte[static_cast<unsigned char>(s[p])]; c != 1) t[k++] = c;
    }
    i = e;
  }
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
      first_token_shapes_[static_cast<unsigned char>(sp[0][0])] |= uint32_t{1} << std::min<size_t>(sp[0].size(), 31);
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
    const std::string& tok = toks[i];
    const bool may_start_form =
        first_token_shapes_[static_cast<unsigned char>(tok[0])] >> std::min<size_t>(tok.size(), 31) & 1;
    auto first = may_start_form ? first_tokens_.find(tok) : first_tokens_.end();
    size_t longest = first == first_tokens_.end() ? 0 : std::min(first->second, toks.size() - i);
    for (size_t len = longest; len >= 1; --len) {
      std::string key = toks[i];
      for (size_t k = 1; k < len; ++k) key += " " + toks[i + k];
      auto it = forms_.find(key);
      if (it != forms_.end()) {
        for (const auto& w : it->second) out.weak.push_back(w);
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
