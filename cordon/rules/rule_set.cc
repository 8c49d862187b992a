#include "cordon/rules/rule_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "cordon/base/sha256.h"
#include "cordon/rules/ast.h"
#include "cordon/rules/program.h"

namespace cordon {

namespace {
// The sets a condition reads whose membership is unverified, through definitions and `and`/`or` chains.
void CollectUnverifiedSets(const rules::Program& p, int idx, std::vector<const NamedSet*>* out) {
  if (idx < 0) return;
  const rules::Node& n = p.nodes()[idx];
  if (n.set && !n.set->verified && std::find(out->begin(), out->end(), n.set) == out->end()) out->push_back(n.set);
  if (n.op == rules::Op::kAllOf || n.op == rules::Op::kAnyOf) {
    for (int i = 0; i < n.b; ++i) CollectUnverifiedSets(p, p.kids()[n.a + i], out);
    return;
  }
  CollectUnverifiedSets(p, n.a, out);
  CollectUnverifiedSets(p, n.b, out);
  // kEntryAllows keeps a symbol id and kSubjectOnlyVia a rule-set index in `c`, not a node.
  if (n.op != rules::Op::kEntryAllows && n.op != rules::Op::kSubjectOnlyVia) CollectUnverifiedSets(p, n.c, out);
}

// --- Guards (kill masks) ---------------------------------------------------------------------
using rules::Fact;
using rules::Op;
using GuardLevel = RuleSet::GuardLevel;

// Only the cheapest tests pay as guards (a fact against a constant, set or list: three nodes; a
// boolean fact; `not` of one): evaluating a guard costs about what evaluating the rule's first
// conjunct does, so a guard pays only through the rules it kills (docs/performance.md).
constexpr int kMaxGuardNodes = 3;
// One guard per rule, its first conjunct: a second one rarely decided what the first did not.
constexpr int kMaxGuardsPerRule = 1;

// The level a guard reading `f` needs, or false when the fact is not a guard's: party facts, and
// what the scope stage derives or reads through it (the classification, item.subject, the de
// minimis share).
bool FactGuardLevel(Fact f, GuardLevel* level) {
  switch (f) {
    case Fact::kDate: case Fact::kActivity: case Fact::kShipFrom: case Fact::kDestination: case Fact::kRoute:
    case Fact::kExporterCountry: case Fact::kExporterHq: case Fact::kPurpose: case Fact::kFacCountry:
    case Fact::kFacHq: case Fact::kFacIc: case Fact::kFacNode: case Fact::kFacNonPlanar: case Fact::kFacNandLayers:
    case Fact::kFacDramHp: case Fact::kFacDramCell: case Fact::kFacDramDensity: case Fact::kServiceTask:
    case Fact::kKnowInformed: case Fact::kKnowAware: case Fact::kKnowSuspects:
      return true;
    case Fact::kItemKind: case Fact::kItemMadeIn: case Fact::kItemDescription: case Fact::kItemValue:
    case Fact::kItemQuantity: case Fact::kItemSpec: case Fact::kItemContainsUsIc: case Fact::kItemContainsFdpIc:
    case Fact::kItemReportFiled: case Fact::kItemUsTech: case Fact::kItemUsSw: case Fact::kItemPlantUsOrigin:
    case Fact::kItemPlantUsTech: case Fact::kItemPlantUsSw: case Fact::kItemIsEquipment: case Fact::kItemTechOrigin:
      *level = std::max(*level, GuardLevel::kUnit);
      return true;
    default:
      // In the later stages a guard on those would have to be evaluated per stage and item, which
      // cost more than it saved.
      return false;
  }
}

// Whether node `idx` may be a guard: built only of facts, constants, sets, comparisons, membership
// and `and`/`or`/`not` — nothing that binds a party, reads a definition (whose memo would then be
// filled by another rule first), or leaves chart rows or list entries in the frame.
bool PureGuard(const rules::Program& p, int idx, GuardLevel* level, int* size) {
  const rules::Node& n = p.nodes()[idx];
  if (++*size > kMaxGuardNodes) return false;
  switch (n.op) {
    case Op::kConstBool: case Op::kConstNum: case Op::kConstSym: case Op::kConstDate: case Op::kConstList:
    case Op::kSetRef:
      return true;
    case Op::kFact:
      return FactGuardLevel(n.fact, level);
    case Op::kAllOf: case Op::kAnyOf:
      for (int i = 0; i < n.b; ++i) {
        if (!PureGuard(p, p.kids()[n.a + i], level, size)) return false;
      }
      return true;
    case Op::kNot: case Op::kCmp: case Op::kArith: case Op::kNeg: case Op::kIn: case Op::kKnown:
    case Op::kIntersects: case Op::kCount: case Op::kContainsText:
    case Op::kFactEqSym: case Op::kFactNeSym: case Op::kFactCmpNum: case Op::kFactInSet: case Op::kFactInList:
      for (int c : {n.a, n.b, n.c}) {
        if (c >= 0 && !PureGuard(p, c, level, size)) return false;
      }
      return true;
    default:
      return false;
  }
}

// The structure of node `idx` (everything Truth reads, not its source position): equal keys
// evaluate alike, so rules that start with the same test share one guard.
void GuardKey(const rules::Program& p, int idx, std::string* out) {
  const rules::Node& n = p.nodes()[idx];
  auto put = [out](const auto& v) { out->append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(n.op);
  put(n.type);
  put(n.tok);
  put(n.num);
  put(n.sym);
  put(n.fact);
  put(n.slot);
  put(n.set);
  put(n.list);
  if (n.op == Op::kAllOf || n.op == Op::kAnyOf) {
    put(n.b);
    for (int i = 0; i < n.b; ++i) GuardKey(p, p.kids()[n.a + i], out);
  } else {
    for (int c : {n.a, n.b, n.c}) {
      put(c >= 0);
      if (c >= 0) GuardKey(p, c, out);
    }
  }
  out->push_back(')');
}

// The guards of each rule of one stage: the pure conjuncts its condition starts with (the whole
// condition when it is pure). A false one makes the `and` false with nothing left behind: the
// missing-fact records are dropped and, the conjuncts before it being pure too, no rows or entries
// were added. So the rule gives what evaluating it would, without evaluating it.
void BuildStageGuards(const rules::Program& p, const std::vector<Rule>& all, const std::vector<int>& stage,
                      std::vector<RuleSet::Guard>* guards,
                      std::unordered_map<std::string, int>* by_key, RuleSet::StageGuards* out) {
  out->words = static_cast<int>((stage.size() + 63) / 64);
  // (conjunct position, guard) per stage position; guards are tested in conjunct order, so a
  // rule's second conjunct is evaluated only when its first did not already kill it.
  std::vector<std::pair<int, int>> uses;
  std::vector<std::vector<int>> kills;  // per stage guard: its positions
  std::unordered_map<int, int> local;   // guard -> index in out->guards
  std::vector<int> first_conjunct;
  for (size_t pos = 0; pos < stage.size(); ++pos) {
    const int cond = all[stage[pos]].condition;
    if (cond < 0) continue;
    const rules::Node& root = p.nodes()[cond];
    std::vector<int> conjuncts;
    if (root.op == Op::kAllOf) {
      conjuncts.assign(p.kids().begin() + root.a, p.kids().begin() + root.a + root.b);
    } else {
      conjuncts.push_back(cond);
    }
    int taken = 0;
    for (size_t k = 0; k < conjuncts.size() && taken < kMaxGuardsPerRule; ++k) {
      GuardLevel level = GuardLevel::kTransaction;
      int size = 0;
      if (!PureGuard(p, conjuncts[k], &level, &size)) break;  // only a pure prefix
      std::string key;
      GuardKey(p, conjuncts[k], &key);
      auto [it, fresh] = by_key->emplace(key, static_cast<int>(guards->size()));
      if (fresh) guards->push_back(RuleSet::Guard{conjuncts[k], level});
      auto [lt, lfresh] = local.emplace(it->second, static_cast<int>(kills.size()));
      if (lfresh) {
        kills.emplace_back();
        first_conjunct.push_back(static_cast<int>(k));
      }
      first_conjunct[lt->second] = std::min(first_conjunct[lt->second], static_cast<int>(k));
      kills[lt->second].push_back(static_cast<int>(pos));
      ++taken;
    }
  }
  std::vector<int> order(kills.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  // First conjuncts first, and among them those that kill most: a later guard whose rules are
  // all dead is not evaluated.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (first_conjunct[a] != first_conjunct[b]) return first_conjunct[a] < first_conjunct[b];
    return kills[a].size() > kills[b].size();
  });
  std::vector<int> global(kills.size());
  for (const auto& [g, l] : local) global[l] = g;
  for (int l : order) {
    out->guards.push_back(global[l]);
    size_t base = out->kill.size();
    out->kill.resize(base + out->words, 0);
    for (int pos : kills[l]) out->kill[base + pos / 64] |= uint64_t{1} << (pos % 64);
  }
}

}  // namespace

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kNotSubject: return "NOT_SUBJECT";
    case Outcome::kNoLicenseRequired: return "NO_LICENSE_REQUIRED";
    case Outcome::kGeneralAuthorization: return "GENERAL_AUTHORIZATION";
    case Outcome::kAuthorized: return "AUTHORIZED";
    case Outcome::kUndetermined: return "UNDETERMINED";
    case Outcome::kLicenseRequired: return "LICENSE_REQUIRED";
    case Outcome::kProhibited: return "PROHIBITED";
  }
  return "?";
}

