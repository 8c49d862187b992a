#include <set>

#include "cordon/rules/ast.h"

namespace cordon::rules {
namespace {

const std::set<std::string> kFieldWords = {"regime", "stage", "cite", "title", "from", "until", "verified",
                                           "when", "outcome", "policy", "exceptions", "explain", "else",
                                           "note", "overcomes"};

class Parser {
 public:
  Parser(std::vector<Token> toks, std::string path) : t_(std::move(toks)), path_(std::move(path)) {}

  Result<std::unique_ptr<Expr>> Standalone() {
    ASSIGN_OR_RETURN(auto e, Expression());
    if (Peek().kind != Tok::kEnd) return Err(Peek(), "unexpected '" + Describe(Peek()) + "' after the expression");
    return e;
  }

  Result<RuleFile> File() {
    RuleFile f;
    f.path = path_;
    while (Peek().kind != Tok::kEnd) {
      const Token& k = Peek();
      if (IsWord("rule")) {
        Next();
        auto r = Rule();
        if (!r.ok()) return r.status();
        f.rules.push_back(std::move(*r));
      } else if (IsWord("set")) {
        Next();
        auto s = Set();
        if (!s.ok()) return s.status();
        f.sets.push_back(std::move(*s));
      } else if (IsWord("define")) {
        Next();
        DefineDecl d;
        d.pos = PosOf(Peek());
        if (Peek().kind != Tok::kIdent) return Err(Peek(), "expected a name after 'define'");
        d.name = Next().text;
        RETURN_IF_ERROR(Expect(Tok::kAssign, "'=' after the defined name"));
        auto e = Expression();
        if (!e.ok()) return e.status();
        d.body = std::move(*e);
        f.defines.push_back(std::move(d));
      } else {
        return Err(k, "expected 'rule', 'set' or 'define', found '" + Describe(k) + "'");
      }
    }
    return f;
  }

 private:
  const Token& Peek(int k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
  const Token& Next() { return t_[std::min(pos_++, t_.size() - 1)]; }
  bool IsWord(const char* w) const { return Peek().kind == Tok::kIdent && Peek().text == w; }
  Pos PosOf(const Token& t) const { return Pos{path_, t.line, t.col}; }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "end of file";
      case Tok::kString: return "\"" + t.text + "\"";
      case Tok::kSetRef: return "@" + t.text;
      case Tok::kIdent: case Tok::kNumber: case Tok::kDate: return t.text;
      default: return "punctuation";
    }
  }

  Status Err(const Token& t, const std::string& m) const {
    return InvalidArgument(path_ + ":" + std::to_string(t.line) + ":" + std::to_string(t.col) + ": " + m);
  }

  Status Expect(Tok k, const char* what) {
    if (Peek().kind != k) return Err(Peek(), std::string("expected ") + what + ", found '" + Describe(Peek()) + "'");
    Next();
    return Status::Ok();
  }

  Result<std::string> StringValue(const char* field) {
    if (Peek().kind != Tok::kString) return Err(Peek(), std::string("'") + field + "' takes a string in double quotes");
    return Next().text;
  }

  Result<std::vector<std::string>> NameList(const char* field) {
    std::vector<std::string> out;
    if (IsWord("none")) { Next(); return out; }
    if (Peek().kind != Tok::kLBracket) return Err(Peek(), std::string("'") + field + "' takes a list [..] or none");
    Next();
    while (Peek().kind != Tok::kRBracket) {
      if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kString) return Err(Peek(), "expected a name in the list");
      out.push_back(Next().text);
      if (Peek().kind == Tok::kComma) Next();
      else if (Peek().kind != Tok::kRBracket) return Err(Peek(), "expected ',' or ']'");
    }
    Next();
    return out;
  }

  Result<SetDecl> Set() {
    SetDecl s;
    s.pos = PosOf(Peek());
    if (Peek().kind != Tok::kIdent) return Err(Peek(), "expected a set name after 'set'");
    s.name = Next().text;
    if (Peek().kind == Tok::kIdent) s.kind = Next().text;
    if (s.kind != "" && s.kind != "eccn" && s.kind != "words" && s.kind != "countries") {
      return Err(t_[pos_ - 1], "a set's kind is eccn, words or countries");
    }
    if (Peek().kind == Tok::kString) s.cite = Next().text;
    RETURN_IF_ERROR(Expect(Tok::kAssign, "'=' after the set name"));
    if (Peek().kind != Tok::kLBracket) return Err(Peek(), "expected '[' to start the set's members");
    Next();
    while (Peek().kind != Tok::kRBracket) {
      if (Peek().kind != Tok::kString) return Err(Peek(), "set members are strings in double quotes");
      s.members.push_back(Next().text);
      if (Peek().kind == Tok::kComma) Next();
      else if (Peek().kind != Tok::kRBracket) return Err(Peek(), "expected ',' or ']' in the set");
    }
    Next();
    return s;
  }

