// Reading transactions and contexts from JSON (contract §1-2), every field validated.
//
// Validation collects every problem, each named by its field path
// ("items[0].made_in: 'XX' is not an ISO 3166-1 alpha-2 code"), and returns
// them together as one InvalidArgument status. Unknown fields are refused:
// a misspelt fact must not silently become a missing one.
#ifndef CORDON_MODEL_JSON_IO_H_
#define CORDON_MODEL_JSON_IO_H_

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cordon/base/status.h"
#include "cordon/model/transaction.h"

namespace cordon {

// What the reader accepts as codes. Filled from the reference data.
struct Vocabulary {
  std::unordered_set<uint32_t> countries;  // Symbol ids of ISO 3166-1 alpha-2 codes
  std::unordered_set<uint32_t> regimes;    // Symbol ids of regime codes (US, EU, NL, JP, KR, TW)
  bool IsCountry(Symbol s) const { return countries.count(s.id()) > 0; }
  bool IsRegime(Symbol s) const { return regimes.count(s.id()) > 0; }
};

// Parses text as JSON; the message names `source` and the line and column of a syntax error.
Result<nlohmann::json> ParseJsonText(std::string_view text, const std::string& source);
Result<nlohmann::json> ReadJsonFile(const std::string& path);

// `where` prefixes every message (a file name, "transaction[3]").
Result<Transaction> TransactionFromJson(const nlohmann::json& j, const Vocabulary& vocab,
                                        const std::string& where);
Result<Context> ContextFromJson(const nlohmann::json& j, const Vocabulary& vocab,
                                const std::string& where);

}  // namespace cordon

#endif  // CORDON_MODEL_JSON_IO_H_
