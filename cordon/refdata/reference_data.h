// ReferenceData: the facts the rules point into — countries, country groups of
// every regime (dated membership), the Commerce Country Chart and the CCL's
// licence-requirement rows, and bundled list entries. Loaded once at start-up
// from refdata/ (see refdata/README.md); immutable afterwards and thread-safe.
#ifndef CORDON_REFDATA_REFERENCE_DATA_H_
#define CORDON_REFDATA_REFERENCE_DATA_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cordon/base/date.h"
#include "cordon/base/interner.h"
#include "cordon/base/status.h"
#include "cordon/model/json_io.h"
#include "cordon/model/transaction.h"

namespace cordon {

// A named set with dated membership: a country group, an ECCN list.
struct DatedMember {
  Symbol value;
  DateInterval when;
};

struct NamedSet {
  Symbol id;  // e.g. US:D:5
  std::string name;
  std::string cite;
  bool verified = true;
  std::string note;
  bool eccn_hierarchy = false;  // members are ECCN paragraph prefixes
  std::vector<DatedMember> members;

  bool Contains(Symbol v, Date d) const {
    for (const auto& m : members) {
      if (m.value == v && m.when.Contains(d)) return true;
    }
    return false;
  }
};

// One licence-requirement row of an ECCN (Supp. 1 to part 774), in evaluable form.
struct ChartRow {
  Symbol reason;                     // NS, RS, AT, ...
  bool applies_to_all = false;
  std::vector<std::string> applies_to;  // ECCN paragraph prefixes
  Symbol column;                     // "NS 2" when the row points into the Country Chart
  bool worldwide = false;
  std::vector<Symbol> dest_groups;   // group ids
  std::vector<Symbol> dest_countries;
  std::vector<Symbol> except_groups;
  bool unparsed = false;
  std::string cite;
  std::string text;
  DateInterval when;                 // from the history overlay; default: always
};

struct CclEntry {
  std::string eccn;
  std::string heading;
  std::vector<ChartRow> rows;
  DateInterval when;                 // an ECCN that exists only for a period (3B090)
};

// Tri-state answer for facts looked up in reference data.
enum class Tri : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };

class ReferenceData {
 public:
  // Loads every file under `dir` (refdata/). Errors name the file and field.
  static Result<std::shared_ptr<const ReferenceData>> Load(const std::string& dir);

  const Vocabulary& vocabulary() const { return vocab_; }
  // Regimes in the order of refdata/regimes.json, with their names.
  const std::vector<Symbol>& regime_order() const { return regime_order_; }
  std::string RegimeName(Symbol r) const;
  const NamedSet* FindSet(Symbol id) const;
  // Every set loaded from refdata/ (country groups and the like), for tools that list their dates.
  const std::unordered_map<uint32_t, NamedSet>& sets() const { return sets_; }
  const std::vector<ListEntry>& list_entries() const { return list_entries_; }
  const std::vector<std::string>& files() const { return files_; }
  const std::string& ContentHash() const { return hash_; }

  // Does the CCL/Country Chart require a licence for `eccn` to `country` on `date`?
  // Fills `rows` (up to max_rows) with the rows that require it. kUnknown when the ECCN
  // is not in the CCL, its paragraph is too coarse to tell, or a row that may apply
  // could not be read into evaluable form.
  Tri ChartRequires(Symbol eccn, Symbol country, Date date, const ChartRow** rows, int* n_rows,
                    int max_rows) const;
  const CclEntry* FindEccn(std::string_view eccn) const;
  std::string CountryName(Symbol code) const;

  // Adds sets declared elsewhere (rule files) — used while the rule set is built.
  void AddSet(NamedSet set);

 private:
  Status LoadCountries(const std::string& path);
  Status LoadRegimes(const std::string& path);
  Status LoadGroups(const std::string& path);
  Status LoadChart(const std::string& path);
  Status LoadCcl(const std::string& path);
  Status LoadCclHistory(const std::string& path);
  Status LoadListEntries(const std::string& path);
  Tri ColumnMarked(Symbol column, Symbol country, Date date) const;

  Vocabulary vocab_;
  std::vector<Symbol> regime_order_;
  std::unordered_map<uint32_t, std::string> regime_names_;
  std::unordered_map<uint32_t, std::string> country_names_;
  std::unordered_map<uint32_t, NamedSet> sets_;
  std::unordered_map<uint32_t, std::vector<Symbol>> chart_rows_;  // country → marked columns
  std::unordered_map<uint32_t, std::string> embargoed_;
  struct Inherit { Symbol country, row; DateInterval when; };
  std::vector<Inherit> inherit_;
  std::unordered_map<std::string, CclEntry> ccl_;
  std::unordered_map<uint64_t, const CclEntry*> ccl_by_key_;  // 5-character ECCN packed, for the hot path
  void IndexCcl();
  std::vector<ListEntry> list_entries_;
  std::vector<std::string> files_;
  std::string hash_;
  std::string chart_cite_;
};

// True when `eccn` lies under `prefix` on paragraph boundaries ("3B001.c.1" under "3B001.c").
// A prefix ending in '*' matches any continuation ("3B*").
bool EccnUnder(std::string_view eccn, std::string_view prefix);
// True when `prefix` lies under `eccn`, i.e. the classification is too coarse to tell.
bool EccnCoarser(std::string_view eccn, std::string_view prefix);

}  // namespace cordon

#endif  // CORDON_REFDATA_REFERENCE_DATA_H_
