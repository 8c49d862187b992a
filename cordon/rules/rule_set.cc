#include "cordon/rules/rule_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

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
        std::vector<RuleSet::HotRule> scope;
        for (int i : span.active.rules) {
          const Rule& r = rs.rules_[i];
          const RuleSet::HotRule hot{r.condition, i, r.classify_as, r.effect, r.outcome, !r.otherwise.empty(), r.verified};
          if (r.stage <= Stage::kScope) scope.push_back(hot);
          else if (r.effect == Effect::kRequirement) span.active.requirements.push_back(hot);
          if (r.effect == Effect::kException) span.active.exceptions.push_back(hot);
        }
        bool reads = false;
        for (const RuleSet::HotRule& r : scope) {
          if (r.effect != Effect::kClassify) reads = reads || rs.program_->ReadsClassification(r.condition);
        }
        span.active.scope_before_classification = !reads;
        for (const RuleSet::HotRule& r : scope) {
          (reads || r.effect != Effect::kClassify ? span.active.scope_pass : span.active.classify_pass).push_back(r);
        }
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
