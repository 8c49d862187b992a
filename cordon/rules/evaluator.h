// Evaluator: runs the rule set over one prepared transaction, regime by regime,
// stage by stage (docs/architecture.md), into a Determination.
//
// Thread-compatible: one Evaluator per thread; the RuleSet it reads is shared.
// Evaluate() reuses the Determination's buffers, so a warmed-up evaluator
// allocates nothing.
#ifndef CORDON_RULES_EVALUATOR_H_
#define CORDON_RULES_EVALUATOR_H_

#include <vector>

#include "cordon/rules/determination.h"
#include "cordon/rules/program.h"
#include "cordon/rules/rule_set.h"

namespace cordon {

struct EvaluatorOptions {
  bool trace = true;  // record every rule evaluated (rule, item, result)
};

class Evaluator {
 public:
  Evaluator(const RuleSet& rules, EvaluatorOptions options = {}) : rules_(rules), options_(options) {}

  // REQUIRES: `in` prepared (units, parties with their list matches, facility, date);
  // `licences` are the licences the transaction names, resolved from the context.
  void Evaluate(rules::EvalInput& in, const std::vector<const License*>& licences, Determination* out);

 private:
  void EvaluateRegime(int ri, const RuleSet::ActiveRules& active, rules::EvalInput& in, const std::vector<const License*>& licences, Jurisdiction* j);
  ReviewPolicy PolicyFor(const Rule& r, rules::Frame& f, Reason* reason);
  void ApplyLicences(const std::vector<const License*>& licences, const rules::EvalInput& in, Jurisdiction* j);
  // Appends the reason for `rule` on `unit` with the evidence and missing facts `f` collected.
  Reason& AddReason(std::vector<Reason>* to, int rule, int unit, const rules::Frame& f);
  // Records a scope rule that did not fire: a small record, plus a full Reason only when `f`
  // holds evidence or missing facts (Jurisdiction::NotReached).
  void AddNotReached(Jurisdiction* j, int rule, int unit, Outcome outcome, const rules::Frame& f);
  void AddNotReachedFull(Jurisdiction* j, int rule, int unit, Outcome outcome, const rules::Frame& f);

  const RuleSet& rules_;
  EvaluatorOptions options_;
  rules::Frame frame_;
  // Per position in ActiveRules::scope_pass, the regime evaluation (stamp_) in which the rule's 'else'
  // reason was last recorded.
  std::vector<uint32_t> otherwise_stamp_;
  uint32_t stamp_ = 0;
  // Where the next trace step goes (Determination::trace, sized to its bound); null: no trace.
  TraceStep* trace_next_ = nullptr;
  // The rules in force per regime, remembered for a few recent dates (RuleSet::InForce).
  struct InForceMemo {
    bool valid = false;
    int32_t day = 0;
    const RuleSet::ActiveRules* active[rules::kMaxRegimes] = {};
    size_t steps = 0;  // the trace steps they can take per item (the trace's bound)
  };
  static constexpr int kInForceMemo = 64;
  InForceMemo in_force_[kInForceMemo];
};

}  // namespace cordon

#endif  // CORDON_RULES_EVALUATOR_H_
