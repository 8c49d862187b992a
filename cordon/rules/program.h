// Compiled rule conditions: a flat array of typed nodes evaluated with
// three-valued logic (true, false, unknown). Internal to the rules module.
//
// Unknown is not no: a fact the transaction lacks makes its node unknown, the
// fact is recorded as missing, and `and`/`or` only drop those records when the
// other side decides the answer. Evaluation allocates nothing.
#ifndef CORDON_RULES_PROGRAM_H_
#define CORDON_RULES_PROGRAM_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "cordon/base/date.h"
#include "cordon/base/interner.h"
#include "cordon/model/transaction.h"
#include "cordon/refdata/reference_data.h"
#include "cordon/rules/ast.h"

namespace cordon::rules {

constexpr int kMaxRegimes = 8;
constexpr int kMaxMissing = 32;
constexpr int kMaxEvidence = 8;

enum class Type : uint8_t { kBool, kNum, kSym, kDate, kList, kSet, kParty, kAny };
const char* TypeName(Type t);

// The facts a rule can name (docs/rules.md lists them with their field paths).
enum class Fact : uint16_t {
  kDate, kActivity, kShipFrom, kDestination, kRoute, kExporterCountry, kExporterHq, kPurpose,
  kFacCountry, kFacHq, kFacIc, kFacNode, kFacNonPlanar, kFacNandLayers, kFacDramHp, kFacDramCell, kFacDramDensity,
  kServiceTask, kKnowInformed, kKnowAware, kKnowSuspects,
  kItemKind, kItemMadeIn, kItemValue, kItemQuantity, kItemClass, kItemSpec, kItemUsContentPct,
  kItemContainsUsIc, kItemContainsFdpIc, kItemReportFiled, kItemUsTech, kItemUsSw, kItemPlantUsOrigin,
  kItemPlantUsTech, kItemPlantUsSw, kItemSubject, kItemIsEquipment, kItemTechOrigin, kItemDescription,
  // party fields (arg = party variable)
  kPartyRole, kPartyCountry, kPartyHq, kPartyType, kPartyNationalities, kPartyPermRes, kPartyLocatedIn,
  kPartySpecificCategory, kPartyEmployerHq, kPartyEmployerCountry, kPartyEmployerD5Share, kPartyName,
  kPartyScreening,  // a possible list match awaiting review (missing-fact path only)
  kCount_
};

struct PartyView {
  const Party* party = nullptr;
  int index = -1;  // position in parties[]; -1 exporter, -2 service performer
  std::vector<const ListEntry*> matches;   // list entries this party matched (screening)
  std::vector<const ListEntry*> possible;  // matches below certainty, awaiting review
};

struct UnitView {
  const Item* item = nullptr;
  int index = 0;          // position in items[]
  bool equipment = false; // the service's equipment
  Symbol derived_class[kMaxRegimes];
  Symbol given_class[kMaxRegimes];  // the item's stated classification per regime index (Prepare)
  int derived_by[kMaxRegimes] = {-1, -1, -1, -1, -1, -1, -1, -1};  // classification rule index
  // The scope rules that made the item subject, per regime (for subject_only_via).
  int16_t subject_rules[kMaxRegimes][6] = {};
  uint8_t n_subject_rules[kMaxRegimes] = {};
  Tri subject[kMaxRegimes] = {Tri::kFalse, Tri::kFalse, Tri::kFalse, Tri::kFalse,
                              Tri::kFalse, Tri::kFalse, Tri::kFalse, Tri::kFalse};
  // The de minimis percentage, computed on first use (see Program::ContentPct).
  mutable bool pct_done = false;
  mutable Tri pct_known = Tri::kUnknown;
  mutable double pct = 0;
  mutable double counted_value = 0;
  mutable bool pct_from_parts = false;
};

struct EvalInput {
  const Transaction* tx = nullptr;
  Date date;
  const FacilityFacts* facility = nullptr;
  std::vector<PartyView> parties;
  PartyView exporter;
  PartyView performer;
  std::vector<UnitView> units;
  bool has_performer = false;
};

struct MissingRef {
  Fact fact;
  uint32_t arg = 0;      // regime or spec symbol
  int party = -3;        // party index for party facts
};

// A value during evaluation: 16 bytes, so that it travels in registers.
struct Val {
  enum K : uint8_t { kUnknown, kBool, kNum, kSym, kDate, kList, kSet, kParty } k = kUnknown;
  uint32_t ln = 0;  // list length
  union {
    bool b;
    double n;
    uint32_t sym;
    int32_t date;
    const Symbol* lp;
    const NamedSet* set;
    const PartyView* party;
  };
  Val() : n(0) {}
};
static_assert(sizeof(Val) == 16, "Val must stay small");

constexpr int kMaxDefines = 64;

struct DefineMemo {
  uint32_t epoch = 0;
  Tri value = Tri::kUnknown;
  uint8_t n_missing = 0;
  MissingRef missing[4];
};

// One remembered answer of "is this ECCN under a member of this hierarchical set on this date".
struct EccnMemo {
  const NamedSet* set = nullptr;
  uint32_t sym = 0;
  int32_t date = 0;
  Tri value = Tri::kUnknown;
};

// One remembered Country Chart answer: classification x destination x date. Its evidence rows are in
// Frame::chart_rows (read only when n_rows > 0), so that four keys share a cache line.
struct ChartMemo {
  uint32_t eccn = 0, country = 0;
  int32_t date = 0;
  Tri value = Tri::kUnknown;
  uint8_t n_rows = 0;
  bool valid = false;
};
static_assert(sizeof(ChartMemo) == 16, "ChartMemo must stay small");

// One remembered contains_text answer (text symbol x lower-case needle symbol).
struct TextMemo {
  uint32_t hay = 0, needle = 0;
  bool valid = false;
  Tri value = Tri::kFalse;
};

// One remembered fact value (see Frame::facts).
struct FactMemo {
  uint32_t stamp = 0;
  Val v;
};

struct Frame {
  const EvalInput* in = nullptr;
  // Sized so that the answers of a working set of classifications x destinations x dates stay.
  static constexpr int kChartMemo = 512;  // two-way: a key lives in slot h or h ^ 1
  ChartMemo chart_memo[kChartMemo];
  const ChartRow* chart_rows[kChartMemo][kMaxEvidence];
  // ECCN hierarchy tests compare text member by member; their answers are the same for every rule
  // and every determination of the same date, so a small direct-mapped memo keeps them.
  // Plain (non-hierarchical) set membership is remembered in the same memo.
  static constexpr int kEccnMemo = 2048;
  EccnMemo eccn_memo[kEccnMemo];
  // Facts that do not change during one evaluation (the transaction's, and the current item's
  // stated ones) are loaded once: facts[fact] holds the value loaded under tx_stamp (transaction
  // facts) or unit_stamp (item facts). Both come from one counter, so an old entry never matches;
  // 0 (before NewEvaluation) turns the memo off.
  FactMemo facts[static_cast<int>(Fact::kCount_)];
  uint32_t stamp_counter = 0;
  uint32_t tx_stamp = 0;
  uint32_t unit_stamp = 0;
  const UnitView* stamped_unit = nullptr;
  // contains_text answers, by text and needle.
  static constexpr int kTextMemo = 256;
  TextMemo text_memo[kTextMemo];
  void NewEvaluation() {
    // Before the counter wraps, forget every remembered fact: an old stamp must never match again.
    if (stamp_counter > 0xFFFFFF00u) {
      for (auto& m : facts) m.stamp = 0;
      stamp_counter = 0;
    }
    tx_stamp = ++stamp_counter;
    unit_stamp = ++stamp_counter;
    stamped_unit = nullptr;
    unit = nullptr;
  }
  const UnitView* unit = nullptr;
  // Definitions are evaluated once per unit: a new unit starts a new epoch.
  uint32_t epoch = 1;
  DefineMemo defines[kMaxDefines];
  void SetUnit(const UnitView* u) {
    if (u != stamped_unit && tx_stamp != 0) {
      unit_stamp = ++stamp_counter;
      stamped_unit = u;
    }
    unit = u;
    ++epoch;
  }
  const PartyView* vars[4] = {nullptr, nullptr, nullptr, nullptr};
  MissingRef missing[kMaxMissing];
  int n_missing = 0;
  const ChartRow* rows[kMaxEvidence];
  int n_rows = 0;
  const ListEntry* entries[kMaxEvidence];
  int n_entries = 0;
  void Reset() { n_missing = 0; n_rows = 0; n_entries = 0; }
  void AddMissing(MissingRef m) {
    for (int i = 0; i < n_missing; ++i) {
      if (missing[i].fact == m.fact && missing[i].arg == m.arg && missing[i].party == m.party) return;
    }
    if (n_missing < kMaxMissing) missing[n_missing++] = m;
  }
};

enum class Op : uint8_t {
  kConstBool, kConstNum, kConstSym, kConstDate, kConstList, kSetRef, kFact, kPartyVar, kPartyField,
  kNot, kCmp, kArith, kNeg, kIn, kKnown, kChartRequires, kListed, kFootnote,
  kIntersects, kCount, kAny, kContainsText, kEntryAllows,
  // Fused forms of the most common shapes (fact OP constant), to save dispatches.
  kFactEqSym, kFactNeSym, kFactCmpNum, kFactInSet, kFactInList, kDefine, kSubjectOnlyVia,
  // `and` / `or` chains: children kids_[a .. a+b).
  kAllOf, kAnyOf,
};

// One instruction of a compiled condition: each root condition (a rule's `when`, a policy case)
// is compiled to a flat run of these and executed in one loop (Program::Run; docs/rules.md
// § How conditions run). Operands are resolved at compile time.
struct Ins {
  uint8_t op = 0;
  uint8_t level = 0;  // the and/or/any/define whose missing-fact mark and unknown flag it uses
  uint8_t neg = 0;    // leaves: a fused `not` (1 flips true and false, unknown stays)
  uint8_t src = 0;    // leaves: how the operand loads (program.cc, enum Src)
  int32_t jump = 0;   // target: short circuit, define memo hit, `any` loop
  int32_t a = -1;     // leaves: the operand node, or the node itself (fallbacks, any/listed)
  uint32_t sym = 0;   // symbol constant, list, define slot, party slot, sign mask, or exit target
  uint16_t fact = 0;  // the operand's fact (its memo slot)
  uint16_t arg = 0;   // the operand's regime index (item.class, item.subject)
  uint32_t info = 0;  // set tests: index into Program::set_info_
  union {
    double num = 0;
    const NamedSet* set;
  };
};
static_assert(sizeof(Ins) == 32, "Ins must stay small");

// What the compiled code knows of a set it tests: whether any member is dated (else its answers
// are remembered for every date at once) and, for ECCN sets, the members' texts.
struct SetInfo {
  const NamedSet* set = nullptr;
  bool dated = false;
  std::vector<std::string_view> texts;
};

struct Node {
  Op op;
  Type type;
  Tok tok = Tok::kEnd;  // comparison / arithmetic operator
  int a = -1, b = -1, c = -1;
  double num = 0;
  uint32_t sym = 0;
  Fact fact = Fact::kDate;
  int slot = 0;             // party variable slot (0..3), -1 exporter, -2 performer
  const NamedSet* set = nullptr;
  int list = -1;            // index into Program::lists_
  int line = 0, col = 0;
};

class Program {
 public:
  explicit Program(const ReferenceData* refdata) : refdata_(refdata) {}

