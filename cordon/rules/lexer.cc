#include "cordon/rules/lexer.h"

#include <cctype>
#include <cstdlib>

namespace cordon::rules {

Result<std::vector<Token>> Lex(std::string_view s, const std::string& file) {
  std::vector<Token> out;
  int line = 1, col = 1;
  size_t i = 0;
  auto err = [&](int l, int c, const std::string& m) {
    return InvalidArgument(file + ":" + std::to_string(l) + ":" + std::to_string(c) + ": " + m);
  };
  auto advance = [&](size_t n) {
    for (size_t k = 0; k < n && i < s.size(); ++k, ++i) {
      if (s[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
  };
  // Rule files are UTF-8 text: a stray byte would reach citations and explanations as garbage.
  for (size_t k = 0, l = 1, c = 1; k < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[k]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && k + n <= s.size() && !(n == 2 && b < 0xC2);
    for (size_t m = 1; ok && m < n; ++m) ok = (static_cast<unsigned char>(s[k + m]) & 0xC0) == 0x80;
    if (!ok) return err(static_cast<int>(l), static_cast<int>(c), "not UTF-8 text (byte 0x" +
                        std::string(1, "0123456789abcdef"[b >> 4]) + std::string(1, "0123456789abcdef"[b & 15]) + ")");
    if (b == '\n') { ++l; c = 1; } else { ++c; }
    k += n;
  }
  while (i < s.size()) {
    char c = s[i];
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') advance(1);
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) { advance(1); continue; }
    Token t;
    t.line = line;
    t.col = col;
    if (c == '"') {
      advance(1);
      std::string text;
      while (true) {
        if (i >= s.size() || s[i] == '\n') return err(t.line, t.col, "unterminated string");
        if (s[i] == '"') { advance(1); break; }
        if (s[i] == '\\' && i + 1 < s.size()) {
          char e = s[i + 1];
          text += e == 'n' ? '\n' : e;
          advance(2);
          continue;
        }
        text += s[i];
        advance(1);
      }
      t.kind = Tok::kString;
      t.text = std::move(text);
      out.push_back(std::move(t));
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      // A date YYYY-MM-DD or a number.
      if (i + 10 <= s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
          std::isdigit(static_cast<unsigned char>(s[i + 2])) && std::isdigit(static_cast<unsigned char>(s[i + 3])) &&
          s[i + 4] == '-' && s[i + 7] == '-') {
        t.kind = Tok::kDate;
        t.text = std::string(s.substr(i, 10));
        advance(10);
        out.push_back(std::move(t));
        continue;
      }
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      t.kind = Tok::kNumber;
      t.text = std::string(s.substr(i, j - i));
      char* end = nullptr;
      t.number = std::strtod(t.text.c_str(), &end);
      if (end != t.text.c_str() + t.text.size()) return err(t.line, t.col, "malformed number '" + t.text + "'");
      advance(j - i);
      out.push_back(std::move(t));
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '.')) ++j;
      t.kind = Tok::kIdent;
      t.text = std::string(s.substr(i, j - i));
      if (t.text.back() == '.') return err(t.line, t.col, "a name cannot end with '.'");
      advance(j - i);
      out.push_back(std::move(t));
      continue;
    }
    if (c == '@') {
      size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '.' ||
                              s[j] == ':')) ++j;
      if (j == i + 1) return err(t.line, t.col, "expected a set name after '@'");
      t.kind = Tok::kSetRef;
      t.text = std::string(s.substr(i + 1, j - i - 1));
      advance(j - i);
      out.push_back(std::move(t));
      continue;
    }
    auto two = [&](char a, char b) { return c == a && i + 1 < s.size() && s[i + 1] == b; };
    if (two('=', '=')) { t.kind = Tok::kEq; advance(2); }
    else if (two('!', '=')) { t.kind = Tok::kNe; advance(2); }
    else if (two('<', '=')) { t.kind = Tok::kLe; advance(2); }
    else if (two('>', '=')) { t.kind = Tok::kGe; advance(2); }
    else {
      switch (c) {
        case '{': t.kind = Tok::kLBrace; break;
        case '}': t.kind = Tok::kRBrace; break;
        case '(': t.kind = Tok::kLParen; break;
        case ')': t.kind = Tok::kRParen; break;
        case '[': t.kind = Tok::kLBracket; break;
        case ']': t.kind = Tok::kRBracket; break;
        case ',': t.kind = Tok::kComma; break;
        case ':': t.kind = Tok::kColon; break;
        case ';': t.kind = Tok::kSemicolon; break;
        case '<': t.kind = Tok::kLt; break;
        case '>': t.kind = Tok::kGt; break;
        case '=': t.kind = Tok::kAssign; break;
        case '+': t.kind = Tok::kPlus; break;
        case '-': t.kind = Tok::kMinus; break;
        case '*': t.kind = Tok::kStar; break;
        case '/': t.kind = Tok::kSlash; break;
        default:
          return err(t.line, t.col, std::string("unexpected character '") + c + "'");
      }
      advance(1);
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = Tok::kEnd;
  end.line = line;
  end.col = col;
  out.push_back(end);
  return out;
}

}  // namespace cordon::rules
