// Symbol: a process-wide interned string, compared by id on the hot path.
// Interning takes a lock; reading a symbol's text does not (entries never move).
// Thread-safe.
#ifndef CORDON_BASE_INTERNER_H_
#define CORDON_BASE_INTERNER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace cordon {

class Symbol {
 public:
  constexpr Symbol() = default;
  static Symbol Intern(std::string_view text);
  // The symbol for text if it was ever interned, else the empty symbol.
  static Symbol Find(std::string_view text);
  // The symbol with this id (ids come from id() of an interned symbol).
  static constexpr Symbol FromId(uint32_t id) { Symbol s; s.id_ = id; return s; }
  constexpr uint32_t id() const { return id_; }
  constexpr bool empty() const { return id_ == 0; }
  std::string_view text() const;

  friend constexpr bool operator==(Symbol a, Symbol b) { return a.id_ == b.id_; }
  friend constexpr auto operator<=>(Symbol a, Symbol b) { return a.id_ <=> b.id_; }

 private:
  uint32_t id_ = 0;  // 0 is the empty string
};

}  // namespace cordon

#endif  // CORDON_BASE_INTERNER_H_
