#include "cordon/lists/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cordon/lists/internal/parse_util.h"
#include "cordon/lists/internal/readers.h"

namespace cordon::lists {
namespace {

namespace fs = std::filesystem;
using internal::StartsWith;

enum class Format {
  kUnknown, kOfacCompanion, kCslCsv, kCslJson, kOfacCsv, kBisDpl, kBisEl, kBisUvl, kIsn, kDdtc,
  kHmt, kMeti, kOfacXml, kUnXml, kEuXml
};

std::string FirstLine(const std::string& s) {
  size_t start = StartsWith(s, "\xEF\xBB\xBF") ? 3 : 0;
  size_t end = s.find('\n', start);
  std::string line = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The format from the content: the XML root element, the CSV header, or the
// shape of OFAC's header-less rows.
Format Detect(const std::string& content) {
  size_t i = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i == std::string::npos) return Format::kUnknown;
  if (content[i] == '<') {
    std::string head = content.substr(i, 4096);
    if (head.find("<sdnList") != std::string::npos) return Format::kOfacXml;
    if (head.find("<CONSOLIDATED_LIST") != std::string::npos) return Format::kUnXml;
    if (head.find("<WHOLE") != std::string::npos) return Format::kEuXml;
    return Format::kUnknown;
  }
  if (content[i] == '{' || content[i] == '[') return Format::kCslJson;
  std::string line = FirstLine(content);
  std::string unquoted = line;
  std::erase(unquoted, '"');
  if (StartsWith(unquoted, "_id,source,entity_number") || StartsWith(unquoted, "source,entity_number"))
    return Format::kCslCsv;
  if (StartsWith(unquoted, "Name\tStreet_Address")) return Format::kBisDpl;
  if (StartsWith(unquoted, "Source List,Entity Number,SDN Type")) return Format::kBisEl;
  if (StartsWith(unquoted, "COUNTRY,NAME,ADDRESS")) return Format::kBisUvl;
  if (StartsWith(unquoted, "Source List,Programs,Name,Alternative Names")) return Format::kIsn;
  if (StartsWith(unquoted, "Party Name,Date Of Birth")) return Format::kDdtc;
  if (StartsWith(unquoted, "Last Updated,")) return Format::kHmt;
  if (StartsWith(unquoted, "no,country,company,aliases")) return Format::kMeti;
  // OFAC legacy: no header; "ent_num,..." with -0- for empty fields.
  auto records = internal::ParseCsv(line);
  if (!records.empty()) {
    const auto& f = records[0].fields;
    std::string id = internal::CleanText(f[0]);
    bool numeric = !id.empty() && std::all_of(id.begin(), id.end(), ::isdigit);
    if (numeric && f.size() == 12) return Format::kOfacCsv;
    if (numeric && (f.size() == 6 || f.size() == 5 || f.size() == 2)) return Format::kOfacCompanion;
  }
  return Format::kUnknown;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

size_t LoadedList::alias_count() const {
  size_t n = 0;
  for (const auto& e : snapshot.entities) n += e.aliases.size();
  return n;
}

Result<LoadedList> LoadListFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string content, ReadFile(path));
  LoadedList out;
  out.path = path;
  Status s;
  switch (Detect(content)) {
    case Format::kCslCsv: s = internal::ReadCslCsv(content, &out); break;
    case Format::kCslJson: s = internal::ReadCslJson(content, &out); break;
    case Format::kOfacCsv: s = internal::ReadOfacCsv(content, &out); break;
    case Format::kBisDpl: s = internal::ReadBisDpl(content, &out); break;
    case Format::kBisEl: s = internal::ReadBisEl(content, &out); break;
    case Format::kBisUvl: s = internal::ReadBisUvl(content, &out); break;
    case Format::kIsn: s = internal::ReadIsn(content, &out); break;
    case Format::kDdtc: s = internal::ReadDdtc(content, &out); break;
    case Format::kHmt: s = internal::ReadHmt(content, &out); break;
    case Format::kMeti: s = internal::ReadMeti(content, &out); break;
    case Format::kOfacXml: s = internal::ReadOfacXml(content, &out); break;
    case Format::kUnXml: s = internal::ReadUnXml(content, &out); break;
    case Format::kEuXml: s = internal::ReadEuXml(content, &out); break;
    case Format::kOfacCompanion:
      return InvalidArgument(path +
                             ": an OFAC companion file (addresses, aliases or comments); load the primary "
                             "file of the set (sdn.csv or cons_prim.csv) instead");
    case Format::kUnknown:
      return InvalidArgument(path + ": list format not recognised");
  }
  RETURN_IF_ERROR(s);
  return out;
}

Result<std::vector<LoadedList>> LoadListPath(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    ASSIGN_OR_RETURN(LoadedList one, LoadListFile(path));
    std::vector<LoadedList> v;
    v.push_back(std::move(one));
    return v;
  }
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file()) files.push_back(it->path().string());
  if (ec) return NotFound(path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<LoadedList> out;
  for (const auto& f : files) {
    auto content = ReadFile(f);
    if (!content.ok()) return content.status();
    Format fmt = Detect(*content);
    if (fmt == Format::kUnknown || fmt == Format::kOfacCompanion) continue;
    if (fmt == Format::kCslJson && fs::path(f).extension() != ".json") continue;
    auto loaded = LoadListFile(f);
    if (!loaded.ok()) {
      // A JSON file that is not a CSL document is not a list: skip it.
      if (fmt == Format::kCslJson) continue;
      return loaded.status();
    }
    out.push_back(std::move(loaded).value());
  }
  return out;
}

}  // namespace cordon::lists