  Result<RuleDecl> Rule() {
    RuleDecl r;
    r.pos = PosOf(Peek());
    if (Peek().kind != Tok::kIdent) return Err(Peek(), "expected a rule id after 'rule'");
    r.id = Next().text;
    RETURN_IF_ERROR(Expect(Tok::kLBrace, "'{' to open the rule"));
    while (Peek().kind != Tok::kRBrace) {
      const Token& f = Peek();
      if (f.kind == Tok::kEnd) return Err(f, "rule '" + r.id + "' is not closed with '}'");
      if (f.kind != Tok::kIdent || !kFieldWords.count(f.text)) {
        return Err(f, "'" + Describe(f) + "' is not a rule field (regime, stage, cite, title, from, until, verified, when, outcome, policy, exceptions, explain, else, note, overcomes)");
      }
      std::string name = Next().text;
      for (auto& [seen, p] : r.seen_fields) {
        if (seen == name) return Err(f, "field '" + name + "' given twice in rule '" + r.id + "' (first at line " + std::to_string(p.line) + ")");
      }
      r.seen_fields.push_back({name, PosOf(f)});
      if (name == "regime" || name == "stage") {
        if (Peek().kind != Tok::kIdent) return Err(Peek(), "'" + name + "' takes a name");
        (name == "regime" ? r.regime : r.stage) = Next().text;
      } else if (name == "cite") {
        ASSIGN_OR_RETURN(r.cite, StringValue("cite"));
      } else if (name == "title") {
        ASSIGN_OR_RETURN(r.title, StringValue("title"));
      } else if (name == "explain") {
        ASSIGN_OR_RETURN(r.explain, StringValue("explain"));
      } else if (name == "else") {
        ASSIGN_OR_RETURN(r.otherwise, StringValue("else"));
      } else if (name == "note") {
        ASSIGN_OR_RETURN(r.note, StringValue("note"));
      } else if (name == "from" || name == "until") {
        if (Peek().kind != Tok::kDate) return Err(Peek(), "'" + name + "' takes a date YYYY-MM-DD");
        (name == "from" ? r.from_pos : r.until_pos) = PosOf(Peek());
        (name == "from" ? r.from : r.until) = Next().text;
      } else if (name == "verified") {
        if (!IsWord("true") && !IsWord("false")) return Err(Peek(), "'verified' takes true or false");
        r.has_verified = true;
        r.verified = Next().text == "true";
      } else if (name == "when") {
        auto e = Expression();
        if (!e.ok()) return e.status();
        r.when = std::move(*e);
      } else if (name == "outcome") {
        r.outcome_pos = PosOf(Peek());
        if (Peek().kind != Tok::kIdent) return Err(Peek(), "'outcome' takes an outcome name");
        r.outcome = Next().text;
        if (r.outcome == "CLASSIFY") {
          if (Peek().kind != Tok::kString) return Err(Peek(), "CLASSIFY takes the classification in quotes");
          r.classify_as = Next().text;
        }
      } else if (name == "policy") {
        if (IsWord("entry")) {
          Next();
          r.policy_from_entry = true;
        } else if (Peek().kind == Tok::kIdent) {
          PolicyCase c;
          c.pos = PosOf(Peek());
          c.policy = Next().text;
          r.policy.push_back(std::move(c));
        } else if (Peek().kind == Tok::kLBrace) {
          Next();
          while (Peek().kind != Tok::kRBrace) {
            PolicyCase c;
            c.pos = PosOf(Peek());
            if (Peek().kind != Tok::kIdent) return Err(Peek(), "expected a review policy name");
            c.policy = Next().text;
            if (IsWord("when")) {
              Next();
              auto e = Expression();
              if (!e.ok()) return e.status();
              c.when = std::move(*e);
            }
            r.policy.push_back(std::move(c));
            if (Peek().kind == Tok::kSemicolon) Next();
            else if (Peek().kind != Tok::kRBrace) return Err(Peek(), "expected ';' or '}' in the policy");
          }
          Next();
        } else {
          return Err(Peek(), "'policy' takes a review policy, 'entry', or { POLICY when expr; ... }");
        }
      } else if (name == "exceptions") {
        r.exceptions_none = IsWord("none");
        ASSIGN_OR_RETURN(r.exceptions, NameList("exceptions"));
      } else if (name == "overcomes") {
        ASSIGN_OR_RETURN(r.overcomes, NameList("overcomes"));
      }
    }
    Next();
    return r;
  }

