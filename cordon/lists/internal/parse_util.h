// Private to cordon/lists: the pieces every list reader shares (CSV records,
// cleaning text, lenient dates, country names, footnote markers) and the
// builder that merges repeated rows into one entity.
#ifndef CORDON_LISTS_INTERNAL_PARSE_UTIL_H_
#define CORDON_LISTS_INTERNAL_PARSE_UTIL_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/base/date.h"
#include "cordon/lists/list_entity.h"
#include "cordon/lists/loader.h"

namespace cordon::lists::internal {

// RFC 4180 records with a chosen separator. Quotes may span lines. A record's
// line is the line it starts on (1-based). Blank records are skipped.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRecord> ParseCsv(std::string_view text, char sep = ',');

// Removes C0/C1 control bytes (keeping none: tab and newlines become spaces),
// collapses runs of spaces and trims. Counts what it removed in *stripped.
std::string CleanText(std::string_view s, int* stripped = nullptr);

// OFAC writes "-0-" for an empty field.
std::string OfacField(std::string_view s, int* stripped = nullptr);

// Dates as the lists write them: YYYY-MM-DD, MM/DD/YYYY, M/D/YY, DD/MM/YYYY
// (with day_first), "12 Feb 2016". nullopt for empty text. An unparsable or
// implausible date (year outside 1900..2099) also gives nullopt and sets *bad.
std::optional<Date> ParseListDate(std::string_view s, bool day_first, bool* bad);

// ISO-2 for a country name or code as the lists spell it; "" when unknown.
std::string CountryCode(std::string_view name);

// Footnote numbers in an Entity List licence requirement or policy text.
std::vector<int> ParseFootnotes(std::string_view text);

// "Entity List (EL) - Bureau of Industry and Security" -> "US.EL".
std::string CslSourceToList(std::string_view source);

std::vector<std::string> SplitTrim(std::string_view s, std::string_view sep);
std::string ToLowerAscii(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);

// Adds without duplicates (exact string match after cleaning).
void AddUnique(std::vector<std::string>* v, std::string s);
void AddAddress(ListEntity* e, Address a);
// Sorts and deduplicates countries and footnotes; drops aliases equal to the name.
void Finish(ListEntity* e);

// Collects entities keyed by a merge key; repeated keys merge into the first
// entity (aliases, addresses, countries, programs) and count one warning.
class EntityMerger {
 public:
  // Returns the entity for `key`, creating it from `fresh` when new. *merged
  // is set when the key was seen before.
  ListEntity* Upsert(const std::string& key, ListEntity fresh, bool* merged);
  std::vector<ListEntity> Take();

 private:
  std::map<std::string, size_t> index_;
  std::vector<ListEntity> entities_;
};

void Warn(LoadedList* out, std::string where, std::string message);

}  // namespace cordon::lists::internal

#endif  // CORDON_LISTS_INTERNAL_PARSE_UTIL_H_
