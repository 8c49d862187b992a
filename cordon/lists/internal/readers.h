// Private to cordon/lists: one reader per published format. Each fills
// out->snapshot and out->warnings from the file's content; `path` is for
// messages, companion files (OFAC CSV set) and dates found in folder names.
#ifndef CORDON_LISTS_INTERNAL_READERS_H_
#define CORDON_LISTS_INTERNAL_READERS_H_

#include <string>

#include "cordon/base/status.h"
#include "cordon/lists/loader.h"

namespace cordon::lists::internal {

Status ReadCslCsv(const std::string& content, LoadedList* out);
Status ReadCslJson(const std::string& content, LoadedList* out);
Status ReadOfacCsv(const std::string& content, LoadedList* out);
Status ReadBisDpl(const std::string& content, LoadedList* out);
Status ReadBisEl(const std::string& content, LoadedList* out);
Status ReadBisUvl(const std::string& content, LoadedList* out);
Status ReadIsn(const std::string& content, LoadedList* out);
Status ReadDdtc(const std::string& content, LoadedList* out);
Status ReadHmt(const std::string& content, LoadedList* out);
Status ReadMeti(const std::string& content, LoadedList* out);
Status ReadOfacXml(const std::string& content, LoadedList* out);
Status ReadUnXml(const std::string& content, LoadedList* out);
Status ReadEuXml(const std::string& content, LoadedList* out);

// A YYYY-MM-DD folder or file name component of `path`, if any.
std::optional<Date> DateInPath(const std::string& path);

}  // namespace cordon::lists::internal

#endif  // CORDON_LISTS_INTERNAL_READERS_H_