const char* ReviewPolicyName(ReviewPolicy p) {
  switch (p) {
    case ReviewPolicy::kNone: return "";
    case ReviewPolicy::kPresumptionOfApproval: return "PRESUMPTION_OF_APPROVAL";
    case ReviewPolicy::kCaseByCase: return "CASE_BY_CASE";
    case ReviewPolicy::kPresumptionOfDenial: return "PRESUMPTION_OF_DENIAL";
  }
  return "";
}

ReviewPolicy ParseReviewPolicy(std::string_view text) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c == '_' ? ' ' : c)));
  // The strictest policy named wins: an entry text naming several is read fail-closed.
  if (t.find("denial") != std::string::npos) return ReviewPolicy::kPresumptionOfDenial;
  if (t.find("case by case") != std::string::npos || t.find("case-by-case") != std::string::npos) return ReviewPolicy::kCaseByCase;
  if (t.find("approval") != std::string::npos) return ReviewPolicy::kPresumptionOfApproval;
  return ReviewPolicy::kNone;
}

const char* StageName(Stage s) {
  switch (s) {
    case Stage::kClassification: return "classification";
    case Stage::kScope: return "scope";
    case Stage::kListBased: return "list_based";
    case Stage::kEndUser: return "end_user";
    case Stage::kEndUse: return "end_use";
    case Stage::kPersons: return "persons";
    case Stage::kExceptions: return "exceptions";
  }
  return "?";
}

