// Loading restricted-party lists as their publishers ship them. The format is
// recognised from the content (the XML root element, the CSV header, the shape
// of header-less OFAC rows), never from the file name alone.
//
// Formats: OFAC legacy CSV set (sdn.csv + add.csv + alt.csv + sdn_comments.csv,
// and the non-SDN cons_prim.csv set), OFAC XML (sdn.xml, consolidated.xml),
// trade.gov CSL CSV (2019 layout and current layout with `_id`) and CSL JSON,
// BIS Denied Persons tab file, BIS Entity List / MEU source CSV, BIS Unverified
// List CSV, State ISN CSV, State DDTC debarred CSV, UN consolidated XML, EU
// financial-sanctions XML (legacy v1), HM Treasury consolidated CSV, METI End
// User List CSV.
//
// Dirty records never fail a load: an impossible date (outside 1900..2099, such
// as 3017-08-22) is dropped from the entity, control bytes are stripped, rows
// repeated per address or per alias are merged into one entity; each such
// repair is counted in `warnings`. A load fails only when the file cannot be
// read or its format is not recognised, or when a recognised file holds no
// entity at all (a truncated download must not pass as an empty list).
#ifndef CORDON_LISTS_LOADER_H_
#define CORDON_LISTS_LOADER_H_

#include <string>
#include <vector>

#include "cordon/base/status.h"
#include "cordon/lists/list_entity.h"

namespace cordon::lists {

struct LoadWarning {
  std::string where;    // "file:line" or "file:entry id"
  std::string message;  // what was repaired or dropped
};

struct LoadedList {
  std::string path;
  std::string format;   // "ofac-csv", "ofac-xml", "csl-csv", "csl-json", "bis-dpl", "bis-el-csv",
                        // "bis-uvl-csv", "isn-csv", "ddtc-csv", "un-xml", "eu-fsf-xml", "hmt-csv",
                        // "meti-eul-csv"
  ListSnapshot snapshot;
  std::vector<LoadWarning> warnings;

  size_t alias_count() const;
};

// Loads one list file. For the OFAC legacy CSV set, pass the primary file
// (sdn.csv or cons_prim.csv); its companions in the same folder (add, alt,
// comments) are read when present. Passing a companion alone fails with
// InvalidArgument naming the primary file to pass instead.
Result<LoadedList> LoadListFile(const std::string& path);

// Loads every recognised list file in a folder (recursively, sorted by path),
// skipping OFAC companion files and files whose format is not recognised;
// a path naming a file loads that file.
Result<std::vector<LoadedList>> LoadListPath(const std::string& path);

}  // namespace cordon::lists

#endif  // CORDON_LISTS_LOADER_H_
