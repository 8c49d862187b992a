// Tokens of the rule language (docs/rules.md). Every token keeps its line and
// column so that every error and trace step points back to the rule text.
#ifndef CORDON_RULES_LEXER_H_
#define CORDON_RULES_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "cordon/base/status.h"

namespace cordon::rules {

enum class Tok {
  kEnd, kIdent, kString, kNumber, kDate, kSetRef,  // @US:D:5
  kLBrace, kRBrace, kLParen, kRParen, kLBracket, kRBracket, kComma, kColon, kSemicolon,
  kEq, kNe, kLt, kLe, kGt, kGe, kAssign, kPlus, kMinus, kStar, kSlash,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, string contents, number or date text
  double number = 0;
  int line = 1;
  int col = 1;
};

// Splits `source` into tokens; `file` names it in errors ("rules/us/744_23.rules:12:7: ...").
Result<std::vector<Token>> Lex(std::string_view source, const std::string& file);

}  // namespace cordon::rules

#endif  // CORDON_RULES_LEXER_H_
