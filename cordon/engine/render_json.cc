// Engine::RenderJsonText: the determination JSON written straight into one string.
//
// RenderJson builds a nlohmann::json tree (a map node and a string per field, a few hundred
// allocations for one determination) that `cordon serve` then dumps and throws away; on the
// service's hot path that cost more than the determination itself (docs/performance.md § Service).
// This writes the same text directly. nlohmann::json keeps object members sorted by key, so each
// object below writes its members in that order; render_json_test.cc holds both renderings to the
// same bytes over every case file.
#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cordon/engine/engine.h"
#include "cordon/model/json_text.h"

namespace cordon {

namespace {

// Member writers: `out` gets ,"key": before each member but the first of its object.
struct Obj {
  std::string& out;
  bool first = true;
  explicit Obj(std::string& o) : out(o) { out += '{'; }
  std::string& Key(std::string_view k) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, k);
    out += ':';
    return out;
  }
  void Str(std::string_view k, std::string_view v) { AppendJsonString(Key(k), v); }
  void Bool(std::string_view k, bool v) { AppendJsonBool(Key(k), v); }
  void StrOrNull(std::string_view k, const char* v) {
    if (v) Str(k, v);
    else Key(k) += "null";
  }
  void End() { out += '}'; }
};

void Comma(std::string& out, bool* first) {
  if (!*first) out += ',';
  *first = false;
}

// [each(x), ...] over a range; `each` appends one element to `out`.
template <typename Range, typename Each>
void Array(std::string& out, const Range& range, Each each) {
  out += '[';
  bool first = true;
  for (const auto& x : range) {
    Comma(out, &first);
    each(x);
  }
  out += ']';
}

}  // namespace

