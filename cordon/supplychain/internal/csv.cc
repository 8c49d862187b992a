#include "cordon/supplychain/internal/csv.h"

namespace cordon::supplychain::internal {

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, std::string_view file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  int line = 1;
  rec.line = 1;
  bool in_quotes = false;
  bool record_has_content = false;
  int quote_line = 0;
  auto end_field = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
  };
  auto end_record = [&] {
    end_field();
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty() && !record_has_content;
    if (!blank) out.push_back(std::move(rec));
    rec = CsvRecord();
    record_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        record_has_content = true;
        quote_line = line;
        break;
      case ',':
        record_has_content = true;
        end_field();
        break;
      case '\r':
        break;
      case '\n':
        end_record();
        ++line;
        rec.line = line;
        break;
      default:
        field.push_back(c);
        record_has_content = true;
    }
  }
  if (in_quotes) {
    return InvalidArgument(std::string(file) + ":" + std::to_string(quote_line) +
                           ": unterminated quoted field");
  }
  if (record_has_content || !field.empty()) end_record();
  return out;
}

}  // namespace cordon::supplychain::internal