namespace {

namespace fs = std::filesystem;

bool ParseStage(const std::string& s, Stage* out) {
  static const std::map<std::string, Stage> kStages = {
      {"classification", Stage::kClassification}, {"scope", Stage::kScope}, {"list_based", Stage::kListBased},
      {"end_user", Stage::kEndUser}, {"end_use", Stage::kEndUse}, {"persons", Stage::kPersons},
      {"exceptions", Stage::kExceptions}};
  auto it = kStages.find(s);
  if (it == kStages.end()) return false;
  *out = it->second;
  return true;
}

ReviewPolicy PolicyByName(const std::string& s, bool* ok) {
  *ok = true;
  if (s == "PRESUMPTION_OF_DENIAL") return ReviewPolicy::kPresumptionOfDenial;
  if (s == "CASE_BY_CASE") return ReviewPolicy::kCaseByCase;
  if (s == "PRESUMPTION_OF_APPROVAL") return ReviewPolicy::kPresumptionOfApproval;
  if (s == "NONE") return ReviewPolicy::kNone;
  *ok = false;
  return ReviewPolicy::kNone;
}

}  // namespace

class RuleSetBuilder {
 public:
  static Result<std::shared_ptr<const RuleSet>> Build(const std::vector<std::string>& dirs,
                                                      std::shared_ptr<const ReferenceData> refdata,
                                                      const std::vector<RuleRetirement>& retire) {
    std::shared_ptr<RuleSet> rs(new RuleSet());
    rs->refdata_ = refdata;
    rs->program_ = std::make_unique<rules::Program>(refdata.get());
    std::vector<std::string> paths;
    for (const auto& d : dirs) {
      if (fs::is_regular_file(d)) {
        paths.push_back(d);
        continue;
      }
      if (!fs::is_directory(d)) return InvalidArgument(d + ": rules folder not found");
      for (auto& e : fs::recursive_directory_iterator(d)) {
        if (e.is_regular_file() && e.path().extension() == ".rules") paths.push_back(e.path().string());
      }
    }
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) return InvalidArgument("no .rules files found");
    // Regimes in a fixed order: the order of the vocabulary file.
    for (Symbol r : refdata->regime_order()) rs->regimes_.push_back(r);
    if (rs->regimes_.size() > static_cast<size_t>(rules::kMaxRegimes)) return Internal("too many regimes");
    rs->program_->SetRegimes(rs->regimes_);

