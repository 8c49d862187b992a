// Accepted false positives ("good guys"): a reviewer has looked at a hit of
// a party on a list entry and decided they are not the same. The decision is
// kept keyed on the party and the entry, with a fingerprint of the entry as
// it was then; when the entry changes (a new alias, address, programme...)
// the fingerprint no longer matches and the hit must be reviewed again.
//
//   ASSIGN_OR_RETURN(GoodGuyList gg, GoodGuyList::Load("accepted.jsonl"));
//   switch (gg.Check(party_name, entity).status) { ... }
//
// File: JSON Lines, one object per line (blank lines and lines starting with
// '#' are skipped):
//   {"party": "Huawei Tech Ltd (Helsinki)", "list": "US.EL", "entity": "1234",
//    "fingerprint": "3f0c...", "reviewer": "A. Officer", "date": "2026-11-29",
//    "reason": "Finnish reseller, no relation"}
// party, list, entity and fingerprint are required (EntryFingerprint()).
// Parties are compared case-insensitively with runs of spaces collapsed.
//
// Values only; a loaded list is immutable and may be shared between threads.
#ifndef CORDON_SCREENING_GOOD_GUYS_H_
#define CORDON_SCREENING_GOOD_GUYS_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cordon/base/status.h"
#include "cordon/lists/list_entity.h"

namespace cordon::screening {

// 16 hex digits of SHA-256 over the entry's content: names, aliases, type,
// addresses, countries, programmes, dates, Federal Register citation,
// licence requirement, review policy, footnotes and remarks (not the
// publisher's last-update stamp or its URL).
std::string EntryFingerprint(const lists::ListEntity& e);

struct GoodGuy {
  std::string party, list, entity, fingerprint, reviewer, date, reason;
  int line = 0;  // in the file
};

class GoodGuyList {
 public:
  static Result<GoodGuyList> Load(const std::string& path);
  // `where` names the source in messages ("accepted.jsonl").
  static Result<GoodGuyList> Parse(std::string_view text, const std::string& where);

  enum class Status {
    kNone,      // no decision for this party and entry
    kAccepted,  // a false positive, and the entry has not changed since
    kStale,     // accepted once, but the entry has changed: review again
  };
  struct Verdict {
    Status status = Status::kNone;
    const GoodGuy* record = nullptr;  // the decision, when there is one
  };
  Verdict Check(std::string_view party, const lists::ListEntity& e) const;
  // For people: "accepted false positive by A. Officer on 2026-11-29: reason", with
  // ", but the entry has changed since: review again" when stale; empty for kNone.
  static std::string Note(const Verdict& v);

  // A line recording `party` on `e` as accepted (for appending to the file).
  static std::string Record(std::string_view party, const lists::ListEntity& e, std::string_view reviewer,
                            std::string_view date, std::string_view reason);

  size_t size() const { return records_.size(); }

 private:
  std::vector<GoodGuy> records_;
  // (folded party, list + '\t' + entity) -> record index; a later line wins.
  std::map<std::pair<std::string, std::string>, size_t> by_key_;
};

}  // namespace cordon::screening

#endif  // CORDON_SCREENING_GOOD_GUYS_H_
