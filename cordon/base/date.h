// Date: a calendar day (proleptic Gregorian), as days since 1970-01-01.
// Rules are in force on [from, until): `until` is the first day a version no
// longer applies, so versions of one provision adjoin without overlap.
#ifndef CORDON_BASE_DATE_H_
#define CORDON_BASE_DATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "cordon/base/status.h"

namespace cordon {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days) { Date d; d.days_ = days; return d; }
  // Parses exactly YYYY-MM-DD and rejects impossible days (2023-02-30).
  static Result<Date> Parse(std::string_view text);
  static Date FromYmd(int y, unsigned m, unsigned d);
  static constexpr Date Min() { return FromDays(INT32_MIN / 2); }
  static constexpr Date Max() { return FromDays(INT32_MAX / 2); }
  static Date Today();

  constexpr int32_t days() const { return days_; }
  std::string ToString() const;
  bool is_min() const { return days_ == Min().days_; }
  bool is_max() const { return days_ == Max().days_; }

  friend constexpr bool operator==(Date a, Date b) { return a.days_ == b.days_; }
  friend constexpr auto operator<=>(Date a, Date b) { return a.days_ <=> b.days_; }

 private:
  int32_t days_ = 0;
};

// [from, until): until is exclusive.
struct DateInterval {
  Date from = Date::Min();
  Date until = Date::Max();
  constexpr bool Contains(Date d) const { return from <= d && d < until; }
};

}  // namespace cordon

#endif  // CORDON_BASE_DATE_H_
