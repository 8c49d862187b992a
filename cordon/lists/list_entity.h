// ListEntity: one party on one restricted-party list, in one model for every
// published format (OFAC CSV/XML, the trade.gov CSL, BIS tab files, UN, EU,
// HM Treasury, METI). A ListSnapshot is one list as of one date; DiffSnapshots
// tells what changed between two of them.
//
// Values only; safe to copy between threads.
#ifndef CORDON_LISTS_LIST_ENTITY_H_
#define CORDON_LISTS_LIST_ENTITY_H_

#include <optional>
#include <string>
#include <vector>

#include "cordon/base/date.h"

namespace cordon::lists {

enum class EntityType { kUnknown, kIndividual, kEntity, kVessel, kAircraft };
const char* EntityTypeName(EntityType type);

struct Address {
  std::string text;     // street, city, postal code as published, joined by ", "
  std::string country;  // ISO 3166-1 alpha-2, empty when unknown
  friend bool operator==(const Address&, const Address&) = default;
};

struct ListEntity {
  // Which list: "US.SDN", "US.EL", "US.DPL", "US.MEU", "US.UVL", "US.ISN",
  // "US.DTC", "US.SSI", "US.CMIC", "US.NONSDN" (OFAC consolidated), "UN",
  // "EU.FSF", "UK.HMT", "JP.EUL"... The CSL's sources map to "US." + the
  // abbreviation in brackets of the source name.
  std::string list;
  // The publisher's id of the entry (OFAC ent_num, UN DATAID, EU Id, HMT
  // Group ID, METI no.); for lists without ids, a stable id made by the loader
  // from the name ("name:<primary name>").
  std::string source_id;
  std::string name;                  // primary name as published (control bytes stripped)
  std::vector<std::string> aliases;  // a.k.a., f.k.a., native-script forms; no duplicates
  EntityType type = EntityType::kUnknown;
  std::vector<Address> addresses;    // distinct; duplicates are merged by the loader
  std::vector<std::string> countries;  // ISO-2 of addresses, nationalities, citizenships; sorted, distinct
  std::vector<std::string> programs;   // sanctions programmes / regimes ("SDGT", "CMIC-EO13959")
  std::optional<Date> start_date;    // listed on / effective date
  std::optional<Date> end_date;      // expiration, when the list states one
  std::optional<Date> last_update;
  std::string federal_register;      // FR citation(s) as published ("84 FR 22961, 85 FR 29852")
  // Entity List (and MEU) specifics: the licence requirement and review policy
  // as published, and the footnote numbers attached to them in Supp. 4 to
  // part 744 ("734.9(e)1" -> 1, "§ 734.9(g),3" -> 3, "...of the EAR2" -> 2).
  std::string license_requirement;
  std::string license_policy;
  std::vector<int> footnotes;        // sorted, distinct
  std::string remarks;
  std::string source_url;

  friend bool operator==(const ListEntity&, const ListEntity&) = default;
};

// One list as of one date.
struct ListSnapshot {
  std::string list;                // the list id when the file holds one list, else "US.CSL"
  std::optional<Date> date;        // the date the publisher gives, else a date in the path
  std::vector<ListEntity> entities;
};

struct EntityChange {
  ListEntity before;
  ListEntity after;
  std::vector<std::string> fields;  // names of the fields that differ ("aliases", "addresses"...)
};

struct SnapshotDiff {
  std::vector<ListEntity> added;
  std::vector<ListEntity> removed;
  std::vector<EntityChange> changed;
};

// Entries are matched on (list, source_id). The output is sorted by list then
// source id (numerically when both ids are numbers).
SnapshotDiff DiffSnapshots(const ListSnapshot& old_snapshot, const ListSnapshot& new_snapshot);

}  // namespace cordon::lists

#endif  // CORDON_LISTS_LIST_ENTITY_H_