std::string Engine::RenderJsonText(const Decision& d, bool trace) const {
  const Determination& det = d.det;
  const auto& rules = rules_->rules();
  std::string out;
  out.reserve(4096 + (trace ? 64 * det.trace.size() : 0));
  auto item_of = [&](int unit) -> const Item* { return unit >= 0 ? d.input.units[unit].item : nullptr; };
  auto policy = [](ReviewPolicy p) { return p == ReviewPolicy::kNone ? nullptr : ReviewPolicyName(p); };

  // A requirement (ReasonJson): because, cite, entries, item, licence, note, outcome, overcome_by,
  // review_policy, rule, unverified_sets, verified.
  auto reason = [&](const Reason& r, bool otherwise) {
    const Rule& rule = rules[r.rule];
    std::string cite = rule.cite;
    for (int i = 0; i < r.n_rows; ++i) {
      if (!r.rows[i]->cite.empty() && cite.find(r.rows[i]->cite) == std::string::npos) cite += "; " + r.rows[i]->cite;
    }
    std::string because = RenderExplain(d, r, otherwise && !rule.otherwise.empty() ? rule.otherwise : rule.explain);
    if (r.outcome == Outcome::kUndetermined && rule.outcome != Outcome::kUndetermined) {
      because = rule.title.empty() ? rule.id : rule.title;
    }
    if (r.outcome == Outcome::kUndetermined && r.n_missing > 0) {
      because += " — cannot tell without: ";
      for (int i = 0; i < r.n_missing; ++i) {
        because += (i ? ", " : "") + rules_->program().MissingPath(r.missing[i], r.unit >= 0 ? &d.input.units[r.unit] : nullptr);
      }
    }
    Obj o(out);
    o.Str("because", because);
    o.Str("cite", cite);
    if (r.n_entries > 0) {
      std::string& e = o.Key("entries");
      Array(e, std::span(r.entries, static_cast<size_t>(r.n_entries)), [&](const ListEntry* le) {
        Obj ej(e);
        if (!le->footnotes.empty()) Array(ej.Key("footnotes"), le->footnotes, [&](int f) { e += std::to_string(f); });
        if (!le->license_requirement.empty()) ej.Str("license_requirement", le->license_requirement);
        ej.Str("list", le->list.text());
        ej.Str("name", le->name);
        if (!le->verified && !le->note.empty()) ej.Str("note", le->note);
        if (!le->review_policy.empty()) ej.Str("review_policy", le->review_policy);
        ej.Bool("verified", le->verified);
        ej.End();
      });
    }
    if (const Item* it = item_of(r.unit)) o.Str("item", it->id);
    if (r.licence) {
      Obj l(o.Key("licence"));
      if (r.licence_state == LicenceState::kExpired && r.licence->expires) l.Str("expires", r.licence->expires->ToString());
      l.Str("id", r.licence->id);
      if (r.licence_state == LicenceState::kRevoked && r.licence->revoked) l.Str("revoked", r.licence->revoked->ToString());
      l.Str("state", LicenceStateName(r.licence_state));
      l.End();
    }
    if (!rule.note.empty()) o.Str("note", rule.note);
    o.Str("outcome", OutcomeName(r.outcome));
    if (r.overcome_by >= 0) {
      const Rule& ex = rules[r.overcome_by];
      Obj ob(o.Key("overcome_by"));
      ob.Str("cite", ex.cite);
      ob.Str("rule", ex.id);
      ob.End();
    }
    o.StrOrNull("review_policy", policy(r.policy));
    o.Str("rule", rule.id);
    if (!rule.unverified_sets.empty()) {
      Array(o.Key("unverified_sets"), rule.unverified_sets, [&](const NamedSet* set) {
        Obj so(out);
        so.Str("name", set->name);
        so.Str("note", set->note);
        so.Str("set", set->id.text());
        so.End();
      });
    }
    o.Bool("verified", rule.verified);
    o.End();
  };

  Obj top(out);
  top.Str("date", d.date.ToString());
  top.Bool("hold", det.hold);

  // Jurisdictions by regime code, as a JSON object keeps them (a later one of the same code wins).
  std::vector<const Jurisdiction*> by_code;
  by_code.reserve(det.jurisdictions.size());
  for (const Jurisdiction& j : det.jurisdictions) by_code.push_back(&j);
  std::stable_sort(by_code.begin(), by_code.end(),
                   [](const Jurisdiction* a, const Jurisdiction* b) { return a->regime.text() < b->regime.text(); });
  {
    Obj juris(top.Key("jurisdictions"));
    for (size_t n = 0; n < by_code.size(); ++n) {
      if (n + 1 < by_code.size() && by_code[n + 1]->regime.text() == by_code[n]->regime.text()) continue;
      const Jurisdiction& j = *by_code[n];
      Obj jj(juris.Key(j.regime.text()));
      if (!j.classified.empty()) {
        Array(jj.Key("classification"), j.classified, [&](const Reason& r) {
          const Rule& rule = rules[r.rule];
          Obj o(out);
          o.Str("because", RenderExplain(d, r, rule.explain));
          o.Str("cite", rule.cite);
          o.Str("classification", rule.classify_as.text());
          const Item* it = item_of(r.unit);
          o.Str("item", it ? std::string_view(it->id) : std::string_view());
          o.Str("rule", rule.id);
          o.Bool("verified", rule.verified);
          o.End();
        });
      }
      Array(jj.Key("exceptions"), j.exceptions, [&](const Reason& r) {
        const Rule& rule = rules[r.rule];
        Obj o(out);
        o.Str("because", RenderExplain(d, r, rule.explain));
        o.Str("cite", rule.cite);
        o.Str("rule", rule.id);
        o.End();
      });
      {
        std::vector<std::string> missing;
        for (const MissingFact& m : j.missing) {
          std::string p = rules_->program().MissingPath(m.ref, m.unit >= 0 ? &d.input.units[m.unit] : nullptr);
          if (std::find(missing.begin(), missing.end(), p) == missing.end()) missing.push_back(std::move(p));
        }
        Array(jj.Key("missing"), missing, [&](const std::string& m) { AppendJsonString(out, m); });
      }
      jj.Str("outcome", OutcomeName(j.outcome));
      {
        std::string& rs = jj.Key("reasons");
        rs += '[';
        bool first = true;
        if (j.outcome == Outcome::kNotSubject) {
          j.ForEachNotReached([&](const Reason& r) {
            Comma(rs, &first);
            reason(r, true);
          });
        }
        for (const Reason& r : j.reasons) {
          Comma(rs, &first);
          reason(r, false);
        }
        rs += ']';
      }
      jj.StrOrNull("review_policy", policy(j.policy));
      {
        Obj s(jj.Key("subject"));
        Array(s.Key("because"), j.subject_because, [&](const Reason& r) {
          const Rule& rule = rules[r.rule];
          Obj o(out);
          o.Str("because", RenderExplain(d, r, rule.explain));
          o.Str("cite", rule.cite);
          if (const Item* it = item_of(r.unit)) o.Str("item", it->id);
          o.Str("rule", rule.id);
          o.Bool("verified", rule.verified);
          o.End();
        });
        if (j.subject == Tri::kUnknown) s.Key("value") += "null";
        else s.Bool("value", j.subject == Tri::kTrue);
        s.End();
      }
      const std::vector<std::string> unverified = UnverifiedBasis(j);
      Array(jj.Key("unverified"), unverified, [&](const std::string& u) { AppendJsonString(out, u); });
      jj.Bool("verified", !j.rests_on_unverified && unverified.empty());
      jj.End();
    }
    juris.End();
  }

  Array(top.Key("notes"), det.notes, [&](const std::string& n) { AppendJsonString(out, n); });
  top.Str("overall", OutcomeName(det.overall));
  top.Str("rules_version", rules_->hash());
  Array(top.Key("screening"), d.screening, [&](const ScreeningHit& h) {
    Obj o(out);
    o.Str("entry", h.entry->name);
    o.Str("list", h.entry->list.text());
    if (!h.matched_name.empty()) o.Str("matched_name", h.matched_name);
    o.Str("matched_on", h.matched_on);
    if (!h.entry->verified && !h.entry->note.empty()) o.Str("note", h.entry->note);
    o.Str("party", h.party);
    if (!h.review.empty()) o.Str("review", h.review);
    AppendJsonNumber(o.Key("score"), h.score);
    o.Str("status", h.accepted ? "accepted" : h.possible ? "possible" : "match");
    o.Bool("verified", h.entry->verified);
    if (!h.why.empty()) o.Str("why", h.why);
    o.End();
  });
  if (!d.supply_chain.empty()) {
    // Rare, and rendered by the supply-chain module as a tree: dumped as it is.
    Array(top.Key("supply_chain"), d.supply_chain, [&](const ProductDerivation& dv) { out += DerivationJson(dv).dump(); });
  }
  if (trace) {
    Array(top.Key("trace"), det.trace, [&](const TraceStep& step) {
      const Rule& rule = rules[step.rule];
      const Item* it = item_of(step.unit);
      AppendJsonString(out, fmt::format("{} {} [{}] item {}: {}", rule.regime.text(), rule.id, StageName(rule.stage),
                                      it ? std::string_view(it->id) : std::string_view("-"),
                                      step.result == Tri::kTrue    ? "true"
                                      : step.result == Tri::kFalse ? "false"
                                                                   : "unknown"));
    });
  }
  top.Str("transaction", d.tx.id);
  top.End();
  return out;
}

}  // namespace cordon
