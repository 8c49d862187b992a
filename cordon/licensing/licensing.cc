#include "cordon/licensing/licensing.h"

#include <fmt/format.h>

#include "cordon/refdata/reference_data.h"

namespace cordon::licensing {

using nlohmann::json;

Result<License> LicenceFromJson(const json& j, const Vocabulary& vocab, const std::string& where) {
  // One reader for licences: the context's (model/json_io), so the rules for fields stay in one place.
  auto ctx = ContextFromJson(json{{"licenses", json::array({j})}}, vocab, where);
  if (!ctx.ok()) {
    std::string m = ctx.status().message();
    for (size_t p; (p = m.find("licenses[0].")) != std::string::npos;) m.erase(p, 12);
    for (size_t p; (p = m.find("licenses[0]")) != std::string::npos;) m.replace(p, 11, "licence");
    return InvalidArgument(m);
  }
  return ctx->licenses.at(0);
}

json LicenceToJson(const License& l) {
  json j;
  j["id"] = l.id;
  j["regime"] = std::string(l.regime.text());
  if (!l.holder.empty()) j["holder"] = l.holder;
  if (l.issued) j["issued"] = l.issued->ToString();
  if (l.expires) j["expires"] = l.expires->ToString();
  if (l.revoked) j["revoked"] = l.revoked->ToString();
  if (l.suspended) j["suspended"] = l.suspended->ToString();
  if (!l.items.empty()) j["items"] = l.items;
  if (!l.destinations.empty()) {
    json d = json::array();
    for (Symbol s : l.destinations) d.push_back(std::string(s.text()));
    j["destinations"] = d;
  }
  if (!l.parties.empty()) j["parties"] = l.parties;
  if (!l.end_uses.empty()) j["end_uses"] = l.end_uses;
  if (l.max_value) j["max_value"] = {{"amount", l.max_value->amount}, {"currency", std::string(l.max_value->currency.text())}};
  if (l.max_quantity) j["max_quantity"] = *l.max_quantity;
  return j;
}

Result<License> Amend(const License& l, const json& patch, const Vocabulary& vocab, const std::string& where) {
  if (!patch.is_object()) return InvalidArgument(where + ": an amendment is a JSON object of licence fields");
  json j = LicenceToJson(l);
  for (const auto& [k, v] : patch.items()) {
    if (k == "id" && v != j["id"]) return InvalidArgument(where + ".id: an amendment cannot change the licence id");
    if (v.is_null()) {
      j.erase(k);
    } else {
      j[k] = v;
    }
  }
  return LicenceFromJson(j, vocab, where);
}

Result<License> Withdraw(const License& l, Withdrawal how, Date effective) {
  License out = l;
  if (l.issued && effective < *l.issued) {
    return InvalidArgument(fmt::format("licence {}: effective date {} is before it was issued ({})", l.id,
                                       effective.ToString(), l.issued->ToString()));
  }
  (how == Withdrawal::kRevoke ? out.revoked : out.suspended) = effective;
  return out;
}

Draw DrawFor(const License& l, const Transaction& tx) {
  Draw d;
  for (const Item& it : tx.items) {
    Symbol cls = it.ClassificationFor(l.regime);
    bool named = l.items.empty();
    for (const auto& li : l.items) named = named || li == it.id || (!cls.empty() && EccnUnder(cls.text(), li));
    if (!named) continue;
    double q = it.quantity.value_or(1);
    d.quantity += q;
    if (it.unit_value) d.value += it.unit_value->amount * q;
  }
  return d;
}

Status CheckFits(const License& l, double used_value, double used_quantity, const Draw& draw) {
  constexpr double kCent = 1e-6;  // amounts are compared with a tolerance far below a cent
  if (l.max_value && used_value + draw.value > l.max_value->amount + kCent) {
    return FailedPrecondition(fmt::format("licence {}: a draw of {:.2f} would pass its value limit ({:.2f} used of {:.2f})",
                                          l.id, draw.value, used_value, l.max_value->amount));
  }
  if (l.max_quantity && used_quantity + draw.quantity > *l.max_quantity + kCent) {
    return FailedPrecondition(fmt::format("licence {}: a draw of {} units would pass its quantity limit ({} used of {})",
                                          l.id, draw.quantity, used_quantity, *l.max_quantity));
  }
  return Status::Ok();
}

}  // namespace cordon::licensing
