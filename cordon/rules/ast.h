// The parsed (unchecked) form of rule files. Positions are kept for errors and traces.
#ifndef CORDON_RULES_AST_H_
#define CORDON_RULES_AST_H_

#include <memory>
#include <string>
#include <vector>

#include "cordon/rules/lexer.h"

namespace cordon::rules {

struct Pos {
  std::string file;
  int line = 0;
  int col = 0;
  std::string ToString() const { return file + ":" + std::to_string(line) + ":" + std::to_string(col); }
};

struct Expr {
  enum class Kind { kOr, kAnd, kNot, kCmp, kIn, kArith, kNeg, kNum, kStr, kDate, kBool, kName, kSetRef, kList, kCall, kAny };
  Kind kind;
  Tok op = Tok::kEnd;  // for kCmp / kArith
  std::string text;    // name, string, set name, function name, bound variable (kAny)
  double number = 0;
  bool flag = false;
  std::vector<std::unique_ptr<Expr>> args;
  Pos pos;
};

struct PolicyCase {
  std::string policy;  // PRESUMPTION_OF_DENIAL ...
  std::unique_ptr<Expr> when;  // null: the default
  Pos pos;
};

struct RuleDecl {
  std::string id;
  Pos pos;
  std::string regime, stage, cite, title, explain, otherwise, note, outcome, classify_as;
  std::string from, until;
  Pos from_pos, until_pos, outcome_pos;
  bool has_verified = false, verified = true;
  std::unique_ptr<Expr> when;
  bool policy_from_entry = false;
  std::vector<PolicyCase> policy;
  std::vector<std::string> exceptions;  // exception rule ids that may overcome this rule
  bool exceptions_none = false;
  std::vector<std::string> overcomes;   // for exception rules: requirement rule ids (prefixes)
  std::vector<std::pair<std::string, Pos>> seen_fields;
};

struct SetDecl {
  std::string name;
  std::string kind;  // eccn | words | countries
  std::string cite;
  std::vector<std::string> members;
  Pos pos;
};

struct DefineDecl {
  std::string name;
  std::unique_ptr<Expr> body;
  Pos pos;
};

struct RuleFile {
  std::string path;
  std::vector<RuleDecl> rules;
  std::vector<SetDecl> sets;
  std::vector<DefineDecl> defines;
};

Result<RuleFile> ParseRuleFile(std::string_view source, const std::string& path);
// One expression alone (a list entry's policy condition); `path` names it in errors.
Result<std::unique_ptr<Expr>> ParseExpressionText(std::string_view source, const std::string& path);

}  // namespace cordon::rules

#endif  // CORDON_RULES_AST_H_
