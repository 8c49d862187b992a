// Normalizer: turns a name in any script into lower-case ASCII tokens, and
// sets apart the legal-form tokens (Co., Ltd., GmbH, 有限公司, 株式会社...) as
// weak tokens rewritten to one canonical spelling.
//
// Steps (docs/screening.md § Normalisation): NFKC (full-width letters, Kangxi
// radicals), case folding, traditional -> simplified Chinese, ICU "Any-Latin"
// (Han -> pinyin, Cyrillic, Arabic, Hangul, Kana, Greek, Hebrew, Thai...),
// "Latin-ASCII" (diacritics, ß -> ss), then every character that is not a
// letter or digit separates tokens. Pure ASCII input skips ICU (same result).
//
// Thread-safety: Normalize() may be called from any thread (the ICU
// transliterator is guarded by a mutex; the ASCII path takes no lock).
#ifndef CORDON_SCREENING_NORMALIZER_H_
#define CORDON_SCREENING_NORMALIZER_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cordon/base/status.h"

namespace cordon::screening {

struct NormalizedName {
  std::vector<std::string> strong;  // the name's own words, in order
  std::vector<std::string> weak;    // canonical legal forms, in order
};

class Normalizer {
 public:
  // With the legal forms bundled from cordon/screening/data/legal_forms.txt.
  static Result<std::unique_ptr<const Normalizer>> Create();
  // With legal forms given as text in the format of legal_forms.txt.
  static Result<std::unique_ptr<const Normalizer>> Create(std::string_view legal_forms);
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  NormalizedName Normalize(std::string_view name) const;
  // The ASCII tokens before legal forms are set apart.
  std::vector<std::string> Tokens(std::string_view name) const;

 private:
  Normalizer() = default;
  Status LoadLegalForms(std::string_view text);

  struct Icu;                 // the ICU transliterator, kept out of this header
  std::unique_ptr<Icu> icu_;
  mutable std::mutex mu_;     // guards icu_
  // Legal form (tokens joined by ' ') -> canonical tokens.
  std::unordered_map<std::string, std::vector<std::string>> forms_;
  std::unordered_map<std::string, size_t> first_tokens_;  // first token of a form -> longest form
  // Bit min(length, 31) of [first byte]: some form's first token has that
  // first byte and length (most tokens need no hash lookup).
  uint32_t first_token_shapes_[256] = {};
  size_t max_form_tokens_ = 1;
};

}  // namespace cordon::screening

#endif  // CORDON_SCREENING_NORMALIZER_H_