  // Expression grammar: or > and > not > comparison > additive > multiplicative > unary > primary.
  // Bounds keep absurd input (thousands of nested brackets, endless chains) an error, not a stack
  // overflow here or in the compiler and the evaluator, which recurse over the tree.
  static constexpr int kMaxNesting = 100;
  static constexpr int kMaxNodes = 5000;
  Result<std::unique_ptr<Expr>> Expression() {
    if (nesting_ >= kMaxNesting) return Err(Peek(), "expression nested deeper than " + std::to_string(kMaxNesting) + " levels");
    if (nesting_ == 0) nodes_ = 0;  // the budget is per top-level expression
    ++nesting_;
    auto e = Or();
    --nesting_;
    return e;
  }

  std::unique_ptr<Expr> Make(Expr::Kind k, const Token& at) {
    ++nodes_;
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->pos = PosOf(at);
    return e;
  }

  // A left-associative chain of `next` joined by the keyword `word` into nodes of `kind`.
  template <typename Step>
  Result<std::unique_ptr<Expr>> KeywordChain(const char* word, Expr::Kind kind, Step next) {
    ASSIGN_OR_RETURN(auto left, (this->*next)());
    while (IsWord(word)) {
      RETURN_IF_ERROR(Budget());
      const Token& op = Next();
      ASSIGN_OR_RETURN(auto right, (this->*next)());
      auto e = Make(kind, op);
      e->args.push_back(std::move(left));
      e->args.push_back(std::move(right));
      left = std::move(e);
    }
    return left;
  }

  Result<std::unique_ptr<Expr>> Or() { return KeywordChain("or", Expr::Kind::kOr, &Parser::And); }
  Result<std::unique_ptr<Expr>> And() { return KeywordChain("and", Expr::Kind::kAnd, &Parser::Not); }

  Status Budget() const {
    if (nodes_ >= kMaxNodes) return Err(Peek(), "expression longer than " + std::to_string(kMaxNodes) + " terms");
    if (unary_ >= kMaxNesting) return Err(Peek(), "more than " + std::to_string(kMaxNesting) + " 'not' or '-' in a row");
    return Status::Ok();
  }

  Result<std::unique_ptr<Expr>> Not() {
    if (IsWord("not")) {
      RETURN_IF_ERROR(Budget());
      ++unary_;
      const Token& op = Next();
      auto inner_or = Not();
      --unary_;
      ASSIGN_OR_RETURN(auto inner, std::move(inner_or));
      auto e = Make(Expr::Kind::kNot, op);
      e->args.push_back(std::move(inner));
      return e;
    }
    return Comparison();
  }

  Result<std::unique_ptr<Expr>> Comparison() {
    ASSIGN_OR_RETURN(auto left, Additive());
    Tok k = Peek().kind;
    if (k == Tok::kEq || k == Tok::kNe || k == Tok::kLt || k == Tok::kLe || k == Tok::kGt || k == Tok::kGe) {
      const Token& op = Next();
      ASSIGN_OR_RETURN(auto right, Additive());
      auto e = Make(Expr::Kind::kCmp, op);
      e->op = k;
      e->args.push_back(std::move(left));
      e->args.push_back(std::move(right));
      return e;
    }
    bool negate = false;
    if (IsWord("not") && Peek(1).kind == Tok::kIdent && Peek(1).text == "in") {
      Next();
      negate = true;
    }
    if (IsWord("in")) {
      const Token& op = Next();
      ASSIGN_OR_RETURN(auto right, Additive());
      auto e = Make(Expr::Kind::kIn, op);
      e->args.push_back(std::move(left));
      e->args.push_back(std::move(right));
      if (negate) {
        auto n = Make(Expr::Kind::kNot, op);
        n->args.push_back(std::move(e));
        return n;
      }
      return e;
    }
    return left;
  }

  // A left-associative chain of `next` joined by the operators `a` or `b` into arithmetic nodes.
  template <typename Step>
  Result<std::unique_ptr<Expr>> OperatorChain(Tok a, Tok b, Step next) {
    ASSIGN_OR_RETURN(auto left, (this->*next)());
    while (Peek().kind == a || Peek().kind == b) {
      RETURN_IF_ERROR(Budget());
      const Token& op = Next();
      ASSIGN_OR_RETURN(auto right, (this->*next)());
      auto e = Make(Expr::Kind::kArith, op);
      e->op = op.kind;
      e->args.push_back(std::move(left));
      e->args.push_back(std::move(right));
      left = std::move(e);
    }
    return left;
  }

  Result<std::unique_ptr<Expr>> Additive() { return OperatorChain(Tok::kPlus, Tok::kMinus, &Parser::Multiplicative); }
  Result<std::unique_ptr<Expr>> Multiplicative() { return OperatorChain(Tok::kStar, Tok::kSlash, &Parser::Unary); }

