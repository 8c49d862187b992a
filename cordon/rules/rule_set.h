// RuleSet: the regulations as compiled, immutable data.
//
// Built once from the rule files under rules/<regime>/ (docs/rules.md) and the
// reference data; every problem is reported as file:line:col. Thread-safe and
// immutable after Load; evaluate it from any number of threads (evaluator.h).
#ifndef CORDON_RULES_RULE_SET_H_
#define CORDON_RULES_RULE_SET_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cordon/base/date.h"
#include "cordon/base/interner.h"
#include "cordon/base/status.h"
#include "cordon/refdata/reference_data.h"

namespace cordon {

// Ordered from least to most restrictive (contract §3); the overall answer is the max.
enum class Outcome : uint8_t {
  kNotSubject = 0,
  kNoLicenseRequired,
  kGeneralAuthorization,
  kAuthorized,
  kUndetermined,
  kLicenseRequired,
  kProhibited,
};
const char* OutcomeName(Outcome o);

enum class ReviewPolicy : uint8_t { kNone = 0, kPresumptionOfApproval, kCaseByCase, kPresumptionOfDenial };
const char* ReviewPolicyName(ReviewPolicy p);
// Reads a policy name or an Entity List policy text; kNone when none is named.
ReviewPolicy ParseReviewPolicy(std::string_view text);

enum class Effect : uint8_t {
  kSubject,      // the item is subject to the regime (US: subject to the EAR)
  kReach,        // the regime reaches the act (a US person; an export from the Netherlands)
  kClassify,     // the item's classification under the regime, derived from its specs
  kRequirement,  // a licence requirement (or prohibition, or an explicit undetermined)
  kException,    // a licence exception / general authorisation overcoming requirements
};

enum class Stage : uint8_t { kClassification = 0, kScope, kListBased, kEndUser, kEndUse, kPersons, kExceptions };
const char* StageName(Stage s);

struct SourcePos {
  std::string file;
  int line = 0;
  int col = 0;
  std::string ToString() const { return file + ":" + std::to_string(line) + ":" + std::to_string(col); }
};

struct Rule {
  std::string id;
  Symbol id_sym;
  Symbol regime;
  int regime_index = 0;
  Stage stage = Stage::kListBased;
  Effect effect = Effect::kRequirement;
  Outcome outcome = Outcome::kLicenseRequired;
  Symbol classify_as;
  std::string cite, title, explain, otherwise, note;
  DateInterval when;
  bool verified = true;
  // Reference sets the condition consults whose membership is unverified (refdata "verified":
  // false): shown with the rule's reasons, since the answer may turn on them.
  std::vector<const NamedSet*> unverified_sets;
  int condition = -1;  // node index into the program
  struct PolicyCase { ReviewPolicy policy; int when = -1; };
  std::vector<PolicyCase> policy;
  bool policy_from_entry = false;
  std::vector<Symbol> exceptions;  // exception rule ids (or id prefixes) that may overcome it
  bool exceptions_none = false;
  std::vector<Symbol> overcomes;   // exception rules: requirement rule ids or prefixes
  SourcePos pos;
};

namespace rules { class Program; }

// An overlay's end of the rules whose id starts with `id_prefix`, from `from` on.
struct RuleRetirement {
  std::string id_prefix;
  Date from;
  std::string source;  // where it was asked for, for messages
};

class RuleSet {
 public:
  // Loads every *.rules file under each of `dirs`. `refdata` must outlive the set.
  static Result<std::shared_ptr<const RuleSet>> Load(const std::vector<std::string>& dirs,
                                                     std::shared_ptr<const ReferenceData> refdata,
                                                     const std::vector<RuleRetirement>& retire = {});
  ~RuleSet();

  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Symbol>& regimes() const { return regimes_; }
  int RegimeIndex(Symbol regime) const;
  // What the evaluator reads of a rule for every item, packed 16 bytes to a rule so that one
  // pass touches a few contiguous cache lines rather than a whole Rule (strings, vectors) each.
  struct HotRule {
    int32_t condition;  // Rule::condition
    int32_t index;      // into rules()
    Symbol classify_as;
    Effect effect;
    Outcome outcome;
    bool has_otherwise;  // an 'else' line to show when the rule does not reach
    bool verified;
  };
  static_assert(sizeof(HotRule) == 16);
  // The rules of one regime in force over a span of dates, in stage order, and split by the
  // evaluator's passes so that no pass walks rules it would skip.
  struct ActiveRules {
    std::vector<int> rules;              // all of them, in stage order
    // The classification and scope stages, in two passes. scope_pass: all of them; or, when
    // scope_before_classification, the scope rules only and classify_pass the classification
    // rules (run only when the regime reaches or may reach the act).
    std::vector<HotRule> scope_pass;
    std::vector<HotRule> classify_pass;
    std::vector<HotRule> requirements;   // requirement effects after the scope stage
    std::vector<HotRule> exceptions;     // exception effects
    // No scope rule reads the classification: scope runs first, and classification only when
    // the regime reaches (or may reach) the act.
    bool scope_before_classification = false;
  };
  // Rules in force on `date` for regime index r.
  const ActiveRules& InForce(int r, Date date) const;
  const ReferenceData& refdata() const { return *refdata_; }
  const std::shared_ptr<const ReferenceData>& refdata_ptr() const { return refdata_; }
  const rules::Program& program() const { return *program_; }
  // sha256 over the rule files and the reference data.
  const std::string& hash() const { return hash_; }
  const Rule* FindRule(std::string_view id) const;
  const std::vector<std::string>& files() const { return files_; }
  // The structured review policy of a list entry (bundled entries may carry
  // policy_when conditions); empty when the entry has none.
  const std::vector<Rule::PolicyCase>* EntryPolicy(const ListEntry& e) const;
  static std::string EntryKey(const ListEntry& e);

 private:
  RuleSet() = default;
  std::vector<Rule> rules_;
  std::vector<Symbol> regimes_;
  std::shared_ptr<const ReferenceData> refdata_;
  std::unique_ptr<rules::Program> program_;
  std::unique_ptr<std::vector<std::string>> rule_ids_;
  // Per regime: the change points of the rule set and the rules in force in each span.
  struct Span { Date from; ActiveRules active; };
  std::vector<std::vector<Span>> spans_;
  std::string hash_;
  std::vector<std::string> files_;
  std::unordered_map<std::string, std::vector<Rule::PolicyCase>> entry_policies_;
  friend class RuleSetBuilder;
};

}  // namespace cordon

#endif  // CORDON_RULES_RULE_SET_H_