    Sha256 hash;
    std::vector<rules::RuleFile> files;
    std::vector<std::string> errors;
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in) return InvalidArgument(p + ": cannot open file");
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      hash.Update(fs::path(p).filename().string());
      hash.Update(text);
      rs->files_.push_back(p);
      auto f = rules::ParseRuleFile(text, p);
      if (!f.ok()) {
        errors.push_back(f.status().message());
        continue;
      }
      files.push_back(std::move(*f));
    }
    hash.Update(refdata->ContentHash());
    rs->hash_ = hash.HexDigest();
    if (!errors.empty()) return Collect(errors);

    for (const auto& f : files) {
      for (const auto& s : f.sets) {
        Status st = rs->program_->AddSet(s);
        if (!st.ok()) errors.push_back(st.message());
      }
      for (const auto& d : f.defines) {
        Status st = rs->program_->AddDefine(d);
        if (!st.ok()) errors.push_back(st.message());
      }
    }
    std::map<std::string, std::string> seen_ids;
    // Rule ids in load order: rules_ grows in the same order, so the index of a rule is its position.
    rs->rule_ids_ = std::make_unique<std::vector<std::string>>();
    for (const auto& f : files) {
      for (const auto& d : f.rules) rs->rule_ids_->push_back(d.id);
    }
    rs->program_->SetRuleIds(rs->rule_ids_.get());
    for (const auto& f : files) {
      for (const auto& d : f.rules) {
        Status st = AddRule(*rs, d, &seen_ids);
        if (!st.ok()) errors.push_back(st.message());
      }
    }
    // Exception references must name exception rules (or id prefixes of them).
    for (const auto& r : rs->rules_) {
      for (Symbol ex : r.exceptions) {
        bool found = false;
        for (const auto& o : rs->rules_) {
          if (o.effect == Effect::kException && o.id.rfind(ex.text(), 0) == 0) found = true;
        }
        if (!found) {
          errors.push_back(r.pos.ToString() + ": rule '" + r.id + "' names exception '" + std::string(ex.text()) +
                           "', which is no exception rule");
        }
      }
    }
    // Structured policies of bundled list entries.
    for (const auto& e : refdata->list_entries()) {
      if (e.policy_when.empty()) continue;
      std::vector<Rule::PolicyCase> cases;
      rs->program_->SetCurrentRegime(0);
      for (size_t k = 0; k < e.policy_when.size(); ++k) {
        std::string where = e.source + ": entry '" + e.name + "' policy_when[" + std::to_string(k) + "]";
        auto ex = rules::ParseExpressionText(e.policy_when[k].first, where);
        if (!ex.ok()) { errors.push_back(ex.status().message()); continue; }
        auto node = rs->program_->Compile(**ex, rules::Type::kBool);
        if (!node.ok()) { errors.push_back(node.status().message()); continue; }
        bool ok;
        Rule::PolicyCase c{PolicyByName(e.policy_when[k].second, &ok), *node};
        if (!ok) errors.push_back(where + ": unknown review policy '" + e.policy_when[k].second + "'");
        cases.push_back(c);
      }
      if (!e.policy_else.empty()) {
        bool ok;
        cases.push_back(Rule::PolicyCase{PolicyByName(e.policy_else, &ok), -1});
        if (!ok) errors.push_back(e.source + ": entry '" + e.name + "': unknown policy_else '" + e.policy_else + "'");
      }
      rs->entry_policies_[RuleSet::EntryKey(e)] = std::move(cases);
    }
    // Overlays (what-if scenarios) may end rules from a date: the rule stays, cited, up to it.
    for (const auto& r : retire) {
      bool any = false;
      for (auto& rule : rs->rules_) {
        if (rule.id.rfind(r.id_prefix, 0) != 0) continue;
        any = true;
        if (r.from < rule.when.until) rule.when.until = r.from;
      }
      if (!any) errors.push_back(r.source + ": retire '" + r.id_prefix + "' names no rule");
    }
    if (!errors.empty()) return Collect(errors);
    BuildSpans(*rs);
    return std::shared_ptr<const RuleSet>(rs);
  }

 private:
  static Status Collect(const std::vector<std::string>& errors) {
    std::string all;
    for (size_t i = 0; i < errors.size(); ++i) all += (i ? "\n" : "") + errors[i];
    return InvalidArgument(all);
  }

  static Status AddRule(RuleSet& rs, const rules::RuleDecl& d, std::map<std::string, std::string>* seen) {
    auto at = [&](const rules::Pos& p, const std::string& m) { return InvalidArgument(p.ToString() + ": " + m); };
    if (seen->count(d.id)) return at(d.pos, "duplicate rule id '" + d.id + "' (first defined at " + (*seen)[d.id] + ")");
    (*seen)[d.id] = d.pos.ToString();
    Rule r;
    r.id = d.id;
    r.id_sym = Symbol::Intern(d.id);
    r.pos = SourcePos{d.pos.file, d.pos.line, d.pos.col};
    if (d.regime.empty()) return at(d.pos, "rule '" + d.id + "' has no regime");
    r.regime = Symbol::Intern(d.regime);
    r.regime_index = rs.RegimeIndex(r.regime);
    if (r.regime_index < 0) return at(d.pos, "rule '" + d.id + "': unknown regime '" + d.regime + "'");
    if (d.cite.empty()) return at(d.pos, "rule '" + d.id + "' has no citation (cite \"...\")");
    if (d.from.empty()) return at(d.pos, "rule '" + d.id + "' has no start date (from YYYY-MM-DD)");
    if (!d.has_verified) return at(d.pos, "rule '" + d.id + "' does not say whether its text is verified (verified true|false)");
    if (!d.when) return at(d.pos, "rule '" + d.id + "' has no condition (when ...)");
    if (d.explain.empty()) return at(d.pos, "rule '" + d.id + "' has no explanation (explain \"...\")");
    if (d.stage.empty()) return at(d.pos, "rule '" + d.id + "' has no stage");
    if (!ParseStage(d.stage, &r.stage)) return at(d.pos, "rule '" + d.id + "': unknown stage '" + d.stage + "'");
    auto from = Date::Parse(d.from);
    if (!from.ok()) return at(d.from_pos, from.status().message());
    r.when.from = *from;
    if (!d.until.empty()) {
      auto until = Date::Parse(d.until);
      if (!until.ok()) return at(d.until_pos, until.status().message());
      if (*until <= *from) return at(d.until_pos, "rule '" + d.id + "': 'until' must be after 'from'");
      r.when.until = *until;
    }
    r.cite = d.cite;
    r.title = d.title;
    r.explain = d.explain;
    r.otherwise = d.otherwise;
    r.note = d.note;
    r.verified = d.verified;
    const std::string& o = d.outcome;
    if (o.empty()) return at(d.pos, "rule '" + d.id + "' has no outcome");
    if (o == "SUBJECT") r.effect = Effect::kSubject;
    else if (o == "REACH") r.effect = Effect::kReach;
    else if (o == "CLASSIFY") { r.effect = Effect::kClassify; r.classify_as = Symbol::Intern(d.classify_as); }
    else if (o == "GENERAL_AUTHORIZATION") { r.effect = Effect::kException; r.outcome = Outcome::kGeneralAuthorization; }
    else if (o == "LICENSE_REQUIRED") r.outcome = Outcome::kLicenseRequired;
    else if (o == "PROHIBITED") r.outcome = Outcome::kProhibited;
    else if (o == "UNDETERMINED") r.outcome = Outcome::kUndetermined;
    else if (o == "NO_LICENSE_REQUIRED") r.outcome = Outcome::kNoLicenseRequired;
    else return at(d.outcome_pos, "unknown outcome '" + o + "'");
    bool stage_ok = true;
    switch (r.effect) {
      case Effect::kClassify: stage_ok = r.stage == Stage::kClassification; break;
      case Effect::kSubject: case Effect::kReach: stage_ok = r.stage == Stage::kScope; break;
      case Effect::kException: stage_ok = r.stage == Stage::kExceptions; break;
      case Effect::kRequirement:
        stage_ok = r.stage != Stage::kClassification && r.stage != Stage::kScope && r.stage != Stage::kExceptions;
        break;
    }
    if (!stage_ok) return at(d.outcome_pos, "outcome " + o + " does not belong in stage '" + d.stage + "'");
    rs.program_->SetCurrentRegime(r.regime_index);
    auto cond = rs.program_->Compile(*d.when, rules::Type::kBool);
    if (!cond.ok()) return cond.status();
    r.condition = *cond;
    CollectUnverifiedSets(*rs.program_, r.condition, &r.unverified_sets);
    r.policy_from_entry = d.policy_from_entry;
    for (const auto& pc : d.policy) {
      bool ok;
      Rule::PolicyCase c;
      c.policy = PolicyByName(pc.policy, &ok);
      if (!ok) return at(pc.pos, "unknown review policy '" + pc.policy + "' (PRESUMPTION_OF_DENIAL, CASE_BY_CASE, PRESUMPTION_OF_APPROVAL, NONE)");
      if (pc.when) {
        auto w = rs.program_->Compile(*pc.when, rules::Type::kBool);
        if (!w.ok()) return w.status();
        c.when = *w;
        CollectUnverifiedSets(*rs.program_, c.when, &r.unverified_sets);
      }
      r.policy.push_back(c);
    }
    for (const auto& e : d.exceptions) r.exceptions.push_back(Symbol::Intern(e));
    r.exceptions_none = d.exceptions_none;
    for (const auto& e : d.overcomes) r.overcomes.push_back(Symbol::Intern(e));
    if (r.effect == Effect::kException && r.overcomes.empty()) {
      return at(d.pos, "exception rule '" + d.id + "' must say which requirements it overcomes (overcomes [...])");
    }
    rs.rules_.push_back(std::move(r));
    return Status::Ok();
  }

  static void BuildSpans(RuleSet& rs) {
    rs.spans_.assign(rs.regimes_.size(), {});
    std::unordered_map<std::string, int> guard_keys;  // guard structure -> index in rs.guards_
    for (size_t ri = 0; ri < rs.regimes_.size(); ++ri) {
      std::set<int32_t> points{Date::Min().days()};
      for (const auto& r : rs.rules_) {
        if (r.regime_index != static_cast<int>(ri)) continue;
        points.insert(r.when.from.days());
        points.insert(r.when.until.days());
      }
      for (int32_t p : points) {
        RuleSet::Span span;
        span.from = Date::FromDays(p);
        for (size_t i = 0; i < rs.rules_.size(); ++i) {
          const Rule& r = rs.rules_[i];
          if (r.regime_index == static_cast<int>(ri) && r.when.Contains(span.from)) span.active.rules.push_back(static_cast<int>(i));
        }
        std::stable_sort(span.active.rules.begin(), span.active.rules.end(),
                         [&](int a, int b) { return rs.rules_[a].stage < rs.rules_[b].stage; });
        for (int i : span.active.rules) {
          const Rule& r = rs.rules_[i];
          if (r.stage <= Stage::kScope) span.active.scope.push_back(i);
          else if (r.effect == Effect::kRequirement) span.active.requirements.push_back(i);
          if (r.effect == Effect::kException) span.active.exceptions.push_back(i);
        }
        bool reads = false;
        for (int i : span.active.scope) {
          const Rule& r = rs.rules_[i];
          if (r.effect != Effect::kClassify) reads = reads || rs.program_->ReadsClassification(r.condition);
        }
        span.active.scope_before_classification = !reads;
        const rules::Program& prog = *rs.program_;
        // The scope stage's two passes when scope runs first: its scope rules, then its classifications.
        auto& sc = span.active.scope;
        span.active.scope_pass.assign(2 * ((sc.size() + 63) / 64), 0);
        for (size_t pos = 0; pos < sc.size(); ++pos) {
          const bool classify = rs.rules_[sc[pos]].effect == Effect::kClassify;
          span.active.scope_pass[(classify ? (sc.size() + 63) / 64 : 0) + pos / 64] |= uint64_t{1} << (pos % 64);
        }
        BuildStageGuards(prog, rs.rules_, span.active.scope, &rs.guards_, &guard_keys, &span.active.scope_guards);
        BuildStageGuards(prog, rs.rules_, span.active.requirements, &rs.guards_, &guard_keys,
                         &span.active.requirement_guards);
        BuildStageGuards(prog, rs.rules_, span.active.exceptions, &rs.guards_, &guard_keys,
                         &span.active.exception_guards);
        rs.spans_[ri].push_back(std::move(span));
      }
    }
  }
};

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::vector<std::string>& dirs,
                                                     std::shared_ptr<const ReferenceData> refdata,
                                                     const std::vector<RuleRetirement>& retire) {
  return RuleSetBuilder::Build(dirs, std::move(refdata), retire);
}

RuleSet::~RuleSet() = default;

int RuleSet::RegimeIndex(Symbol regime) const {
  for (size_t i = 0; i < regimes_.size(); ++i) {
    if (regimes_[i] == regime) return static_cast<int>(i);
  }
  return -1;
}

const RuleSet::ActiveRules& RuleSet::InForce(int r, Date date) const {
  const auto& spans = spans_[r];
  // The last span starting on or before `date`.
  auto it = std::upper_bound(spans.begin(), spans.end(), date, [](Date d, const Span& s) { return d < s.from; });
  return std::prev(it)->active;
}

std::string RuleSet::EntryKey(const ListEntry& e) {
  std::string k(e.list.text());
  k += '|';
  for (char c : e.name) {
    if (std::isalnum(static_cast<unsigned char>(c))) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  k += '|';
  k += e.review_policy;
  return k;
}

const std::vector<Rule::PolicyCase>* RuleSet::EntryPolicy(const ListEntry& e) const {
  auto it = entry_policies_.find(EntryKey(e));
  return it == entry_policies_.end() ? nullptr : &it->second;
}

const Rule* RuleSet::FindRule(std::string_view id) const {
  for (const auto& r : rules_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace cordon
