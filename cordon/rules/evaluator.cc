#include "cordon/rules/evaluator.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace cordon {

const char* LicenceStateName(LicenceState s) {
  switch (s) {
    case LicenceState::kNone: return "none";
    case LicenceState::kValid: return "valid";
    case LicenceState::kNotYetValid: return "not yet valid";
    case LicenceState::kExpired: return "expired";
    case LicenceState::kRevoked: return "revoked";
    case LicenceState::kSuspended: return "suspended";
    case LicenceState::kExhausted: return "exhausted";
    case LicenceState::kNotCovering: return "does not cover this act";
  }
  return "?";
}

namespace {

// The most trace steps one item can take through a regime's rules in force: each rule runs at
// most once per item.
size_t RuleSteps(const RuleSet::ActiveRules& a) {
  return a.scope_pass.size() + a.classify_pass.size() + a.requirements.size() + a.exceptions.size();
}

ReviewPolicy Stricter(ReviewPolicy a, ReviewPolicy b) { return a > b ? a : b; }

// The entry's policy text on `d`, after any dated change.
const std::string& EntryPolicyText(const ListEntry& e, Date d) {
  const std::string* text = &e.review_policy;
  Date best = Date::Min();
  for (const auto& h : e.history) {
    if (h.review_policy && h.from <= d && best <= h.from) {
      text = &*h.review_policy;
      best = h.from;
    }
  }
  return *text;
}

std::string Fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

Reason& Evaluator::AddReason(std::vector<Reason>* to, int rule, int unit, const rules::Frame& f) {
  Reason& r = to->emplace_back();
  r.rule = rule;
  r.unit = unit;
  // Most reasons (the 'else' lines of scope rules) carry no evidence: copy only what there is,
  // as whole arrays (a few vector moves) rather than element by element against two bounds.
  static_assert(sizeof r.rows <= sizeof f.rows && sizeof r.entries <= sizeof f.entries && sizeof r.missing <= sizeof f.missing);
  if (f.n_rows) {
    r.n_rows = std::min(f.n_rows, 4);
    std::memcpy(r.rows, f.rows, sizeof r.rows);
  }
  if (f.n_entries) {
    r.n_entries = std::min(f.n_entries, 4);
    std::memcpy(r.entries, f.entries, sizeof r.entries);
  }
  if (f.n_missing) {
    r.n_missing = std::min(f.n_missing, 6);
    std::memcpy(r.missing, f.missing, sizeof r.missing);
  }
  return r;
}

inline void Evaluator::AddNotReached(Jurisdiction* j, int rule, int unit, Outcome outcome, const rules::Frame& f) {
  if (f.n_rows | f.n_entries | f.n_missing) [[unlikely]] {
    AddNotReachedFull(j, rule, unit, outcome, f);
    return;
  }
  j->not_reached.push_back(Jurisdiction::NotReached{rule, unit, -1, outcome});
}

void Evaluator::AddNotReachedFull(Jurisdiction* j, int rule, int unit, Outcome outcome, const rules::Frame& f) {
  const int full = static_cast<int>(j->not_reached_full.size());
  AddReason(&j->not_reached_full, rule, unit, f).outcome = outcome;
  j->not_reached.push_back(Jurisdiction::NotReached{rule, unit, full, outcome});
}

ReviewPolicy Evaluator::PolicyFor(const Rule& r, rules::Frame& f, Reason* reason) {
  const rules::Program& prog = rules_.program();
  auto run_cases = [&](const std::vector<Rule::PolicyCase>& cases) {
    for (size_t i = 0; i < cases.size(); ++i) {
      if (cases[i].when < 0) return cases[i].policy;
      Tri t = prog.Truth(cases[i].when, f);
      if (t == Tri::kTrue) return cases[i].policy;
      if (t == Tri::kUnknown) {
        // Fail closed: the strictest policy this case or a later one could give.
        ReviewPolicy strict = cases[i].policy;
        for (size_t k = i + 1; k < cases.size(); ++k) strict = Stricter(strict, cases[k].policy);
        for (int m = 0; m < f.n_missing && reason->n_missing < 6; ++m) reason->missing[reason->n_missing++] = f.missing[m];
        return strict;
      }
    }
    return ReviewPolicy::kNone;
  };
  if (r.policy_from_entry && reason->n_entries > 0) {
    ReviewPolicy p = ReviewPolicy::kNone;
    for (int i = 0; i < reason->n_entries; ++i) {
      const ListEntry& e = *reason->entries[i];
      const auto* structured = e.parsed_policy >= 0
                                   ? static_cast<const std::vector<Rule::PolicyCase>*>(e.compiled_policy)
                                   : rules_.EntryPolicy(e);
      bool dated = false;
      for (const auto& h : e.history) dated = dated || h.review_policy.has_value();
      ReviewPolicy ep = structured ? run_cases(*structured)
                        : (e.parsed_policy >= 0 && !dated) ? static_cast<ReviewPolicy>(e.parsed_policy)
                                                           : ParseReviewPolicy(EntryPolicyText(e, f.in->date));
      p = Stricter(p, ep);
    }
    if (p != ReviewPolicy::kNone) return p;
  }
  return run_cases(r.policy);
}

void Evaluator::ApplyLicences(const std::vector<const License*>& licences, const rules::EvalInput& in,
                              Jurisdiction* j) {
  if (licences.empty()) return;
  for (Reason& reason : j->reasons) {
    if (reason.outcome != Outcome::kLicenseRequired) continue;
    const rules::UnitView* unit = reason.unit >= 0 ? &in.units[reason.unit] : nullptr;
    for (const License* l : licences) {
      if (l->regime != j->regime) continue;
      // Does it cover this act? Items by classification (or item id), destination, parties.
      bool item_ok = l->items.empty();
      if (unit && unit->item) {
        Symbol cls = unit->derived_by[j->regime_index] >= 0 ? unit->derived_class[j->regime_index]
                                                            : unit->item->ClassificationFor(j->regime);
        for (const auto& li : l->items) {
          if (li == unit->item->id || (!cls.empty() && EccnUnder(cls.text(), li))) item_ok = true;
        }
      }
      bool dest_ok = l->destinations.empty() ||
                     std::find(l->destinations.begin(), l->destinations.end(), in.tx->destination) != l->destinations.end();
      bool party_ok = l->parties.empty();
      for (const auto& lp : l->parties) {
        for (const auto& p : in.tx->parties) party_ok = party_ok || Fold(lp) == Fold(p.name);
      }
      // A licence for named end uses covers only an act whose stated purposes are all among them.
      bool use_ok = l->end_uses.empty() || !in.tx->purpose.empty();
      for (Symbol pu : in.tx->purpose) {
        use_ok = use_ok && (l->end_uses.empty() || std::find(l->end_uses.begin(), l->end_uses.end(), pu.text()) != l->end_uses.end());
      }
      LicenceState state;
      if (!item_ok || !dest_ok || !party_ok || !use_ok) {
        state = LicenceState::kNotCovering;
      } else if (l->issued && in.date < *l->issued) {
        state = LicenceState::kNotYetValid;
      } else if (l->revoked && !(in.date < *l->revoked)) {
        state = LicenceState::kRevoked;
      } else if (l->suspended && !(in.date < *l->suspended)) {
        state = LicenceState::kSuspended;
      } else if (l->expires && *l->expires < in.date) {
        state = LicenceState::kExpired;
      } else if (l->max_value && unit && unit->item && unit->item->unit_value &&
                 (l->used_value ? l->used_value->amount : 0) +
                         unit->item->unit_value->amount * unit->item->quantity.value_or(1) >
                     l->max_value->amount) {
        state = LicenceState::kExhausted;
      } else if (l->max_quantity && unit && unit->item && unit->item->quantity &&
                 l->used_quantity.value_or(0) + *unit->item->quantity > *l->max_quantity) {
        state = LicenceState::kExhausted;
      } else {
        state = LicenceState::kValid;
      }
      // Keep the most telling licence: a valid one, else one that covers but cannot authorise.
      if (state == LicenceState::kValid) {
        reason.licence = l;
        reason.licence_state = state;
        reason.outcome = Outcome::kAuthorized;
        break;
      }
      if (state != LicenceState::kNotCovering || reason.licence == nullptr) {
        reason.licence = l;
        reason.licence_state = state;
      }
    }
  }
}

void Evaluator::EvaluateRegime(int ri, const RuleSet::ActiveRules& active, rules::EvalInput& in,
                               const std::vector<const License*>& licences, Jurisdiction* j) {
  const rules::Program& prog = rules_.program();
  rules::Frame& f = frame_;
  f.in = &in;
  // Indexed by position in active.scope_pass (contiguous, unlike rule indices).
  if (otherwise_stamp_.size() < active.scope_pass.size()) otherwise_stamp_.resize(active.scope_pass.size(), 0);
  uint32_t* const else_stamp = otherwise_stamp_.data();
  const uint32_t stamp = ++stamp_;
  // The loops below keep the trace cursor in a register (the member would be reloaded and stored
  // around every call); it goes back to the member on every way out.
  TraceStep* next_step = trace_next_;
  struct StoreBack {
    TraceStep*& to;
    TraceStep*& from;
    ~StoreBack() { to = from; }
  } store_back{trace_next_, next_step};
  j->regime = rules_.regimes()[ri];
  j->regime_index = ri;
  bool reach_unknown = false;
  auto trace = [&](int rule, int unit, Tri t) {
    if (next_step) *next_step++ = TraceStep{rule, unit, t};
  };
  auto add_missing = [&](const Reason& r) {
    for (int i = 0; i < r.n_missing; ++i) {
      bool dup = false;
      for (const auto& m : j->missing) {
        dup = dup || (m.ref.fact == r.missing[i].fact && m.ref.arg == r.missing[i].arg &&
                      m.ref.party == r.missing[i].party && m.unit == r.unit);
      }
      if (!dup) j->missing.push_back(MissingFact{r.missing[i], r.unit, r.rule});
    }
  };
  auto note_unverified = [&](const RuleSet::HotRule& r) {
    if (!r.verified) j->rests_on_unverified = true;
  };

  // Classification, then scope, per unit. When no scope rule reads the classification, scope
  // runs first and the classification (classify_pass) only if the regime reaches or may reach the
  // act: an item's derived class under a regime that does not reach it answers nothing.
  auto classify = [&](size_t u, const RuleSet::HotRule& r, Tri t) {
    rules::UnitView& unit = in.units[u];
    if (t == Tri::kTrue && unit.derived_by[ri] < 0) {
      unit.derived_by[ri] = r.index;
      unit.derived_class[ri] = r.classify_as;
      ++f.epoch;  // memoised definitions may read the classification
      AddReason(&j->classified, r.index, static_cast<int>(u), f);
      note_unverified(r);
    }
  };
  for (size_t u = 0; u < in.units.size(); ++u) {
    rules::UnitView& unit = in.units[u];
    f.SetUnit(&unit);
    unit.derived_by[ri] = -1;
    unit.n_subject_rules[ri] = 0;
    Tri subject = Tri::kFalse;
    const RuleSet::HotRule* const scope = active.scope_pass.data();
    const size_t n_scope = active.scope_pass.size();
    for (size_t k = 0; k < n_scope; ++k) {
      const RuleSet::HotRule& r = scope[k];
      const int idx = r.index;
      f.Reset();
      Tri t = prog.Truth(r.condition, f);
      trace(idx, static_cast<int>(u), t);
      if (r.effect == Effect::kClassify) {
        classify(u, r, t);
        continue;
      }
      // Scope rules.
      if (t == Tri::kTrue) {
        AddReason(&j->subject_because, idx, static_cast<int>(u), f).outcome = Outcome::kNoLicenseRequired;
        note_unverified(r);
        if (r.effect == Effect::kSubject) {
          subject = Tri::kTrue;
          if (unit.n_subject_rules[ri] < 6) unit.subject_rules[ri][unit.n_subject_rules[ri]++] = static_cast<int16_t>(idx);
        }
        j->reached = true;
      } else if (t == Tri::kUnknown) {
        AddNotReached(j, idx, static_cast<int>(u), Outcome::kUndetermined, f);
        else_stamp[k] = stamp;
        if (r.effect == Effect::kSubject && subject == Tri::kFalse) subject = Tri::kUnknown;
        reach_unknown = true;
      } else if (r.has_otherwise && else_stamp[k] != stamp) {
        else_stamp[k] = stamp;  // one 'else' line per rule, whatever the number of items
        AddNotReached(j, idx, static_cast<int>(u), Outcome::kNotSubject, f);
      }
    }
    unit.subject[ri] = subject;
    if (subject == Tri::kUnknown) {
      // Only now do the scope rules' missing facts matter: nothing else decided the item.
      // (A not-reached rule without evidence has no missing facts: only the full ones count.)
      for (const Reason& n : j->not_reached_full) {
        if (n.unit == static_cast<int>(u) && n.outcome == Outcome::kUndetermined) add_missing(n);
      }
    }
    if (subject == Tri::kTrue) j->subject = Tri::kTrue;
    else if (subject == Tri::kUnknown && j->subject == Tri::kFalse) j->subject = Tri::kUnknown;
  }
  if (!j->reached && !reach_unknown) {
    j->outcome = Outcome::kNotSubject;
    return;
  }
  if (!active.classify_pass.empty()) {
    for (size_t u = 0; u < in.units.size(); ++u) {
      f.SetUnit(&in.units[u]);
      for (const RuleSet::HotRule& r : active.classify_pass) {
        f.Reset();
        Tri t = prog.Truth(r.condition, f);
        trace(r.index, static_cast<int>(u), t);
        classify(u, r, t);
      }
    }
  }
  if (!j->reached) {
    for (const Reason& n : j->not_reached_full) {
      if (n.outcome == Outcome::kUndetermined) add_missing(n);
    }
  }

  // Requirements.
  for (size_t u = 0; u < in.units.size(); ++u) {
    f.SetUnit(&in.units[u]);
    for (const RuleSet::HotRule& r : active.requirements) {
      const int idx = r.index;
      f.Reset();
      Tri t = prog.Truth(r.condition, f);
      trace(idx, static_cast<int>(u), t);
      if (t == Tri::kFalse) continue;
      Reason& reason = AddReason(&j->reasons, idx, static_cast<int>(u), f);
      if (t == Tri::kTrue) {
        reason.outcome = r.outcome;
        reason.n_missing = 0;
        if (r.outcome == Outcome::kLicenseRequired || r.outcome == Outcome::kProhibited) {
          reason.policy = PolicyFor(rules_.rules()[idx], f, &reason);
        }
        note_unverified(r);
      } else {
        reason.outcome = Outcome::kUndetermined;
      }
      add_missing(reason);
    }
  }

  // Exceptions overcome the requirements that allow them.
  const auto& all = rules_.rules();
  for (size_t u = 0; u < in.units.size(); ++u) {
    f.SetUnit(&in.units[u]);
    for (const RuleSet::HotRule& hot : active.exceptions) {
      const int idx = hot.index;
      const Rule& ex = all[idx];
      f.Reset();
      Tri t = prog.Truth(hot.condition, f);
      trace(idx, static_cast<int>(u), t);
      if (t != Tri::kTrue) continue;
      bool used = false;
      for (Reason& reason : j->reasons) {
        if (reason.unit != static_cast<int>(u) || reason.outcome != Outcome::kLicenseRequired) continue;
        const Rule& req = all[reason.rule];
        if (req.exceptions_none) continue;
        bool allowed = false;
        for (Symbol e : req.exceptions) allowed = allowed || ex.id.rfind(e.text(), 0) == 0;
        bool overcomes = false;
        for (Symbol o : ex.overcomes) overcomes = overcomes || req.id.rfind(o.text(), 0) == 0;
        if (allowed && overcomes) {
          reason.overcome_by = idx;
          reason.outcome = Outcome::kGeneralAuthorization;
          used = true;
        }
      }
      if (used) {
        AddReason(&j->exceptions, idx, static_cast<int>(u), f);
        note_unverified(hot);
      }
    }
  }

  ApplyLicences(licences, in, j);

  Outcome o = j->reached ? Outcome::kNoLicenseRequired : Outcome::kUndetermined;
  bool any = false;
  for (const Reason& r : j->reasons) {
    if (!any || r.outcome > o) o = r.outcome;
    any = true;
    if (r.outcome == Outcome::kLicenseRequired || r.outcome == Outcome::kProhibited) j->policy = Stricter(j->policy, r.policy);
  }
  // Fired requirements decide; unknown reach alone leaves the answer undetermined.
  if (any && !j->reached && o < Outcome::kUndetermined) o = Outcome::kUndetermined;
  if (!j->reached && reach_unknown && o < Outcome::kUndetermined) o = Outcome::kUndetermined;
  j->outcome = o;
}

void Evaluator::Evaluate(rules::EvalInput& in, const std::vector<const License*>& licences, Determination* out) {
  out->jurisdictions.resize(rules_.regimes().size());
  out->overall = Outcome::kNotSubject;
  frame_.NewEvaluation();
  const size_t n_regimes = rules_.regimes().size();
  const int32_t day = in.date.days();
  InForceMemo* memo = nullptr;
  if (n_regimes <= static_cast<size_t>(rules::kMaxRegimes)) {
    memo = &in_force_[(static_cast<uint32_t>(day) * 2654435761u >> 16) % kInForceMemo];
    if (!memo->valid || memo->day != day) {
      memo->steps = 0;
      for (size_t ri = 0; ri < n_regimes; ++ri) {
        memo->active[ri] = &rules_.InForce(static_cast<int>(ri), in.date);
        memo->steps += RuleSteps(*memo->active[ri]);
      }
      memo->day = day;
      memo->valid = true;
    }
  }
  // The trace: sized once to its bound (every rule in force once per item), written by index,
  // then cut to what was written. Growing from the last determination's length fills only the
  // difference; nothing is allocated once the buffer has reached the largest bound.
  trace_next_ = nullptr;
  if (options_.trace) {
    size_t steps = 0;
    if (memo) {
      steps = memo->steps;
    } else {
      for (size_t ri = 0; ri < n_regimes; ++ri) steps += RuleSteps(rules_.InForce(static_cast<int>(ri), in.date));
    }
    out->trace.resize(steps * in.units.size());
    trace_next_ = out->trace.data();
  }
  for (size_t ri = 0; ri < n_regimes; ++ri) {
    Jurisdiction& j = out->jurisdictions[ri];
    j.Clear();
    const RuleSet::ActiveRules& active = memo ? *memo->active[ri] : rules_.InForce(static_cast<int>(ri), in.date);
    EvaluateRegime(static_cast<int>(ri), active, in, licences, &j);
    if (j.outcome > out->overall) out->overall = j.outcome;
  }
  out->hold = out->overall >= Outcome::kUndetermined;
  out->trace.resize(trace_next_ ? static_cast<size_t>(trace_next_ - out->trace.data()) : 0);
}

}  // namespace cordon
