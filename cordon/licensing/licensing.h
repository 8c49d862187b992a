// Licences held by the exporter: reading and writing them as the licence object of
// contract §2, amending them, and drawing value and quantity from them.
//
// The engine decides whether a licence authorises an act (rules/evaluator.cc, the licence
// stage); this module only keeps the licence itself: its conditions (regime, items or ECCNs,
// destinations, parties, end uses, value and quantity limits, validity dates), its lifecycle
// (expiry, suspension, revocation with an effective date, amendment) and what has been used.
// Persistence and atomic consumption are in cordon/store.
#ifndef CORDON_LICENSING_LICENSING_H_
#define CORDON_LICENSING_LICENSING_H_

#include <string>

#include <nlohmann/json.hpp>

#include "cordon/base/date.h"
#include "cordon/base/status.h"
#include "cordon/model/json_io.h"
#include "cordon/model/transaction.h"

namespace cordon::licensing {

// Reads one licence object; errors name `where` and the field (licenses[0] is reported as `where`).
Result<License> LicenceFromJson(const nlohmann::json& j, const Vocabulary& vocab, const std::string& where);
// The licence object, without the used amounts (those are kept by the store).
nlohmann::json LicenceToJson(const License& l);

// An amendment: the fields of `patch` replace the licence's; `id` cannot change; a null removes a field.
Result<License> Amend(const License& l, const nlohmann::json& patch, const Vocabulary& vocab,
                      const std::string& where);

// Revocation or suspension effective on a day (the licence authorises nothing from that day on).
enum class Withdrawal { kRevoke, kSuspend };
Result<License> Withdraw(const License& l, Withdrawal how, Date effective);

// What one shipment draws from a licence.
struct Draw {
  double value = 0;
  double quantity = 0;
};
// The draw of the items of a transaction the licence covers by item id or classification
// (value = unit value × quantity; quantity defaults to 1). Items it does not name draw nothing.
Draw DrawFor(const License& l, const Transaction& tx);

// OK when `draw` fits what is left; otherwise FailedPrecondition naming the limit and the amounts.
Status CheckFits(const License& l, double used_value, double used_quantity, const Draw& draw);

}  // namespace cordon::licensing

#endif  // CORDON_LICENSING_LICENSING_H_