  Result<std::unique_ptr<Expr>> Unary() {
    if (Peek().kind == Tok::kMinus) {
      RETURN_IF_ERROR(Budget());
      ++unary_;
      const Token& op = Next();
      auto inner_or = Unary();
      --unary_;
      ASSIGN_OR_RETURN(auto inner, std::move(inner_or));
      auto e = Make(Expr::Kind::kNeg, op);
      e->args.push_back(std::move(inner));
      return e;
    }
    return Primary();
  }

  Result<std::unique_ptr<Expr>> Primary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kNumber: {
        Next();
        auto e = Make(Expr::Kind::kNum, t);
        e->number = t.number;
        return e;
      }
      case Tok::kString: {
        Next();
        auto e = Make(Expr::Kind::kStr, t);
        e->text = t.text;
        return e;
      }
      case Tok::kDate: {
        Next();
        auto e = Make(Expr::Kind::kDate, t);
        e->text = t.text;
        return e;
      }
      case Tok::kSetRef: {
        Next();
        auto e = Make(Expr::Kind::kSetRef, t);
        e->text = t.text;
        return e;
      }
      case Tok::kLParen: {
        Next();
        ASSIGN_OR_RETURN(auto e, Expression());
        RETURN_IF_ERROR(Expect(Tok::kRParen, "')'"));
        return e;
      }
      case Tok::kLBracket: {
        Next();
        auto e = Make(Expr::Kind::kList, t);
        while (Peek().kind != Tok::kRBracket) {
          if (Peek().kind != Tok::kString) return Err(Peek(), "list members are strings in double quotes");
          const Token& m = Next();
          auto s = Make(Expr::Kind::kStr, m);
          s->text = m.text;
          e->args.push_back(std::move(s));
          if (Peek().kind == Tok::kComma) Next();
          else if (Peek().kind != Tok::kRBracket) return Err(Peek(), "expected ',' or ']' in the list");
        }
        Next();
        return e;
      }
      case Tok::kIdent: {
        if (t.text == "true" || t.text == "false") {
          Next();
          auto e = Make(Expr::Kind::kBool, t);
          e->flag = t.text == "true";
          return e;
        }
        if (t.text == "any" && Peek(1).kind == Tok::kLParen) {
          // any(p in parties: expr)
          Next();
          Next();
          auto e = Make(Expr::Kind::kAny, t);
          if (Peek().kind != Tok::kIdent) return Err(Peek(), "expected a variable name in any(...)");
          e->text = Next().text;
          if (!IsWord("in")) return Err(Peek(), "expected 'in' in any(var in collection: condition)");
          Next();
          if (Peek().kind != Tok::kIdent) return Err(Peek(), "expected a collection name (parties) in any(...)");
          auto coll = Make(Expr::Kind::kName, Peek());
          coll->text = Next().text;
          RETURN_IF_ERROR(Expect(Tok::kColon, "':' after the collection in any(...)"));
          ASSIGN_OR_RETURN(auto body, Expression());
          RETURN_IF_ERROR(Expect(Tok::kRParen, "')' to close any(...)"));
          e->args.push_back(std::move(coll));
          e->args.push_back(std::move(body));
          return e;
        }
        if (t.text == "and" || t.text == "or" || t.text == "in" || t.text == "not") {
          return Err(t, "expected an expression, found the keyword '" + t.text + "'");
        }
        if (kFieldWords.count(t.text) && t.text != "from" && t.text != "until") {
          return Err(t, "expected an expression, found the field word '" + t.text + "'");
        }
        Next();
        if (Peek().kind == Tok::kLParen) {
          Next();
          auto e = Make(Expr::Kind::kCall, t);
          e->text = t.text;
          while (Peek().kind != Tok::kRParen) {
            ASSIGN_OR_RETURN(auto a, Expression());
            e->args.push_back(std::move(a));
            if (Peek().kind == Tok::kComma) Next();
            else if (Peek().kind != Tok::kRParen) return Err(Peek(), "expected ',' or ')' in the call");
          }
          Next();
          return e;
        }
        auto e = Make(Expr::Kind::kName, t);
        e->text = t.text;
        return e;
      }
      default:
        return Err(t, "expected an expression, found '" + Describe(t) + "'");
    }
  }

  std::vector<Token> t_;
  std::string path_;
  int nesting_ = 0;  // open Expression() calls
  int unary_ = 0;    // prefix operators in a row
  int nodes_ = 0;    // nodes made for the current top-level expression
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<Expr>> ParseExpressionText(std::string_view source, const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<Token> toks, Lex(source, path));
  Parser p(std::move(toks), path);
  return p.Standalone();
}

Result<RuleFile> ParseRuleFile(std::string_view source, const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<Token> toks, Lex(source, path));
  Parser p(std::move(toks), path);
  return p.File();
}

}  // namespace cordon::rules
