#include "cordon/base/date.h"

#include <chrono>
#include <cstdio>

namespace cordon {
namespace {

// Howard Hinnant's days_from_civil.
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

Date Date::FromYmd(int y, unsigned m, unsigned d) { return FromDays(DaysFromCivil(y, m, d)); }

Result<Date> Date::Parse(std::string_view s) {
  auto bad = [&](const char* why) {
    return InvalidArgument("'" + std::string(s) + "' is not a date (YYYY-MM-DD): " + why);
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad("expected the form YYYY-MM-DD");
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lens[p]; ++i) {
      char c = s[starts[p] + i];
      if (c < '0' || c > '9') return bad("non-digit");
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  if (parts[0] < 1900 || parts[0] > 2199) return bad("year out of range 1900-2199");
  if (parts[1] < 1 || parts[1] > 12) return bad("no such month");
  if (parts[2] < 1 || static_cast<unsigned>(parts[2]) > DaysInMonth(parts[0], parts[1])) {
    return bad("no such day in that month");
  }
  return FromYmd(parts[0], parts[1], parts[2]);
}

std::string Date::ToString() const {
  if (is_min()) return "-inf";
  if (is_max()) return "+inf";
  // civil_from_days
  int32_t z = days_ + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

Date Date::Today() {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(system_clock::now()).time_since_epoch().count();
  return FromDays(static_cast<int32_t>(days));
}

}  // namespace cordon
