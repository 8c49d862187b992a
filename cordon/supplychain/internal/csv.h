// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF, a UTF-8 BOM.
// Internal to cordon/supplychain.
#ifndef CORDON_SUPPLYCHAIN_INTERNAL_CSV_H_
#define CORDON_SUPPLYCHAIN_INTERNAL_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "cordon/base/status.h"

namespace cordon::supplychain::internal {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Splits `text` into records; blank lines are skipped. Fails on an
// unterminated quote, naming `file` and the line where the field began.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, std::string_view file);

}  // namespace cordon::supplychain::internal

#endif  // CORDON_SUPPLYCHAIN_INTERNAL_CSV_H_