  // Compiles an expression; `want` kBool for conditions. Errors carry file:line:col.
  Result<int> Compile(const Expr& e, Type want);
  Status AddSet(const SetDecl& s);
  Status AddDefine(const DefineDecl& d);
  void SetRegimes(const std::vector<Symbol>& regimes) { regimes_ = regimes; }
  // Rule ids by index, for subject_only_via (set before compiling rules).
  void SetRuleIds(const std::vector<std::string>* ids) { rule_ids_ = ids; }
  int RegimeIndex(Symbol r) const;
  // The regime whose rule is being compiled: item.subject means subject to it.
  void SetCurrentRegime(int r) { current_regime_ = r; }

  Val Eval(int node, Frame& f) const;
  // Three-valued truth of a boolean node: root conditions run their compiled code (Run), any
  // other node is walked (Walk). The two agree, missing facts and evidence included.
  Tri Truth(int node, Frame& f) const;
  // The tree walk of a node: the reference the compiled code must agree with (tests compare them).
  Tri Walk(int node, Frame& f) const;
  // Whether Truth(node) runs compiled code, and the size of all code (tests, docs).
  bool Compiled(int node) const {
    return static_cast<size_t>(node) < root_of_.size() && root_of_[static_cast<size_t>(node)] != kNoRoot;
  }
  size_t code_size() const { return code_.size(); }

