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
  // Skip the rules a false guard decides (RuleSet::StageGuards); off only to test that the
  // answers are the same without.
  bool guards = true;
};

class Evaluator {
 public:
  Evaluator(const RuleSet& rules, EvaluatorOptions options = {}) : rules_(rules), options_(options) {}

  // REQUIRES: `in` prepared (units, parties with their list matches, facility, date);
  // `licences` are the licences the transaction names, resolved from the context.
  void Evaluate(rules::EvalInput& in, const std::vector<const License*>& licences, Determination* out);

 private:
  void EvaluateRegime(int ri, const RuleSet::ActiveRules& active, rules::EvalInput& in, const std::vector<const License*>& licences, Jurisdiction* j,
                      Determination* out);
  ReviewPolicy PolicyFor(const Rule& r, rules::Frame& f, Reason* reason);
  void ApplyLicences(const std::vector<const License*>& licences, const rules::EvalInput& in, Jurisdiction* j);
  // Appends the reason for `rule` on `unit` with the evidence and missing facts `f` collected.
  Reason& AddReason(std::vector<Reason>* to, int rule, int unit, const rules::Frame& f);
  // The positions of `stage` not killed by a false guard on unit `u` (the frame set to it), in
  // alive_; every position when guards are off.
  // `run`, when given, is the positions this pass runs (the others are neither evaluated nor killed).
  const uint64_t* Survivors(const RuleSet::StageGuards& g, size_t n, size_t u, const uint64_t* run = nullptr) {
    if (g.guards.empty() || !options_.guards) {
      if (run) return run;
      const size_t words = (n + 63) / 64;
      if (ones_.size() < words) ones_.resize(words, ~uint64_t{0});
      return ones_.data();
    }
    return GuardedSurvivors(g, n, u, run);
  }
  const uint64_t* GuardedSurvivors(const RuleSet::StageGuards& g, size_t n, size_t u, const uint64_t* run);
  // Whether guard g is false (with nothing left in the frame) for unit u, remembered per its level.
  bool GuardKills(int g, size_t u);

  const RuleSet& rules_;
  EvaluatorOptions options_;
  rules::Frame frame_;
  // Per rule, the regime evaluation (stamp_) in which its 'else' reason was last recorded.
  std::vector<uint32_t> otherwise_stamp_;
  uint32_t stamp_ = 0;
  // Guard answers of this evaluation, as bits by guard index: transaction-level ones in guard_tx_,
  // unit-level ones per unit in guard_unit_ (guard_words_ words each); `known` then `false`.
  size_t guard_words_ = 0;
  std::vector<uint64_t> guard_tx_;
  std::vector<uint64_t> guard_unit_;
  std::vector<uint64_t> alive_;
  std::vector<uint64_t> ones_;  // all positions alive
  // The rules in force per regime, remembered for a few recent dates (RuleSet::InForce).
  struct InForceMemo {
    bool valid = false;
    int32_t day = 0;
    const RuleSet::ActiveRules* active[rules::kMaxRegimes] = {};
  };
  static constexpr int kInForceMemo = 64;
  InForceMemo in_force_[kInForceMemo];
};

}  // namespace cordon

#endif  // CORDON_RULES_EVALUATOR_H_
