// Determination: what the engine answers (contract §3), as compact values that
// point at rules and reference data. Rendering to JSON or text is separate
// (engine/render.h) so that evaluation allocates nothing once warmed up.
#ifndef CORDON_RULES_DETERMINATION_H_
#define CORDON_RULES_DETERMINATION_H_

#include <memory>
#include <string>
#include <vector>

#include "cordon/model/transaction.h"
#include "cordon/rules/program.h"
#include "cordon/rules/rule_set.h"

namespace cordon {

enum class LicenceState : uint8_t { kNone, kValid, kNotYetValid, kExpired, kRevoked, kSuspended, kExhausted, kNotCovering };
const char* LicenceStateName(LicenceState s);

struct Reason {
  // User-provided so that emplace_back() sets the scalars only: the evidence arrays are left
  // uninitialised (anonymous unions: MissingRef's member initialisers do not run either).
  Reason() {}
  int rule = -1;      // index into RuleSet::rules()
  int unit = -1;      // index into EvalInput::units; -1 for the transaction as a whole
  Outcome outcome = Outcome::kUndetermined;
  ReviewPolicy policy = ReviewPolicy::kNone;
  LicenceState licence_state = LicenceState::kNone;
  int overcome_by = -1;                 // exception rule that overcame it
  const License* licence = nullptr;     // the licence held for it
  // Only the first n_rows / n_entries / n_missing are set.
  int n_rows = 0;
  int n_entries = 0;
  int n_missing = 0;
  union { const ChartRow* rows[4]; };
  union { const ListEntry* entries[4]; };
  union { rules::MissingRef missing[6]; };
};

struct TraceStep {
  int rule;
  int unit;
  Tri result;
};

// An allocator whose resize() leaves new elements default-initialised (for TraceStep: not
// written at all). The evaluator sizes the trace once per determination to its bound, writes
// the steps by index and cuts it to what it wrote (evaluator.cc).
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind { using other = DefaultInitAllocator<U>; };
  DefaultInitAllocator() = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) { ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...); }
};
using Trace = std::vector<TraceStep, DefaultInitAllocator<TraceStep>>;

struct MissingFact {
  rules::MissingRef ref;
  int unit = -1;
  int rule = -1;
};

struct Jurisdiction {
  Symbol regime;
  int regime_index = 0;
  Outcome outcome = Outcome::kNotSubject;
  ReviewPolicy policy = ReviewPolicy::kNone;
  Tri subject = Tri::kFalse;     // any item subject to the regime
  bool reached = false;          // the regime reaches the act (items or persons)
  std::vector<Reason> subject_because;  // scope rules that fired
  // Scope rules that did not fire, with their 'else' text (one per rule), or undetermined.
  // Most of them (an 'else' line of a rule found false) carry no evidence and are kept as a
  // small record; the others point into not_reached_full. Read them with ForEachNotReached.
  struct NotReached {
    int rule;
    int unit;
    int full;  // index into not_reached_full, or -1: no evidence
    Outcome outcome;
  };
  std::vector<NotReached> not_reached;
  std::vector<Reason> not_reached_full;
  std::vector<Reason> classified;       // classification rules that fired
  std::vector<Reason> reasons;          // requirements that fired or are undetermined
  std::vector<Reason> exceptions;       // exception rules that fired
  std::vector<MissingFact> missing;
  bool rests_on_unverified = false;
  void Clear() {
    outcome = Outcome::kNotSubject;
    policy = ReviewPolicy::kNone;
    subject = Tri::kFalse;
    reached = false;
    subject_because.clear();
    not_reached.clear();
    not_reached_full.clear();
    classified.clear();
    reasons.clear();
    exceptions.clear();
    missing.clear();
    rests_on_unverified = false;
  }
  // Calls fn(const Reason&) for each scope rule that did not fire, in evaluation order.
  template <class Fn>
  void ForEachNotReached(Fn&& fn) const {
    for (const NotReached& n : not_reached) {
      if (n.full >= 0) {
        fn(not_reached_full[n.full]);
        continue;
      }
      Reason r;
      r.rule = n.rule;
      r.unit = n.unit;
      r.outcome = n.outcome;
      fn(static_cast<const Reason&>(r));
    }
  }
};

struct Determination {
  Outcome overall = Outcome::kNotSubject;
  bool hold = false;
  std::vector<Jurisdiction> jurisdictions;
  Trace trace;
  std::vector<std::string> notes;  // input-level observations (unknown licence ids, stated vs computed)
};

}  // namespace cordon

#endif  // CORDON_RULES_DETERMINATION_H_