  // The path of a missing fact, e.g. "items[0].classification.EU" or "parties[1].headquarters".
  std::string MissingPath(const MissingRef& m, const UnitView* unit) const;
  const NamedSet* FindSet(Symbol id) const;
  const std::vector<Node>& nodes() const { return nodes_; }
  // Children of kAllOf / kAnyOf nodes (node.a .. node.a + node.b), for tools that walk conditions.
  const std::vector<int>& kids() const { return kids_; }
  // The facts this program's text names, for docs and coverage.
  static const char* FactName(Fact f);

  // Whether the expression can read what the classification stage derives (an item's
  // classification, or facts computed from it). Scope rules that do not may run before it.
  bool ReadsClassification(int node) const;

  // De minimis: controlled US-origin content as a percentage of the item's value.
  void ContentPct(const UnitView& u, const EvalInput& in) const;

 private:
  struct Scope { std::vector<std::string> vars; };
  Result<int> CompileNode(const Expr& e, Scope& scope, int depth);
  Result<int> CompileName(const Expr& e, Scope& scope);
  Result<int> CompileCall(const Expr& e, Scope& scope, int depth);
  int Push(Node n) { nodes_.push_back(n); return static_cast<int>(nodes_.size() - 1); }
  Status TypeError(const Expr& e, const std::string& m) const;
  // Loads a fact through the frame's fact memo; LoadFactUncached reads the transaction.
  Val LoadFact(const Node& n, Frame& f) const;
  Val LoadFactUncached(const Node& n, Frame& f) const;
  Val LoadPartyField(const Node& n, Frame& f) const;
  // The party a party-variable node names (null, with the missing record, when unbound).
  const PartyView* PartyVar(const Node& n, Frame& f) const;
  // Eval with the leaves most operands are (facts, constants, sets) handled inline.
  Val Leaf(int node, Frame& f) const;
  // The boolean operations other than chains, `not` and the fused leaves (Truth's fallback).
  Tri Test(const Node& n, Frame& f) const;
  Val Unknown(Frame& f, MissingRef m) const { f.AddMissing(m); return Val{}; }
  int Fuse(int node);
  Tri InSet(const Node& n, const Node& lhs, uint32_t sym, const NamedSet* set, Frame& f) const;
  // Is the ECCN `sym` under a member of the hierarchical `set` on the frame's date (unknown when
  // only coarser than one), remembered in the frame.
  // `texts`: the members' texts (SetInfo), else read from the symbols; `dated` false: the set has
  // no dated member, so one answer holds for every date.
  Tri EccnInSet(uint32_t sym, const NamedSet* set, Frame& f, const std::string_view* texts = nullptr,
                bool dated = true) const;
  // Is `sym` a member of the plain `set` on the frame's date, remembered in the same memo.
  Tri PlainInSet(uint32_t sym, const NamedSet* set, Frame& f, bool dated = true) const;
  int define_count_ = 0;

  // Compiled conditions (program.cc § Compiled conditions).
  static constexpr int kMaxLevels = 32;
  Tri Run(int pc, Frame& f) const;
  // Compiles the root condition `node` to code_ and records it in roots_.
  void EmitRoot(int node);
  // Emits code leaving the node's truth in the accumulator; returns the index of the leaf
  // instruction that produced it (so a chain step or `not` can be fused into it), else -1.
  int EmitBool(int node, int level, bool root = false);
  int EmitLeaf(uint8_t op, int a);
  size_t EmitScope(uint8_t op, int level, int slot, int body);
  // any(p in parties: listed(p, L)) / footnote(...) in one step over the prepared matches.
  Tri AnyListed(const Node& listed, int slot, Frame& f) const;
  // listed(p, L) / footnote(p, L, n) for one party, collecting the matching entries.
  Tri Listed(const Node& n, const PartyView& party, Frame& f) const;
  // The operand of a leaf when it is not in the fact memo (or is a party field).
  Val LoadOperand(const Ins& i, Frame& f) const;
  Val LoadOperandFast(const Ins& i, Frame& f) const;
  uint32_t AddSetInfo(const NamedSet* set);
  Tri InSetInfo(uint32_t sym, const SetInfo& info, Frame& f) const {
    return info.set->eccn_hierarchy ? EccnInSet(sym, info.set, f, info.texts.data(), info.dated)
                                    : PlainInSet(sym, info.set, f, info.dated);
  }
  Tri Intersects(const Ins& i, Frame& f) const;
  // chart_requires(eccn, country) through the frame's memo, its rows added to the evidence.
  Tri ChartTest(uint32_t eccn, uint32_t country, Frame& f) const;
  Tri ContainsText(uint32_t hay, uint32_t needle, Frame& f) const;
  std::vector<SetInfo> set_info_;
  std::vector<Ins> code_;
  // A compiled root condition: its entry, and a copy of its first conjunct when that is a test of
  // a remembered fact or of the item's classification or subjection. Most rules are false there;
  // Truth answers those inline, without entering Run (the first leaf, false, leaves nothing behind),
  // and starts Run past it when it is true.
  enum GuardKind : uint8_t { kNoGuard, kGuardTxSym, kGuardUnitSym, kGuardClassSym, kGuardSubject };
  struct Root {
    int32_t pc = -1;
    GuardKind guard = kNoGuard;
    uint8_t neg = 0;
    uint16_t fact = 0;  // the fact memo slot (kGuardTxSym, kGuardUnitSym)
    uint16_t arg = 0;   // the regime index (kGuardClassSym, kGuardSubject)
    uint32_t sym = 0;
  };
  // The root's first conjunct as far as it can be read now without side effects: decided false
  // (the root is false), decided true (Run may start past it: a true conjunct leaves nothing
  // behind), or to be run (not loaded yet, unknown, or no guard).
  enum GuardState : uint8_t { kGuardRun, kGuardFails, kGuardPasses };
  GuardState Guard(const Root& r, const Frame& f) const {
    auto state = [&r](bool holds) { return holds != (r.neg != 0) ? kGuardPasses : kGuardFails; };
    if (r.guard == kGuardTxSym || r.guard == kGuardUnitSym) {
      const FactMemo& m = f.facts[r.fact];
      const uint32_t stamp = r.guard == kGuardTxSym ? f.tx_stamp : f.unit_stamp;
      if (m.stamp != stamp || f.tx_stamp == 0 || m.v.k != Val::kSym) return kGuardRun;
      return state(m.v.sym == r.sym);
    }
    const UnitView* u = f.unit;
    if (r.guard == kNoGuard || !u || !u->item) return kGuardRun;
    if (r.guard == kGuardSubject) {
      const Tri t = u->subject[r.arg];
      return t == Tri::kUnknown ? kGuardRun : state(t == Tri::kTrue);
    }
    const Symbol c = u->derived_by[r.arg] >= 0 ? u->derived_class[r.arg] : u->given_class[r.arg];
    return c.empty() ? kGuardRun : state(c.id() == r.sym);
  }
  // The compiled roots in compile order, which is the order the evaluator asks for them: the
  // records of consecutive rules share cache lines. root_of_ maps a node to its record.
  static constexpr uint16_t kNoRoot = 0xFFFF;
  std::vector<Root> roots_;
  std::vector<uint16_t> root_of_;  // by node
  bool emit_failed_ = false;

  const ReferenceData* refdata_;
  std::vector<Node> nodes_;
  std::vector<std::vector<Symbol>> lists_;
  std::vector<std::vector<bool>> rule_sets_;
  std::vector<int> kids_;  // children of kAllOf / kAnyOf nodes  // subject_only_via: rules its prefixes cover, by rule index
  std::unordered_map<std::string, NamedSet> sets_;
  std::unordered_map<std::string, const DefineDecl*> defines_;
  std::vector<std::unique_ptr<DefineDecl>> define_store_;
  std::unordered_map<std::string, int> define_nodes_;
  std::vector<std::string> define_stack_;
  std::vector<Symbol> regimes_;
  int current_regime_ = 0;
  const std::vector<std::string>* rule_ids_ = nullptr;
};

}  // namespace cordon::rules

#endif  // CORDON_RULES_PROGRAM_H_
