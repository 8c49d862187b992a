#include "cordon/rules/program.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstring>

namespace cordon::rules {
namespace {

struct FactDef {
  const char* name;
  Fact fact;
  Type type;
};

// Transaction and item facts by name. Party fields are resolved separately.
constexpr FactDef kFacts[] = {
    {"date", Fact::kDate, Type::kDate},
    {"activity", Fact::kActivity, Type::kSym},
    {"ship_from", Fact::kShipFrom, Type::kSym},
    {"destination", Fact::kDestination, Type::kSym},
    {"route", Fact::kRoute, Type::kList},
    {"end_use.purpose", Fact::kPurpose, Type::kList},
    {"facility.country", Fact::kFacCountry, Type::kSym},
    {"facility.headquarters", Fact::kFacHq, Type::kSym},
    {"facility.ic", Fact::kFacIc, Type::kSym},
    {"facility.node_nm", Fact::kFacNode, Type::kNum},
    {"facility.non_planar", Fact::kFacNonPlanar, Type::kBool},
    {"facility.nand_layers", Fact::kFacNandLayers, Type::kNum},
    {"facility.dram_half_pitch_nm", Fact::kFacDramHp, Type::kNum},
    {"facility.dram_cell_area_um2", Fact::kFacDramCell, Type::kNum},
    {"facility.dram_density_gb_mm2", Fact::kFacDramDensity, Type::kNum},
    {"service.task", Fact::kServiceTask, Type::kSym},
    {"knowledge.informed", Fact::kKnowInformed, Type::kList},
    {"knowledge.aware", Fact::kKnowAware, Type::kList},
    {"knowledge.suspects", Fact::kKnowSuspects, Type::kList},
    {"item.kind", Fact::kItemKind, Type::kSym},
    {"item.made_in", Fact::kItemMadeIn, Type::kSym},
    {"item.value", Fact::kItemValue, Type::kNum},
    {"item.quantity", Fact::kItemQuantity, Type::kNum},
    {"item.us_content_pct", Fact::kItemUsContentPct, Type::kNum},
    {"item.contains_us_ic", Fact::kItemContainsUsIc, Type::kBool},
    {"item.contains_fdp_ic", Fact::kItemContainsFdpIc, Type::kBool},
    {"item.report_filed", Fact::kItemReportFiled, Type::kBool},
    {"item.us_technology", Fact::kItemUsTech, Type::kList},
    {"item.us_software", Fact::kItemUsSw, Type::kList},
    {"item.plant_us_origin", Fact::kItemPlantUsOrigin, Type::kBool},
    {"item.plant_us_technology", Fact::kItemPlantUsTech, Type::kList},
    {"item.plant_us_software", Fact::kItemPlantUsSw, Type::kList},
    {"item.subject", Fact::kItemSubject, Type::kBool},
    {"item.is_equipment", Fact::kItemIsEquipment, Type::kBool},
    {"item.technology_origin", Fact::kItemTechOrigin, Type::kList},
};

struct PartyFieldDef {
  const char* name;
  Fact fact;
  Type type;
};

constexpr PartyFieldDef kPartyFields[] = {
    {"role", Fact::kPartyRole, Type::kSym},
    {"name", Fact::kPartyName, Type::kSym},
    {"country", Fact::kPartyCountry, Type::kSym},
    {"headquarters", Fact::kPartyHq, Type::kSym},
    {"type", Fact::kPartyType, Type::kSym},
    {"nationalities", Fact::kPartyNationalities, Type::kList},
    {"permanent_resident_of", Fact::kPartyPermRes, Type::kSym},
    {"located_in", Fact::kPartyLocatedIn, Type::kSym},
    {"specific_category", Fact::kPartySpecificCategory, Type::kBool},
    {"employer.headquarters", Fact::kPartyEmployerHq, Type::kSym},
    {"employer.country", Fact::kPartyEmployerCountry, Type::kSym},
    {"employer.owned_by_d5_share", Fact::kPartyEmployerD5Share, Type::kNum},
};

Val Bool(bool b) { Val v; v.k = Val::kBool; v.n = 0; v.b = b; return v; }
Val Num(double n) { Val v; v.k = Val::kNum; v.n = n; return v; }
Val Sym(Symbol s) { Val v; v.k = Val::kSym; v.n = 0; v.sym = s.id(); return v; }
Val List(const std::vector<Symbol>& l) { Val v; v.k = Val::kList; v.lp = l.data(); v.ln = static_cast<uint32_t>(l.size()); return v; }
Val DateVal(Date d) { Val v; v.k = Val::kDate; v.n = 0; v.date = d.days(); return v; }
Tri ToTri(const Val& v) { return v.k == Val::kBool ? (v.b ? Tri::kTrue : Tri::kFalse) : Tri::kUnknown; }
Val FromTri(Tri t) { return t == Tri::kUnknown ? Val{} : Bool(t == Tri::kTrue); }

bool ListHas(const Val& l, uint32_t sym) {
  for (uint32_t i = 0; i < l.ln; ++i) {
    if (l.lp[i].id() == sym) return true;
  }
  return false;
}

// A listed entry is in force on `d` when added on or before it and not yet removed.
bool EntryInForce(const ListEntry& e, Date d) {
  if (e.added && d < *e.added) return false;
  if (e.removed && !(d < *e.removed)) return false;
  return true;
}

bool EntryHasFootnote(const ListEntry& e, Date d, int footnote) {
  const std::vector<int>* fn = &e.footnotes;
  // The latest history change on or before d that sets footnotes wins.
  Date best = Date::Min();
  for (const auto& h : e.history) {
    if (h.footnotes && h.from <= d && best <= h.from) {
      fn = &*h.footnotes;
      best = h.from;
    }
  }
  return std::find(fn->begin(), fn->end(), footnote) != fn->end();
}

}  // namespace

const char* TypeName(Type t) {
  switch (t) {
    case Type::kBool: return "boolean";
    case Type::kNum: return "number";
    case Type::kSym: return "string";
    case Type::kDate: return "date";
    case Type::kList: return "list";
    case Type::kSet: return "set";
    case Type::kParty: return "party";
    case Type::kAny: return "spec value";
  }
  return "?";
}

const char* Program::FactName(Fact f) {
  for (const auto& d : kFacts) {
    if (d.fact == f) return d.name;
  }
  for (const auto& d : kPartyFields) {
    if (d.fact == f) return d.name;
  }
  if (f == Fact::kItemClass) return "item.class.<REGIME>";
  if (f == Fact::kItemSpec) return "item.spec.<name>";
  return "?";
}

int Program::RegimeIndex(Symbol r) const {
  for (size_t i = 0; i < regimes_.size(); ++i) {
    if (regimes_[i] == r) return static_cast<int>(i);
  }
  return -1;
}

Status Program::TypeError(const Expr& e, const std::string& m) const {
  return InvalidArgument(e.pos.ToString() + ": " + m);
}

Status Program::AddSet(const SetDecl& s) {
  if (sets_.count(s.name) || refdata_->FindSet(Symbol::Intern(s.name))) {
    return InvalidArgument(s.pos.ToString() + ": set '" + s.name + "' is defined twice");
  }
  NamedSet set;
  set.id = Symbol::Intern(s.name);
  set.cite = s.cite;
  set.eccn_hierarchy = s.kind == "eccn";
  for (const auto& m : s.members) {
    if (s.kind == "countries" && !refdata_->vocabulary().IsCountry(Symbol::Intern(m))) {
      return InvalidArgument(s.pos.ToString() + ": set '" + s.name + "': '" + m + "' is not an ISO 3166-1 country code");
    }
    set.members.push_back({Symbol::Intern(m), DateInterval{}});
  }
  sets_[s.name] = std::move(set);
  return Status::Ok();
}

Status Program::AddDefine(const DefineDecl& d) {
  if (defines_.count(d.name)) return InvalidArgument(d.pos.ToString() + ": '" + d.name + "' is defined twice");
  defines_[d.name] = &d;
  return Status::Ok();
}

const NamedSet* Program::FindSet(Symbol id) const {
  auto it = sets_.find(std::string(id.text()));
  if (it != sets_.end()) return &it->second;
  return refdata_->FindSet(id);
}

Result<int> Program::Compile(const Expr& e, Type want) {
  Scope scope;
  ASSIGN_OR_RETURN(int n, CompileNode(e, scope, 0));
  if (nodes_[n].type != want) {
    return TypeError(e, std::string("expected a ") + TypeName(want) + " condition, this is a " + TypeName(nodes_[n].type));
  }
  if (want == Type::kBool) EmitRoot(n);
  return n;
}

Result<int> Program::CompileName(const Expr& e, Scope& scope) {
  const std::string& name = e.text;
  Node n{};
  n.line = e.pos.line;
  n.col = e.pos.col;
  if (name == "item.subject") {
    if (current_regime_ < 0) return TypeError(e, "a definition cannot use item.subject (it depends on the regime)");
    n.op = Op::kFact;
    n.fact = Fact::kItemSubject;
    n.type = Type::kBool;
    n.sym = static_cast<uint32_t>(current_regime_);
    return Push(n);
  }
  for (const auto& d : kFacts) {
    if (name == d.name) {
      n.op = Op::kFact;
      n.fact = d.fact;
      n.type = d.type;
      return Push(n);
    }
  }
  if (name.rfind("item.class.", 0) == 0) {
    Symbol regime = Symbol::Intern(name.substr(11));
    if (RegimeIndex(regime) < 0) return TypeError(e, "unknown regime in '" + name + "'");
    n.op = Op::kFact;
    n.fact = Fact::kItemClass;
    n.type = Type::kSym;
    n.sym = regime.id();
    n.slot = RegimeIndex(regime);
    return Push(n);
  }
  if (name.rfind("item.spec.", 0) == 0 && name.size() > 10) {
    n.op = Op::kFact;
    n.fact = Fact::kItemSpec;
    n.type = Type::kAny;
    n.sym = Symbol::Intern(name.substr(10)).id();
    return Push(n);
  }
  // A party variable, alone or with a field: p, p.country, exporter.headquarters, performer.nationalities
  std::string var = name.substr(0, name.find('.'));
  std::string field = name.find('.') == std::string::npos ? "" : name.substr(name.find('.') + 1);
  int slot = -100;
  for (size_t i = 0; i < scope.vars.size(); ++i) {
    if (scope.vars[i] == var) slot = static_cast<int>(i);
  }
  if (var == "exporter") slot = -1;
  if (var == "performer") slot = -2;
  if (slot != -100) {
    Node pv{};
    pv.op = Op::kPartyVar;
    pv.type = Type::kParty;
    pv.slot = slot;
    pv.line = n.line;
    pv.col = n.col;
    int pvi = Push(pv);
    if (field.empty()) return pvi;
    for (const auto& d : kPartyFields) {
      if (field == d.name) {
        n.op = Op::kPartyField;
        n.fact = d.fact;
        n.type = d.type;
        n.a = pvi;
        return Push(n);
      }
    }
    return TypeError(e, "a party has no field '" + field + "'");
  }
  // A definition.
  auto dn = define_nodes_.find(name);
  if (dn != define_nodes_.end()) return dn->second;
  auto def = defines_.find(name);
  if (def != defines_.end()) {
    if (std::find(define_stack_.begin(), define_stack_.end(), name) != define_stack_.end()) {
      return TypeError(e, "definition '" + name + "' refers to itself");
    }
    define_stack_.push_back(name);
    Scope fresh;
    int saved_regime = current_regime_;
    current_regime_ = -1;  // a definition is shared by every regime: it may not read item.subject
    auto r = CompileNode(*def->second->body, fresh, 0);
    current_regime_ = saved_regime;
    define_stack_.pop_back();
    if (!r.ok()) return r.status();
    int result = *r;
    if (nodes_[*r].type == Type::kBool && define_count_ < kMaxDefines) {
      Node w{};
      w.op = Op::kDefine;
      w.type = Type::kBool;
      w.a = *r;
      w.slot = define_count_++;
      w.line = e.pos.line;
      w.col = e.pos.col;
      result = Push(w);
    }
    define_nodes_[name] = result;
    return result;
  }
  return TypeError(e, "unknown name '" + name + "' (not a fact, a party field or a definition; see docs/rules.md)");
}

Result<int> Program::CompileCall(const Expr& e, Scope& scope, int depth) {
  const std::string& fn = e.text;
  std::vector<int> args;
  for (const auto& a : e.args) {
    ASSIGN_OR_RETURN(int ai, CompileNode(*a, scope, depth + 1));
    args.push_back(ai);
  }
  auto want = [&](size_t n) -> Status {
    if (args.size() != n) {
      return TypeError(e, fn + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", got " +
                              std::to_string(args.size()));
    }
    return Status::Ok();
  };
  auto type_of = [&](size_t i) { return nodes_[args[i]].type; };
  Node n{};
  n.line = e.pos.line;
  n.col = e.pos.col;
  n.type = Type::kBool;
  if (fn == "known") {
    RETURN_IF_ERROR(want(1));
    n.op = Op::kKnown;
    n.a = args[0];
  } else if (fn == "chart_requires") {
    RETURN_IF_ERROR(want(2));
    if (type_of(0) != Type::kSym || type_of(1) != Type::kSym) {
      return TypeError(e, "chart_requires(eccn, country) takes two strings");
    }
    n.op = Op::kChartRequires;
    n.a = args[0];
    n.b = args[1];
  } else if (fn == "listed" || fn == "footnote") {
    RETURN_IF_ERROR(want(fn == "listed" ? 2 : 3));
    if (type_of(0) != Type::kParty) return TypeError(e, fn + "() takes a party first (p, exporter, performer)");
    if (e.args[1]->kind != Expr::Kind::kStr) return TypeError(e, fn + "() takes the list id as a string, e.g. \"US.EL\"");
    n.op = fn == "listed" ? Op::kListed : Op::kFootnote;
    n.a = args[0];
    n.sym = Symbol::Intern(e.args[1]->text).id();
    if (fn == "footnote") {
      if (e.args[2]->kind != Expr::Kind::kNum) return TypeError(e, "footnote() takes the footnote number third");
      n.num = e.args[2]->number;
    }
  } else if (fn == "entry_allows") {
    // entry_allows(p, "US.EL", "RFF"): a list entry in force that matches p names the licence exception.
    RETURN_IF_ERROR(want(3));
    if (type_of(0) != Type::kParty) return TypeError(e, "entry_allows() takes a party first (p, exporter, performer)");
    if (e.args[1]->kind != Expr::Kind::kStr || e.args[2]->kind != Expr::Kind::kStr) {
      return TypeError(e, "entry_allows(p, \"LIST\", \"EXCEPTION\") takes the list id and the exception symbol as strings");
    }
    n.op = Op::kEntryAllows;
    n.a = args[0];
    n.sym = Symbol::Intern(e.args[1]->text).id();
    n.c = static_cast<int>(Symbol::Intern(e.args[2]->text).id());
  } else if (fn == "intersects") {
    RETURN_IF_ERROR(want(2));
    if (type_of(0) != Type::kList) return TypeError(e, "intersects(list, set) takes a list first");
    if (type_of(1) != Type::kList && type_of(1) != Type::kSet) return TypeError(e, "intersects(list, set) takes a set or list second");
    n.op = Op::kIntersects;
    n.a = args[0];
    n.b = args[1];
  } else if (fn == "contains_text") {
    RETURN_IF_ERROR(want(2));
    if ((type_of(0) != Type::kSym && type_of(0) != Type::kAny) || e.args[1]->kind != Expr::Kind::kStr) {
      return TypeError(e, "contains_text(text, \"words\") takes a string fact and a string literal");
    }
    n.op = Op::kContainsText;
    n.a = args[0];
    std::string lower;
    for (char ch : e.args[1]->text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    n.sym = Symbol::Intern(lower).id();
  } else if (fn == "subject_only_via") {
    RETURN_IF_ERROR(want(1));
    if (e.args[0]->kind != Expr::Kind::kList) return TypeError(e, "subject_only_via([\"rule id prefix\", ...]) takes a list of rule id prefixes");
    if (current_regime_ < 0) return TypeError(e, "a definition cannot use subject_only_via (it depends on the regime)");
    n.op = Op::kSubjectOnlyVia;
    n.list = nodes_[args[0]].list;
    n.slot = current_regime_;
    // Which rules the prefixes cover, decided once here rather than by text on every evaluation.
    std::vector<bool> covered(rule_ids_ ? rule_ids_->size() : 0, false);
    for (size_t r = 0; r < covered.size(); ++r) {
      for (Symbol p : lists_[n.list]) covered[r] = covered[r] || (*rule_ids_)[r].rfind(p.text(), 0) == 0;
    }
    n.c = static_cast<int>(rule_sets_.size());
    rule_sets_.push_back(std::move(covered));
  } else if (fn == "count") {
    RETURN_IF_ERROR(want(1));
    if (type_of(0) != Type::kList) return TypeError(e, "count() takes a list");
    n.op = Op::kCount;
    n.type = Type::kNum;
    n.a = args[0];
  } else {
    return TypeError(e, "unknown function '" + fn + "' (known, chart_requires, listed, footnote, entry_allows, intersects, count, contains_text, subject_only_via)");
  }
  return Push(n);
}

Result<int> Program::CompileNode(const Expr& e, Scope& scope, int depth) {
  if (depth > 64) return TypeError(e, "expression nested too deeply");
  Node n{};
  n.line = e.pos.line;
  n.col = e.pos.col;
  switch (e.kind) {
    case Expr::Kind::kNum:
      n.op = Op::kConstNum;
      n.type = Type::kNum;
      n.num = e.number;
      return Push(n);
    case Expr::Kind::kStr:
      n.op = Op::kConstSym;
      n.type = Type::kSym;
      n.sym = Symbol::Intern(e.text).id();
      return Push(n);
    case Expr::Kind::kBool:
      n.op = Op::kConstBool;
      n.type = Type::kBool;
      n.num = e.flag ? 1 : 0;
      return Push(n);
    case Expr::Kind::kDate: {
      auto d = Date::Parse(e.text);
      if (!d.ok()) return TypeError(e, d.status().message());
      n.op = Op::kConstDate;
      n.type = Type::kDate;
      n.num = d->days();
      return Push(n);
    }
    case Expr::Kind::kSetRef: {
      const NamedSet* s = FindSet(Symbol::Intern(e.text));
      if (!s) return TypeError(e, "unknown set '@" + e.text + "'");
      n.op = Op::kSetRef;
      n.type = Type::kSet;
      n.set = s;
      return Push(n);
    }
    case Expr::Kind::kList: {
      std::vector<Symbol> l;
      for (const auto& a : e.args) l.push_back(Symbol::Intern(a->text));
      lists_.push_back(std::move(l));
      n.op = Op::kConstList;
      n.type = Type::kList;
      n.list = static_cast<int>(lists_.size() - 1);
      return Push(n);
    }
    case Expr::Kind::kName:
      return CompileName(e, scope);
    case Expr::Kind::kCall:
      return CompileCall(e, scope, depth);
    case Expr::Kind::kOr:
    case Expr::Kind::kAnd: {
      ASSIGN_OR_RETURN(int a, CompileNode(*e.args[0], scope, depth + 1));
      ASSIGN_OR_RETURN(int b, CompileNode(*e.args[1], scope, depth + 1));
      if (nodes_[a].type != Type::kBool || nodes_[b].type != Type::kBool) {
        return TypeError(e, std::string("'") + (e.kind == Expr::Kind::kOr ? "or" : "and") + "' joins booleans; got " +
                                TypeName(nodes_[a].type) + " and " + TypeName(nodes_[b].type));
      }
      // Chains (`x and y and z`) become one node over a run of children: evaluation loops
      // instead of recursing once per operator. Both sides are fresh nodes (a definition is
      // referenced through its own node), so their runs can be copied.
      const Op chain = e.kind == Expr::Kind::kOr ? Op::kAnyOf : Op::kAllOf;
      std::vector<int> run;
      for (int side : {a, b}) {
        const Node& c = nodes_[side];
        if (c.op == chain) {
          run.insert(run.end(), kids_.begin() + c.a, kids_.begin() + c.a + c.b);
        } else {
          run.push_back(side);
        }
      }
      n.op = chain;
      n.type = Type::kBool;
      n.a = static_cast<int>(kids_.size());
      n.b = static_cast<int>(run.size());
      kids_.insert(kids_.end(), run.begin(), run.end());
      return Push(n);
    }
    case Expr::Kind::kNot: {
      ASSIGN_OR_RETURN(int a, CompileNode(*e.args[0], scope, depth + 1));
      if (nodes_[a].type != Type::kBool) return TypeError(e, std::string("'not' takes a boolean, got ") + TypeName(nodes_[a].type));
      n.op = Op::kNot;
      n.type = Type::kBool;
      n.a = a;
      return Push(n);
    }
    case Expr::Kind::kNeg: {
      ASSIGN_OR_RETURN(int a, CompileNode(*e.args[0], scope, depth + 1));
      if (nodes_[a].type != Type::kNum) return TypeError(e, "'-' takes a number");
      n.op = Op::kNeg;
      n.type = Type::kNum;
      n.a = a;
      return Push(n);
    }
    case Expr::Kind::kArith: {
      ASSIGN_OR_RETURN(int a, CompileNode(*e.args[0], scope, depth + 1));
      ASSIGN_OR_RETURN(int b, CompileNode(*e.args[1], scope, depth + 1));
      auto numeric = [](Type t) { return t == Type::kNum || t == Type::kAny; };
      if (!numeric(nodes_[a].type) || !numeric(nodes_[b].type)) {
        return TypeError(e, std::string("arithmetic takes numbers; got ") + TypeName(nodes_[a].type) + " and " +
                                TypeName(nodes_[b].type));
      }
      n.op = Op::kArith;
      n.tok = e.op;
      n.type = Type::kNum;
      n.a = a;
      n.b = b;
      return Push(n);
    }
    case Expr::Kind::kCmp: {
      ASSIGN_OR_RETURN(int a, CompileNode(*e.args[0], scope, depth + 1));
      ASSIGN_OR_RETURN(int b, CompileNode(*e.args[1], scope, depth + 1));
      Type ta = nodes_[a].type, tb = nodes_[b].type;
      bool ok = ta == tb || ta == Type::kAny || tb == Type::kAny;
      if (ok && ta == tb && (ta == Type::kList || ta == Type::kSet || ta == Type::kParty)) ok = false;
      if (ok && (e.op != Tok::kEq && e.op != Tok::kNe) && (ta == Type::kSym || ta == Type::kBool)) ok = false;
      if (!ok) {
        return TypeError(e, std::string("cannot compare ") + TypeName(ta) + " with " + TypeName(tb) +
                                (ta == Type::kSym && ta == tb ? " by order" : ""));
      }
      n.op = Op::kCmp;
      n.tok = e.op;
      n.type = Type::kBool;
      n.a = a;
      n.b = b;
      return Fuse(Push(n));
    }
    case Expr::Kind::kIn: {
      ASSIGN_OR_RETURN(int a, CompileNode(*e.args[0], scope, depth + 1));
      ASSIGN_OR_RETURN(int b, CompileNode(*e.args[1], scope, depth + 1));
      if (nodes_[a].type != Type::kSym && nodes_[a].type != Type::kAny) {
        return TypeError(e, std::string("'in' tests one value against a set; the left side is a ") + TypeName(nodes_[a].type) +
                                " (use intersects(list, set) for lists)");
      }
      if (nodes_[b].type != Type::kSet && nodes_[b].type != Type::kList) {
        return TypeError(e, std::string("'in' needs a set or list on the right, got ") + TypeName(nodes_[b].type));
      }
      n.op = Op::kIn;
      n.type = Type::kBool;
      n.a = a;
      n.b = b;
      return Fuse(Push(n));
    }
    case Expr::Kind::kAny: {
      if (e.args[0]->text != "parties") return TypeError(e, "any() ranges over 'parties'");
      if (scope.vars.size() >= 4) return TypeError(e, "any() nested too deeply");
      for (const auto& v : scope.vars) {
        if (v == e.text) return TypeError(e, "variable '" + e.text + "' is already bound");
      }
      if (e.text == "exporter" || e.text == "performer") return TypeError(e, "'" + e.text + "' is a reserved party name");
      scope.vars.push_back(e.text);
      auto body = CompileNode(*e.args[1], scope, depth + 1);
      scope.vars.pop_back();
      if (!body.ok()) return body.status();
      if (nodes_[*body].type != Type::kBool) return TypeError(e, "the condition of any() must be a boolean");
      n.op = Op::kAny;
      n.type = Type::kBool;
      n.slot = static_cast<int>(scope.vars.size());
      n.a = *body;
      return Push(n);
    }
  }
  return TypeError(e, "unsupported expression");
}

// Rewrites `fact OP constant` shapes into one node: the evaluator then dispatches once, not three times.
int Program::Fuse(int idx) {
  Node& n = nodes_[idx];
  const Node& a = nodes_[n.a];
  const Node& b = nodes_[n.b];
  if (a.op != Op::kFact) return idx;
  if (n.op == Op::kCmp && a.type == Type::kSym && b.op == Op::kConstSym && (n.tok == Tok::kEq || n.tok == Tok::kNe)) {
    n.op = n.tok == Tok::kEq ? Op::kFactEqSym : Op::kFactNeSym;
    n.sym = b.sym;
  } else if (n.op == Op::kCmp && a.type == Type::kNum && b.op == Op::kConstNum) {
    n.op = Op::kFactCmpNum;
    n.num = b.num;
  } else if (n.op == Op::kIn && a.type == Type::kSym && b.op == Op::kSetRef) {
    n.op = Op::kFactInSet;
    n.set = b.set;
  } else if (n.op == Op::kIn && a.type == Type::kSym && b.op == Op::kConstList) {
    n.op = Op::kFactInList;
    n.list = b.list;
  }
  return idx;
}

// ---------------------------------------------------------------------------
// Evaluation

void Program::ContentPct(const UnitView& u, const EvalInput& in) const {
  u.pct_done = true;
  const Item& it = *u.item;
  if (!it.has_us_content) { u.pct_known = Tri::kUnknown; return; }
  if (!it.unit_value || it.unit_value->amount <= 0) { u.pct_known = Tri::kUnknown; return; }
  double counted = 0;
  bool unknown = false;
  if (it.has_parts) {
    u.pct_from_parts = true;
    static const Symbol kEar99 = Symbol::Intern("EAR99");
    static const Symbol kEar99Set = Symbol::Intern("US:DEMINIMIS_EAR99_COUNTS");
    const NamedSet* ear99 = refdata_->FindSet(kEar99Set);
    for (const auto& p : it.parts) {
      if (p.classification == kEar99) {
        if (ear99 && ear99->Contains(in.tx->destination, in.date)) counted += p.value;
        continue;
      }
      const ChartRow* rows[4];
      int n = 0;
      Tri t = refdata_->ChartRequires(p.classification, in.tx->destination, in.date, rows, &n, 4);
      if (t == Tri::kTrue) counted += p.value;
      if (t == Tri::kUnknown) unknown = true;
    }
  } else if (it.controlled_value) {
    counted = it.controlled_value->amount;
  } else {
    u.pct_known = Tri::kUnknown;
    return;
  }
  u.counted_value = counted;
  u.pct = counted / it.unit_value->amount * 100.0;
  u.pct_known = unknown ? Tri::kUnknown : Tri::kTrue;
}

namespace {
// Which facts the frame may remember for a whole evaluation: 1 the transaction's, 2 the current
// item's stated facts. Not: the classification (derived during evaluation), item.subject, the
// de minimis percentage, specs (keyed by name) and the service equipment flag.
constexpr uint8_t FactMemoClass(Fact f) {
  switch (f) {
    case Fact::kDate: case Fact::kActivity: case Fact::kShipFrom: case Fact::kDestination: case Fact::kRoute:
    case Fact::kExporterCountry: case Fact::kExporterHq: case Fact::kPurpose: case Fact::kFacCountry:
    case Fact::kFacHq: case Fact::kFacIc: case Fact::kFacNode: case Fact::kFacNonPlanar: case Fact::kFacNandLayers:
    case Fact::kFacDramHp: case Fact::kFacDramCell: case Fact::kFacDramDensity: case Fact::kServiceTask:
    case Fact::kKnowInformed: case Fact::kKnowAware: case Fact::kKnowSuspects:
      return 1;
    case Fact::kItemKind: case Fact::kItemMadeIn: case Fact::kItemDescription: case Fact::kItemValue:
    case Fact::kItemQuantity: case Fact::kItemContainsUsIc: case Fact::kItemContainsFdpIc:
    case Fact::kItemReportFiled: case Fact::kItemUsTech: case Fact::kItemUsSw: case Fact::kItemPlantUsOrigin:
    case Fact::kItemPlantUsTech: case Fact::kItemPlantUsSw: case Fact::kItemTechOrigin:
      return 2;
    default:
      return 0;
  }
}
struct FactMemoClasses {
  uint8_t c[static_cast<int>(Fact::kCount_)];
  constexpr FactMemoClasses() : c() {
    for (int i = 0; i < static_cast<int>(Fact::kCount_); ++i) c[i] = FactMemoClass(static_cast<Fact>(i));
  }
};
constexpr FactMemoClasses kFactMemo;

__attribute__((noinline)) void AddMissingFact(const Node& n, Frame& f) { f.AddMissing(MissingRef{n.fact, n.sym, -3}); }
}  // namespace

inline __attribute__((always_inline)) Val Program::LoadFact(const Node& n, Frame& f) const {
  const uint8_t cls = kFactMemo.c[static_cast<int>(n.fact)];
  const uint32_t stamp = cls == 1 ? f.tx_stamp : f.unit_stamp;
  FactMemo& m = f.facts[static_cast<int>(n.fact)];
  if (cls != 0 && m.stamp == stamp && f.tx_stamp != 0) {
    // The same missing-fact record the load itself would make.
    if (m.v.k == Val::kUnknown) AddMissingFact(n, f);
    return m.v;
  }
  if (cls == 0 && f.unit && f.unit->item) {
    // The item's classification and subjection change during an evaluation: read, not remembered.
    if (n.fact == Fact::kItemClass) {
      const int ri = n.slot;
      if (f.unit->derived_by[ri] >= 0) return Sym(f.unit->derived_class[ri]);
      const Symbol c = f.unit->given_class[ri];
      if (c.empty()) {
        AddMissingFact(n, f);
        return Val{};
      }
      return Sym(c);
    }
    if (n.fact == Fact::kItemSubject) {
      const Tri t = f.unit->subject[n.sym];
      if (t == Tri::kUnknown) {
        AddMissingFact(n, f);
        return Val{};
      }
      return Bool(t == Tri::kTrue);
    }
  }
  Val v = LoadFactUncached(n, f);
  if (cls != 0 && f.tx_stamp != 0) {
    m.stamp = stamp;
    m.v = v;
  }
  return v;
}

__attribute__((noinline)) Val Program::LoadFactUncached(const Node& n, Frame& f) const {
  const EvalInput& in = *f.in;
  const Transaction& tx = *in.tx;
  const FacilityFacts* fac = in.facility;
  const Item* it = f.unit ? f.unit->item : nullptr;
  // The missing-fact record is built only on the unknown path.
  auto unknown = [&n, &f, this]() { return Unknown(f, MissingRef{n.fact, n.sym, -3}); };
  auto fac_num = [&](const std::optional<double>& v) { return fac && v ? Num(*v) : unknown(); };
  auto item_list = [&](const std::vector<Symbol>& l) {
    if (!it || !it->has_production) return unknown();
    return List(l);
  };
  switch (n.fact) {
    case Fact::kDate: return DateVal(in.date);
    case Fact::kActivity: return tx.activity.empty() ? unknown() : Sym(tx.activity);
    case Fact::kShipFrom: return tx.ship_from.empty() ? unknown() : Sym(tx.ship_from);
    case Fact::kDestination: return tx.destination.empty() ? unknown() : Sym(tx.destination);
    case Fact::kRoute: return List(tx.route);
    case Fact::kPurpose: return tx.purpose.empty() ? unknown() : List(tx.purpose);
    case Fact::kFacCountry: return fac && !fac->country.empty() ? Sym(fac->country) : unknown();
    case Fact::kFacHq: return fac && !fac->headquarters.empty() ? Sym(fac->headquarters) : unknown();
    case Fact::kFacIc: return fac && !fac->ic.empty() ? Sym(fac->ic) : unknown();
    case Fact::kFacNode: return fac_num(fac ? fac->node_nm : std::nullopt);
    case Fact::kFacNonPlanar: return fac && fac->non_planar ? Bool(*fac->non_planar) : unknown();
    case Fact::kFacNandLayers: return fac_num(fac ? fac->nand_layers : std::nullopt);
    case Fact::kFacDramHp: return fac_num(fac ? fac->dram_half_pitch_nm : std::nullopt);
    case Fact::kFacDramCell: return fac_num(fac ? fac->dram_cell_area_um2 : std::nullopt);
    case Fact::kFacDramDensity: return fac_num(fac ? fac->dram_density_gb_mm2 : std::nullopt);
    case Fact::kServiceTask: return tx.service && !tx.service->task.empty() ? Sym(tx.service->task) : unknown();
    case Fact::kKnowInformed: return tx.knowledge ? List(tx.knowledge->informed) : unknown();
    case Fact::kKnowAware: return tx.knowledge ? List(tx.knowledge->aware) : unknown();
    case Fact::kKnowSuspects: return tx.knowledge ? List(tx.knowledge->suspects) : unknown();
    default: break;
  }
  if (!it) return unknown();
  switch (n.fact) {
    case Fact::kItemKind: return it->kind.empty() ? unknown() : Sym(it->kind);
    case Fact::kItemMadeIn: return it->made_in.empty() ? unknown() : Sym(it->made_in);
    case Fact::kItemDescription: return unknown();
    case Fact::kItemValue: return it->unit_value ? Num(it->unit_value->amount) : unknown();
    case Fact::kItemQuantity: return it->quantity ? Num(*it->quantity) : unknown();
    case Fact::kItemClass: {
      int ri = n.slot;
      if (f.unit->derived_by[ri] >= 0) return Sym(f.unit->derived_class[ri]);
      Symbol c = f.unit->given_class[ri];
      return c.empty() ? unknown() : Sym(c);
    }
    case Fact::kItemSpec: {
      for (const auto& [k, v] : it->specs) {
        if (k.id() == n.sym) {
          if (v.kind == SpecValue::Kind::kNumber) return Num(v.number);
          if (v.kind == SpecValue::Kind::kBool) return Bool(v.flag);
          return Sym(v.text);
        }
      }
      return unknown();
    }
    case Fact::kItemUsContentPct: {
      if (!f.unit->pct_done) ContentPct(*f.unit, in);
      return f.unit->pct_known == Tri::kTrue ? Num(f.unit->pct) : unknown();
    }
    case Fact::kItemContainsUsIc:
      return it->contains_us_ic ? Bool(*it->contains_us_ic) : unknown();
    case Fact::kItemContainsFdpIc:
      return it->contains_fdp_ic ? Bool(*it->contains_fdp_ic) : unknown();
    case Fact::kItemReportFiled:
      return it->report_filed ? Bool(*it->report_filed) : unknown();
    case Fact::kItemUsTech: return item_list(it->us_technology);
    case Fact::kItemUsSw: return item_list(it->us_software);
    case Fact::kItemPlantUsTech: return item_list(it->plant_us_technology);
    case Fact::kItemPlantUsSw: return item_list(it->plant_us_software);
    case Fact::kItemPlantUsOrigin:
      if (!it->has_production) return unknown();
      if (it->plant_us_origin) return Bool(*it->plant_us_origin);
      // Named plant technology decides the prong when the plain flag is absent.
      if (!it->plant_us_technology.empty() || !it->plant_us_software.empty()) return Bool(true);
      return unknown();
    case Fact::kItemSubject: {
      Tri t = f.unit->subject[n.sym];
      return t == Tri::kUnknown ? unknown() : Bool(t == Tri::kTrue);
    }
    case Fact::kItemIsEquipment: return Bool(f.unit->equipment);
    case Fact::kItemTechOrigin:
      // The countries whose technology is behind the item; absent is unknown, {} is none.
      return it->has_technology_origin ? List(it->technology_origin_countries) : unknown();
    default: break;
  }
  return unknown();
}

const PartyView* Program::PartyVar(const Node& n, Frame& f) const {
  const PartyView* p;
  if (n.slot == -1) p = &f.in->exporter;
  else if (n.slot == -2) p = f.in->has_performer ? &f.in->performer : nullptr;
  else p = f.vars[n.slot];
  if (!p) f.AddMissing(MissingRef{Fact::kPartyName, 0, n.slot});
  return p;
}

Val Program::LoadPartyField(const Node& n, Frame& f) const {
  // n.a is the party variable (the only node of party type).
  const PartyView* pv = PartyVar(nodes_[n.a], f);
  if (!pv || !pv->party) {
    return Unknown(f, MissingRef{n.fact, 0, -3});
  }
  const Party& p = *pv->party;
  MissingRef m{n.fact, 0, pv->index};
  switch (n.fact) {
    case Fact::kPartyRole: return p.role.empty() ? Unknown(f, m) : Sym(p.role);
    case Fact::kPartyName: return Sym(Symbol::Intern(p.name));
    case Fact::kPartyCountry: return p.country.empty() ? Unknown(f, m) : Sym(p.country);
    case Fact::kPartyHq: return p.headquarters.empty() ? Unknown(f, m) : Sym(p.headquarters);
    case Fact::kPartyType: return p.type.empty() ? Unknown(f, m) : Sym(p.type);
    case Fact::kPartyNationalities: return List(p.nationalities);
    case Fact::kPartyPermRes: return p.permanent_resident_of.empty() ? Sym(Symbol::Intern("none")) : Sym(p.permanent_resident_of);
    case Fact::kPartyLocatedIn: return p.located_in.empty() ? Unknown(f, m) : Sym(p.located_in);
    case Fact::kPartySpecificCategory: return Bool(p.specific_category);
    case Fact::kPartyEmployerHq:
      return p.employer && !p.employer->headquarters.empty() ? Sym(p.employer->headquarters) : Unknown(f, m);
    case Fact::kPartyEmployerCountry:
      return p.employer && !p.employer->country.empty() ? Sym(p.employer->country) : Unknown(f, m);
    case Fact::kPartyEmployerD5Share:
      return p.employer && p.employer->owned_by_d5_share ? Num(*p.employer->owned_by_d5_share) : Num(0);
    default: break;
  }
  return Unknown(f, m);
}

namespace {
bool CmpHolds(Tok op, int c) {
  switch (op) {
    case Tok::kEq: return c == 0;
    case Tok::kNe: return c != 0;
    case Tok::kLt: return c < 0;
    case Tok::kLe: return c <= 0;
    case Tok::kGt: return c > 0;
    case Tok::kGe: return c >= 0;
    default: return false;
  }
}
}  // namespace

Tri Program::InSet(const Node& n, const Node& lhs, uint32_t sym, const NamedSet* set, Frame& f) const {
  if (!set->eccn_hierarchy) return PlainInSet(sym, set, f);
  Tri t = EccnInSet(sym, set, f);
  // The classification is too coarse to tell (3B001 against 3B001.c): the detail is missing.
  if (t == Tri::kUnknown && lhs.op == Op::kFact) f.AddMissing(MissingRef{lhs.fact, lhs.sym, -3});
  (void)n;
  return t;
}

namespace {
// The memo slot of a set test; `day` 0 for a set without dated members (one answer for all dates).
inline EccnMemo& SetMemo(Frame& f, const NamedSet* set, uint32_t sym, int32_t day) {
  const uintptr_t key = (reinterpret_cast<uintptr_t>(set) >> 4) ^ (uintptr_t{sym} * 2654435761u) ^ uintptr_t(uint32_t(day));
  return f.eccn_memo[(key ^ (key >> 7)) % Frame::kEccnMemo];
}
}  // namespace

Tri Program::EccnInSet(uint32_t sym, const NamedSet* set, Frame& f, const std::string_view* texts, bool dated) const {
  const int32_t day = dated ? f.in->date.days() : 0;
  EccnMemo& memo = SetMemo(f, set, sym, day);
  Tri t;
  if (memo.set == set && memo.sym == sym && memo.date == day) {
    t = memo.value;
  } else {
    std::string_view text = Symbol::FromId(sym).text();
    bool coarse = false;
    t = Tri::kFalse;
    for (size_t k = 0; k < set->members.size(); ++k) {
      const auto& m = set->members[k];
      if (!m.when.Contains(f.in->date)) continue;
      const std::string_view member = texts ? texts[k] : m.value.text();
      if (EccnUnder(text, member)) { t = Tri::kTrue; break; }
      if (EccnCoarser(text, member)) coarse = true;
    }
    if (t == Tri::kFalse && coarse) t = Tri::kUnknown;
    memo = EccnMemo{set, sym, day, t};
  }
  return t;
}

Tri Program::PlainInSet(uint32_t sym, const NamedSet* set, Frame& f, bool dated) const {
  const int32_t day = dated ? f.in->date.days() : 0;
  EccnMemo& memo = SetMemo(f, set, sym, day);
  if (memo.set == set && memo.sym == sym && memo.date == day) return memo.value;
  Tri t = set->Contains(Symbol::FromId(sym), f.in->date) ? Tri::kTrue : Tri::kFalse;
  memo = EccnMemo{set, sym, day, t};
  return t;
}

bool Program::ReadsClassification(int idx) const {
  if (idx < 0) return false;
  const Node& n = nodes_[idx];
  if (n.op == Op::kChartRequires || n.op == Op::kSubjectOnlyVia) return true;
  if (n.op == Op::kAllOf || n.op == Op::kAnyOf) {
    for (int i = 0; i < n.b; ++i) {
      if (ReadsClassification(kids_[n.a + i])) return true;
    }
    return false;
  }
  if ((n.op == Op::kFact || n.op == Op::kPartyField) &&
      (n.fact == Fact::kItemClass || n.fact == Fact::kItemSubject || n.fact == Fact::kItemUsContentPct)) {
    return true;
  }
  return ReadsClassification(n.a) || ReadsClassification(n.b) || ReadsClassification(n.c);
}

inline __attribute__((always_inline)) Val Program::Leaf(int idx, Frame& f) const {
  const Node& n = nodes_[idx];
  switch (n.op) {
    case Op::kFact: return LoadFact(n, f);
    case Op::kConstSym: { Val v; v.k = Val::kSym; v.n = 0; v.sym = n.sym; return v; }
    case Op::kConstNum: return Num(n.num);
    case Op::kConstList: return List(lists_[n.list]);
    case Op::kSetRef: { Val v; v.k = Val::kSet; v.set = n.set; return v; }
    default: return Eval(idx, f);
  }
}

Tri Program::Walk(int idx, Frame& f) const {
  const Node& n = nodes_[idx];
  switch (n.op) {
    case Op::kAllOf: {
      const int mark = f.n_missing;
      bool unknown = false;
      for (const int* k = kids_.data() + n.a, *end = k + n.b; k != end; ++k) {
        Tri t = Walk(*k, f);
        if (t == Tri::kFalse) { f.n_missing = mark; return Tri::kFalse; }
        unknown = unknown || t == Tri::kUnknown;
      }
      return unknown ? Tri::kUnknown : Tri::kTrue;
    }
    case Op::kAnyOf: {
      const int mark = f.n_missing;
      bool unknown = false;
      for (const int* k = kids_.data() + n.a, *end = k + n.b; k != end; ++k) {
        Tri t = Walk(*k, f);
        if (t == Tri::kTrue) { f.n_missing = mark; return Tri::kTrue; }
        unknown = unknown || t == Tri::kUnknown;
      }
      if (!unknown) f.n_missing = mark;
      return unknown ? Tri::kUnknown : Tri::kFalse;
    }
    case Op::kFactEqSym:
    case Op::kFactNeSym: {
      Val a = LoadFact(nodes_[n.a], f);
      if (a.k != Val::kSym) return Tri::kUnknown;
      return (a.sym == n.sym) == (n.op == Op::kFactEqSym) ? Tri::kTrue : Tri::kFalse;
    }
    case Op::kNot: {
      Tri t = Walk(n.a, f);
      return t == Tri::kUnknown ? t : (t == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
    }
    case Op::kConstBool: return n.num != 0 ? Tri::kTrue : Tri::kFalse;
    case Op::kFactCmpNum: {
      Val a = LoadFact(nodes_[n.a], f);
      if (a.k != Val::kNum) return Tri::kUnknown;
      int c = a.n < n.num ? -1 : (a.n > n.num ? 1 : 0);
      return CmpHolds(n.tok, c) ? Tri::kTrue : Tri::kFalse;
    }
    case Op::kFactInSet: {
      const Node& lhs = nodes_[n.a];
      Val a = LoadFact(lhs, f);
      if (a.k != Val::kSym) return Tri::kUnknown;
      return InSet(n, lhs, a.sym, n.set, f);
    }
    case Op::kFactInList: {
      Val a = LoadFact(nodes_[n.a], f);
      if (a.k != Val::kSym) return Tri::kUnknown;
      for (Symbol s : lists_[n.list]) {
        if (s.id() == a.sym) return Tri::kTrue;
      }
      return Tri::kFalse;
    }
    case Op::kDefine: {
      DefineMemo& m = f.defines[n.slot];
      if (m.epoch == f.epoch) {
        for (int i = 0; i < m.n_missing; ++i) f.AddMissing(m.missing[i]);
        return m.value;
      }
      int mark = f.n_missing;
      Tri t = Walk(n.a, f);
      m.epoch = f.epoch;
      m.value = t;
      m.n_missing = 0;
      for (int i = mark; i < f.n_missing && m.n_missing < 4; ++i) m.missing[m.n_missing++] = f.missing[i];
      return t;
    }
    case Op::kFact:
      return ToTri(LoadFact(n, f));
    default:
      return Test(n, f);
  }
}


Val Program::Eval(int idx, Frame& f) const {
  const Node& n = nodes_[idx];
  switch (n.op) {
    case Op::kConstBool: return Bool(n.num != 0);
    case Op::kConstNum: return Num(n.num);
    case Op::kConstSym: { Val v; v.k = Val::kSym; v.n = 0; v.sym = n.sym; return v; }
    case Op::kConstDate: { Val v; v.k = Val::kDate; v.n = 0; v.date = static_cast<int32_t>(n.num); return v; }
    case Op::kConstList: return List(lists_[n.list]);
    case Op::kSetRef: { Val v; v.k = Val::kSet; v.set = n.set; return v; }
    case Op::kFact: return LoadFact(n, f);
    case Op::kPartyVar: {
      const PartyView* p = PartyVar(n, f);
      if (!p) return Val{};
      Val v; v.k = Val::kParty; v.party = p; return v;
    }
    case Op::kPartyField: return LoadPartyField(n, f);
    case Op::kAllOf:
    case Op::kAnyOf:
    case Op::kNot:
    case Op::kFactEqSym:
    case Op::kFactNeSym:
    case Op::kFactCmpNum:
    case Op::kFactInSet:
    case Op::kFactInList:
    case Op::kDefine:
      return FromTri(Walk(idx, f));
    case Op::kNeg: {
      Val v = Eval(n.a, f);
      return v.k == Val::kNum ? Num(-v.n) : Val{};
    }
    case Op::kArith: {
      Val a = Eval(n.a, f), b = Eval(n.b, f);
      if (a.k != Val::kNum || b.k != Val::kNum) return Val{};
      switch (n.tok) {
        case Tok::kPlus: return Num(a.n + b.n);
        case Tok::kMinus: return Num(a.n - b.n);
        case Tok::kStar: return Num(a.n * b.n);
        case Tok::kSlash: return b.n == 0 ? Val{} : Num(a.n / b.n);
        default: return Val{};
      }
    }
    case Op::kCmp:
    case Op::kIn:
    case Op::kKnown:
    case Op::kChartRequires:
    case Op::kListed:
    case Op::kFootnote:
    case Op::kEntryAllows:
    case Op::kIntersects:
    case Op::kSubjectOnlyVia:
    case Op::kContainsText:
    case Op::kAny:
      return FromTri(Test(n, f));
    case Op::kCount: {
      Val a = Eval(n.a, f);
      return a.k == Val::kList ? Num(a.ln) : Val{};
    }
  }
  return Val{};
}

// The boolean operations that are not chains or fused leaves, three-valued.
Tri Program::Test(const Node& n, Frame& f) const {
  auto B = [](bool b) { return b ? Tri::kTrue : Tri::kFalse; };
  switch (n.op) {
    case Op::kCmp: {
      Val a = Leaf(n.a, f), b = Leaf(n.b, f);
      if (a.k == Val::kUnknown || b.k == Val::kUnknown) return Tri::kUnknown;
      if (a.k != b.k) return Tri::kUnknown;  // a spec of another type than the rule expects: unknown
      int c = 0;
      switch (a.k) {
        case Val::kNum: c = a.n < b.n ? -1 : (a.n > b.n ? 1 : 0); break;
        case Val::kDate: c = a.date < b.date ? -1 : (a.date > b.date ? 1 : 0); break;
        case Val::kSym: c = a.sym == b.sym ? 0 : 1; break;
        case Val::kBool: c = a.b == b.b ? 0 : 1; break;
        default: return Tri::kUnknown;
      }
      switch (n.tok) {
        case Tok::kEq: return B(c == 0);
        case Tok::kNe: return B(c != 0);
        case Tok::kLt: return B(c < 0);
        case Tok::kLe: return B(c <= 0);
        case Tok::kGt: return B(c > 0);
        case Tok::kGe: return B(c >= 0);
        default: return Tri::kUnknown;
      }
    }
    case Op::kIn: {
      Val a = Leaf(n.a, f);
      Val b = Leaf(n.b, f);
      if (a.k != Val::kSym || b.k == Val::kUnknown) return Tri::kUnknown;
      if (b.k == Val::kList) return B(ListHas(b, a.sym));
      if (b.k == Val::kSet) return InSet(n, nodes_[n.a], a.sym, b.set, f);
      return Tri::kUnknown;
    }
    case Op::kKnown: {
      int mark = f.n_missing;
      Val v = Leaf(n.a, f);
      f.n_missing = mark;
      return B(v.k != Val::kUnknown);
    }
    case Op::kChartRequires: {
      Val e = Leaf(n.a, f), c = Leaf(n.b, f);
      if (e.k != Val::kSym || c.k != Val::kSym) return Tri::kUnknown;
      const Tri t = ChartTest(e.sym, c.sym, f);
      if (t == Tri::kUnknown) {
        const Node& lhs = nodes_[n.a];
        if (lhs.op == Op::kFact) f.AddMissing(MissingRef{lhs.fact, lhs.sym, -3});
      }
      return t;
    }
    case Op::kListed:
    case Op::kFootnote: {
      const PartyView* party = PartyVar(nodes_[n.a], f);
      if (!party) return Tri::kUnknown;
      return Listed(n, *party, f);
    }
    case Op::kEntryAllows: {
      const PartyView* party = PartyVar(nodes_[n.a], f);
      if (!party) return Tri::kUnknown;
      const std::string_view want = Symbol::FromId(static_cast<uint32_t>(n.c)).text();
      for (const ListEntry* e : party->matches) {
        if (e->list.id() != n.sym || !EntryInForce(*e, f.in->date)) continue;
        for (const auto& x : e->license_exceptions) {
          if (x == want) return B(true);
        }
      }
      return B(false);
    }
    case Op::kIntersects: {
      Val a = Leaf(n.a, f), b = Leaf(n.b, f);
      if (a.k != Val::kList || (b.k != Val::kList && b.k != Val::kSet)) return Tri::kUnknown;
      for (uint32_t i = 0; i < a.ln; ++i) {
        if (b.k == Val::kList) {
          if (ListHas(b, a.lp[i].id())) return B(true);
        } else if (b.set->eccn_hierarchy) {
          if (EccnInSet(a.lp[i].id(), b.set, f) == Tri::kTrue) return B(true);
        } else if (b.set->Contains(a.lp[i], f.in->date)) {
          return B(true);
        }
      }
      return B(false);
    }
    case Op::kSubjectOnlyVia: {
      // True when the item is subject to the regime and every scope rule that made it so has one
      // of the listed id prefixes (e.g. only through the footnote 5 routes).
      if (!f.unit || f.unit->subject[n.slot] == Tri::kUnknown) return Tri::kUnknown;
      if (f.unit->subject[n.slot] == Tri::kFalse || f.unit->n_subject_rules[n.slot] == 0) return B(false);
      const std::vector<bool>& covered = rule_sets_[n.c];
      for (int i = 0; i < f.unit->n_subject_rules[n.slot]; ++i) {
        size_t r = static_cast<size_t>(f.unit->subject_rules[n.slot][i]);
        if (r >= covered.size() || !covered[r]) return B(false);
      }
      return B(true);
    }
    case Op::kContainsText: {
      Val a = Leaf(n.a, f);
      if (a.k != Val::kSym) return Tri::kUnknown;
      std::string_view hay = Symbol::FromId(a.sym).text();
      std::string_view needle = Symbol::FromId(n.sym).text();
      if (needle.size() > hay.size()) return B(false);
      for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t k = 0;
        while (k < needle.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) == needle[k]) ++k;
        if (k == needle.size()) return B(true);
      }
      return B(false);
    }
    case Op::kAny: {
      int mark = f.n_missing;
      bool unknown = false;
      for (const PartyView& p : f.in->parties) {
        f.vars[n.slot] = &p;
        Tri t = Walk(n.a, f);
        if (t == Tri::kTrue) {
          f.vars[n.slot] = nullptr;
          f.n_missing = mark;
          return B(true);
        }
        if (t == Tri::kUnknown) unknown = true;
      }
      f.vars[n.slot] = nullptr;
      // Parties the user declared unknown could hold the answer.
      for (const auto& u : f.in->tx->unknown) {
        if (u.rfind("parties", 0) == 0) {
          f.AddMissing(MissingRef{Fact::kPartyRole, 0, -4});
          return Tri::kUnknown;
        }
      }
      if (unknown) return Tri::kUnknown;
      f.n_missing = mark;
      return B(false);
    }
    default:
      break;
  }
  return ToTri(Eval(static_cast<int>(&n - nodes_.data()), f));
}

Tri Program::Listed(const Node& n, const PartyView& party, Frame& f) const {
  bool hit = false;
  for (const ListEntry* e : party.matches) {
    if (e->list.id() != n.sym || !EntryInForce(*e, f.in->date)) continue;
    if (n.op == Op::kFootnote && !EntryHasFootnote(*e, f.in->date, static_cast<int>(n.num))) continue;
    hit = true;
    bool dup = false;
    for (int i = 0; i < f.n_entries; ++i) dup = dup || f.entries[i] == e;
    if (!dup && f.n_entries < kMaxEvidence) f.entries[f.n_entries++] = e;
  }
  if (!hit) {
    // A possible match on this list leaves the answer open until a person reviews it.
    for (const ListEntry* e : party.possible) {
      if (e->list.id() == n.sym && EntryInForce(*e, f.in->date)) {
        f.AddMissing(MissingRef{Fact::kPartyScreening, n.sym, party.index});
        return Tri::kUnknown;
      }
    }
  }
  return hit ? Tri::kTrue : Tri::kFalse;
}

std::string Program::MissingPath(const MissingRef& m, const UnitView* unit) const {
  std::string item = unit ? (unit->equipment ? "service.equipment" : "items[" + std::to_string(unit->index) + "]") : "items";
  auto sym = [&](uint32_t id) { return std::string(Symbol::FromId(id).text()); };
  switch (m.fact) {
    case Fact::kFacCountry: return "end_use.facility.country";
    case Fact::kFacHq: return "end_use.facility.headquarters";
    case Fact::kFacIc: return "end_use.facility.ic";
    case Fact::kFacNode: return "end_use.facility.node_nm";
    case Fact::kFacNonPlanar: return "end_use.facility.non_planar";
    case Fact::kFacNandLayers: return "end_use.facility.nand_layers";
    case Fact::kFacDramHp: return "end_use.facility.dram_half_pitch_nm";
    case Fact::kFacDramCell: return "end_use.facility.dram_cell_area_um2";
    case Fact::kFacDramDensity: return "end_use.facility.dram_density_gb_mm2";
    case Fact::kItemClass: return item + ".classification." + sym(m.arg);
    case Fact::kItemSpec: return item + ".specs." + sym(m.arg);
    case Fact::kItemUsContentPct: return item + ".us_content";
    case Fact::kItemContainsUsIc: return item + ".us_content.contains_us_ic";
    case Fact::kItemContainsFdpIc: return item + ".us_content.contains_fdp_ic";
    case Fact::kItemReportFiled: return item + ".us_content.report_filed";
    case Fact::kItemUsTech: case Fact::kItemUsSw: case Fact::kItemPlantUsTech: case Fact::kItemPlantUsSw:
    case Fact::kItemPlantUsOrigin: case Fact::kItemTechOrigin:
      return item + ".production";
    case Fact::kItemValue: return item + ".unit_value";
    case Fact::kItemQuantity: return item + ".quantity";
    case Fact::kItemMadeIn: return item + ".made_in";
    case Fact::kItemKind: return item + ".kind";
    case Fact::kItemSubject: return item + " (subject to the regime)";
    case Fact::kPurpose: return "end_use.purpose";
    case Fact::kKnowInformed: case Fact::kKnowAware: case Fact::kKnowSuspects: return "knowledge";
    case Fact::kServiceTask: return "service.task";
    default: break;
  }
  if (m.fact == Fact::kPartyScreening) {
    std::string who = m.party >= 0 ? "parties[" + std::to_string(m.party) + "]" : m.party == -1 ? "exporter" : "service.performer";
    return who + ".name (possible " + sym(m.arg) + " match: confirm or reject)";
  }
  const char* name = FactName(m.fact);
  if (m.party == -4) return "parties";
  if (m.party >= 0) return "parties[" + std::to_string(m.party) + "]." + name;
  if (m.party == -1) return std::string("exporter.") + name;
  if (m.party == -2) return std::string("service.performer.") + name;
  return name;
}


// ---------------------------------------------------------------------------
// Compiled conditions
//
// Each root condition is compiled to a flat run of instructions executed by one loop (Run):
// no recursion, `and`/`or` chains as conditional jumps, operands resolved at compile time (the
// fact's memo slot, the set, the constant). The accumulator holds the last answer. Leaves come in
// three forms: plain (leave the answer in the accumulator), And and Or (a chain step fused into
// the leaf: on a deciding answer reset the missing facts to the chain's mark and jump past the
// chain; else note an unknown and go on). A chain keeps, per nesting level, the number of missing
// facts at its start (mark) and whether a child was unknown (unk): the tree walk's locals.

namespace {

#define CORDON_VM_LEAVES(X)                                                                              \
  X(FactBool) X(EqSym) X(CmpNum) X(CmpDate) X(InSet) X(InList) X(Intersects) X(Contains) X(Listed) \
  X(Const) X(Test) X(Walk) X(AnyListed) X(HasSym) X(Known) X(OnlyVia) X(Chart)
enum VOp : uint8_t {
#define CORDON_VM_ENUM(name) kV##name, kV##name##And, kV##name##Or,
  CORDON_VM_LEAVES(CORDON_VM_ENUM)
#undef CORDON_VM_ENUM
  kVRet, kVNot, kVAndBegin, kVAndNext, kVAndEnd, kVOrBegin, kVOrNext, kVOrEnd,
  kVDefBegin, kVDefEnd, kVAnyBegin, kVAnyNext, kVAnyEnd,
};
constexpr uint8_t kVAnd = 1, kVOr = 2;  // offsets of a leaf's fused-step forms

// How a leaf's operand loads (Ins::src).
enum Src : uint8_t {
  kSrcFact,     // Program::LoadFact (facts the memo does not keep)
  kSrcField,    // a party field (Program::LoadPartyField)
  kSrcTx,       // a transaction fact: the fact memo under tx_stamp
  kSrcUnit,     // an item fact: the fact memo under unit_stamp
  kSrcClass,    // item.class.<regime> (Ins::arg the regime index)
  kSrcSubject,  // item.subject (Ins::arg the regime index)
};

// The sign mask of a comparison: bit c+1 set when the comparison holds for sign c.
uint32_t SignMask(Tok t) {
  uint32_t m = 0;
  for (int c = -1; c <= 1; ++c) {
    if (CmpHolds(t, c)) m |= 1u << (c + 1);
  }
  return m;
}
template <typename T>
inline int Sign(T a, T b) { return a < b ? -1 : (a > b ? 1 : 0); }

inline Tri Negate(Tri t, uint8_t neg) {
  return t == Tri::kUnknown ? t : static_cast<Tri>(static_cast<uint8_t>(t) ^ neg);
}
inline Tri FromBool(bool b, uint8_t neg) { return static_cast<Tri>(static_cast<uint8_t>(b) ^ neg); }

// Whether Program::Test answers this node directly (the fallback leaf).
bool TestHandles(Op op) {
  switch (op) {
    case Op::kCmp: case Op::kIn: case Op::kKnown: case Op::kChartRequires: case Op::kListed:
    case Op::kFootnote: case Op::kEntryAllows: case Op::kIntersects: case Op::kSubjectOnlyVia:
    case Op::kContainsText: case Op::kAny:
      return true;
    default:
      return false;
  }
}

}  // namespace

int Program::EmitLeaf(uint8_t op, int a) {
  Ins i;
  i.op = op;
  i.a = a;
  code_.push_back(i);
  return static_cast<int>(code_.size() - 1);
}

uint32_t Program::AddSetInfo(const NamedSet* set) {
  for (size_t i = 0; i < set_info_.size(); ++i) {
    if (set_info_[i].set == set) return static_cast<uint32_t>(i);
  }
  SetInfo info;
  info.set = set;
  for (const auto& m : set->members) {
    info.dated = info.dated || m.when.from != Date::Min() || m.when.until != Date::Max();
    info.texts.push_back(m.value.text());  // interned texts never move
  }
  set_info_.push_back(std::move(info));
  return static_cast<uint32_t>(set_info_.size() - 1);
}

void Program::EmitRoot(int root) {
  const size_t start = code_.size();
  emit_failed_ = false;
  EmitBool(root, 0, /*root=*/true);
  if (emit_failed_) {
    // Nested deeper than the loop's levels: this condition is walked instead.
    code_.resize(start);
    return;
  }
  Ins ret;
  ret.op = kVRet;
  code_.push_back(ret);
  if (root_of_.size() < nodes_.size()) root_of_.resize(nodes_.size(), kNoRoot);
  uint16_t& id = root_of_[static_cast<size_t>(root)];
  if (id == kNoRoot) {
    if (roots_.size() >= kNoRoot) {
      // More roots than the map can name: this condition is walked instead.
      code_.resize(start);
      return;
    }
    id = static_cast<uint16_t>(roots_.size());
    roots_.emplace_back();
  }
  Root& r = roots_[id];
  r = Root{};
  r.pc = static_cast<int32_t>(start);
  // The guard: a root `and` whose first conjunct is a fused leaf comparing a symbol or reading
  // item.subject (its step jumps past the chain, to the Ret, when false).
  const Ins& first = code_[start];
  if (nodes_[root].op == Op::kAllOf && static_cast<size_t>(first.jump) == code_.size() - 1) {
    r.neg = first.neg;
    r.fact = first.fact;
    r.arg = first.arg;
    r.sym = first.sym;
    if (first.op == kVEqSym + kVAnd && first.src == kSrcTx) r.guard = kGuardTxSym;
    if (first.op == kVEqSym + kVAnd && first.src == kSrcUnit) r.guard = kGuardUnitSym;
    if (first.op == kVEqSym + kVAnd && first.src == kSrcClass) r.guard = kGuardClassSym;
    if (first.op == kVFactBool + kVAnd && first.src == kSrcSubject) r.guard = kGuardSubject;
  }
}

// Opens a nested scope (a define's memo, an `any` over parties) at `level` and emits its body one
// level down; returns the opening instruction's position, for the jumps patched after.
size_t Program::EmitScope(uint8_t op, int level, int slot, int body) {
  Ins begin;
  begin.op = op;
  begin.level = static_cast<uint8_t>(level);
  begin.sym = static_cast<uint32_t>(slot);
  code_.push_back(begin);
  const size_t at = code_.size() - 1;
  EmitBool(body, level + 1);
  return at;
}

int Program::EmitBool(int idx, int level, bool root) {
  if (level >= kMaxLevels) {
    emit_failed_ = true;
    return -1;
  }
  const Node& n = nodes_[idx];
  // A leaf over a fact or party field whose type is one of `types`, loading as fast as it may.
  auto operand_leaf = [&](uint8_t op, int a, std::initializer_list<Type> types) -> int {
    const Node& x = nodes_[a];
    if (std::find(types.begin(), types.end(), x.type) == types.end()) return -1;
    uint8_t src;
    if (x.op == Op::kPartyField) {
      src = kSrcField;
    } else if (x.op != Op::kFact) {
      return -1;
    } else if (x.fact == Fact::kItemClass) {
      src = kSrcClass;
    } else if (x.fact == Fact::kItemSubject) {
      src = kSrcSubject;
    } else {
      const uint8_t cls = kFactMemo.c[static_cast<int>(x.fact)];
      src = cls == 1 ? kSrcTx : cls == 2 ? kSrcUnit : kSrcFact;
    }
    const int leaf = EmitLeaf(op, a);
    Ins& i = code_[leaf];
    i.src = src;
    i.fact = static_cast<uint16_t>(x.fact);
    i.arg = static_cast<uint16_t>(x.fact == Fact::kItemClass ? x.slot : x.fact == Fact::kItemSubject ? x.sym : 0);
    return leaf;
  };
  switch (n.op) {
    case Op::kAllOf:
    case Op::kAnyOf: {
      const bool all = n.op == Op::kAllOf;
      // The root chain's mark is taken when Run starts.
      if (!root) {
        Ins begin;
        begin.op = all ? kVAndBegin : kVOrBegin;
        begin.level = static_cast<uint8_t>(level);
        code_.push_back(begin);
      }
      std::vector<size_t> exits;
      for (int k = 0; k < n.b; ++k) {
        const int leaf = EmitBool(kids_[n.a + k], level + 1);
        if (emit_failed_) return -1;
        if (leaf >= 0 && static_cast<size_t>(leaf) == code_.size() - 1) {
          code_[leaf].op = static_cast<uint8_t>(code_[leaf].op + (all ? kVAnd : kVOr));
          code_[leaf].level = static_cast<uint8_t>(level);
          exits.push_back(static_cast<size_t>(leaf));
        } else {
          Ins step;
          step.op = all ? kVAndNext : kVOrNext;
          step.level = static_cast<uint8_t>(level);
          code_.push_back(step);
          exits.push_back(code_.size() - 1);
        }
      }
      Ins end;
      end.op = all ? kVAndEnd : kVOrEnd;
      end.level = static_cast<uint8_t>(level);
      code_.push_back(end);
      for (size_t e : exits) code_[e].jump = static_cast<int32_t>(code_.size());
      return -1;
    }
    case Op::kNot: {
      const int leaf = EmitBool(n.a, level);
      if (emit_failed_) return -1;
      if (leaf >= 0 && static_cast<size_t>(leaf) == code_.size() - 1) {
        code_[leaf].neg ^= 1;
        return leaf;
      }
      Ins i;
      i.op = kVNot;
      code_.push_back(i);
      return -1;
    }
    case Op::kDefine: {
      const size_t at = EmitScope(kVDefBegin, level, n.slot, n.a);
      if (emit_failed_) return -1;
      Ins end = code_[at];
      end.op = kVDefEnd;
      code_.push_back(end);
      code_[at].jump = static_cast<int32_t>(code_.size());
      return -1;
    }
    case Op::kAny: {
      const Node& body = nodes_[n.a];
      if ((body.op == Op::kListed || body.op == Op::kFootnote) && nodes_[body.a].op == Op::kPartyVar &&
          nodes_[body.a].slot == n.slot) {
        const int leaf = EmitLeaf(kVAnyListed, n.a);
        code_[leaf].sym = static_cast<uint32_t>(n.slot);
        return leaf;
      }
      const size_t at = EmitScope(kVAnyBegin, level, n.slot, n.a);
      if (emit_failed_) return -1;
      Ins next = code_[at];
      next.op = kVAnyNext;
      next.jump = static_cast<int32_t>(at + 1);  // the body, for the next party
      code_.push_back(next);
      const size_t next_at = code_.size() - 1;
      Ins end = code_[at];
      end.op = kVAnyEnd;
      code_.push_back(end);
      code_[at].jump = static_cast<int32_t>(code_.size() - 1);  // no parties: straight to the end
      code_[next_at].a = static_cast<int32_t>(code_.size());     // a party satisfied it: past the end
      return -1;
    }
    case Op::kConstBool: {
      const int leaf = EmitLeaf(kVConst, idx);
      code_[leaf].sym = n.num != 0 ? 1 : 0;
      return leaf;
    }
    case Op::kFact:
    case Op::kPartyField: {
      const int leaf = operand_leaf(kVFactBool, idx, {Type::kBool, Type::kAny});
      if (leaf >= 0) return leaf;
      break;
    }
    case Op::kFactEqSym:
    case Op::kFactNeSym:
    case Op::kFactCmpNum:
    case Op::kFactInSet:
    case Op::kFactInList:
    case Op::kCmp:
    case Op::kIn: {
      // Fuse's shapes (fact OP constant), and the same over party fields and spec values.
      const Node& b = nodes_[n.b];
      const bool eq = n.tok == Tok::kEq || n.tok == Tok::kNe;
      int leaf = -1;
      if (n.op == Op::kFactEqSym || n.op == Op::kFactNeSym) {
        leaf = operand_leaf(kVEqSym, n.a, {Type::kSym});
        if (leaf >= 0) {
          code_[leaf].sym = n.sym;
          code_[leaf].neg = n.op == Op::kFactNeSym ? 1 : 0;
        }
      } else if (n.op == Op::kFactCmpNum || (n.op == Op::kCmp && b.op == Op::kConstNum)) {
        leaf = operand_leaf(kVCmpNum, n.a, {Type::kNum, Type::kAny});
        if (leaf >= 0) {
          code_[leaf].sym = SignMask(n.tok);
          code_[leaf].num = n.op == Op::kFactCmpNum ? n.num : b.num;
        }
      } else if (n.op == Op::kCmp && b.op == Op::kConstSym && eq) {
        leaf = operand_leaf(kVEqSym, n.a, {Type::kSym, Type::kAny});
        if (leaf >= 0) {
          code_[leaf].sym = b.sym;
          code_[leaf].neg = n.tok == Tok::kNe ? 1 : 0;
        }
      } else if (n.op == Op::kCmp && b.op == Op::kConstDate) {
        leaf = operand_leaf(kVCmpDate, n.a, {Type::kDate});
        if (leaf >= 0) {
          code_[leaf].sym = SignMask(n.tok);
          code_[leaf].num = b.num;
        }
      } else if (n.op == Op::kFactInSet || (n.op == Op::kIn && b.op == Op::kSetRef)) {
        leaf = operand_leaf(kVInSet, n.a, {Type::kSym, Type::kAny});
        if (leaf >= 0) {
          code_[leaf].set = n.op == Op::kFactInSet ? n.set : b.set;
          code_[leaf].info = AddSetInfo(code_[leaf].set);
        }
      } else if (n.op == Op::kFactInList || (n.op == Op::kIn && b.op == Op::kConstList)) {
        leaf = operand_leaf(kVInList, n.a, {Type::kSym, Type::kAny});
        if (leaf >= 0) code_[leaf].sym = static_cast<uint32_t>(n.op == Op::kFactInList ? n.list : b.list);
      } else if (n.op == Op::kIn && nodes_[n.a].op == Op::kConstSym) {
        // "US" in route: a constant looked up in a list fact.
        leaf = operand_leaf(kVHasSym, n.b, {Type::kList});
        if (leaf >= 0) code_[leaf].sym = nodes_[n.a].sym;
      }
      if (leaf >= 0) return leaf;
      break;
    }
    case Op::kIntersects: {
      const Node& b = nodes_[n.b];
      if (b.op != Op::kSetRef && b.op != Op::kConstList) break;
      const int leaf = operand_leaf(kVIntersects, n.a, {Type::kList});
      if (leaf < 0) break;
      if (b.op == Op::kSetRef) {
        code_[leaf].set = b.set;
        code_[leaf].info = AddSetInfo(b.set);
      } else {
        code_[leaf].set = nullptr;
        code_[leaf].sym = static_cast<uint32_t>(b.list);
      }
      return leaf;
    }
    case Op::kContainsText: {
      const int leaf = operand_leaf(kVContains, n.a, {Type::kSym, Type::kAny});
      if (leaf < 0) break;
      code_[leaf].sym = n.sym;
      return leaf;
    }
    case Op::kListed:
    case Op::kFootnote:
      return EmitLeaf(kVListed, idx);
    case Op::kKnown: {
      const int leaf = operand_leaf(kVKnown, n.a, {Type::kBool, Type::kNum, Type::kSym, Type::kDate, Type::kList, Type::kAny});
      if (leaf >= 0) return leaf;
      break;
    }
    case Op::kSubjectOnlyVia: {
      const int leaf = EmitLeaf(kVOnlyVia, idx);
      code_[leaf].arg = static_cast<uint16_t>(n.slot);
      code_[leaf].info = static_cast<uint32_t>(n.c);
      return leaf;
    }
    case Op::kChartRequires: {
      // chart_requires(x, f) with f a transaction fact (the destination): its memo slot in sym.
      const Node& b = nodes_[n.b];
      if (b.op != Op::kFact || kFactMemo.c[static_cast<int>(b.fact)] != 1) break;
      const int leaf = operand_leaf(kVChart, n.a, {Type::kSym});
      if (leaf < 0) break;
      code_[leaf].sym = static_cast<uint32_t>(b.fact);
      code_[leaf].info = static_cast<uint32_t>(n.b);
      return leaf;
    }
    default:
      break;
  }
  return EmitLeaf(TestHandles(n.op) ? kVTest : kVWalk, idx);
}

Tri Program::AnyListed(const Node& listed, int slot, Frame& f) const {
  // Test's `any` with Listed for its body, the party variable bound by the loop itself.
  const int mark = f.n_missing;
  bool unknown = false;
  for (const PartyView& p : f.in->parties) {
    const Tri t = Listed(listed, p, f);
    if (t == Tri::kTrue) {
      f.vars[slot] = nullptr;
      f.n_missing = mark;
      return Tri::kTrue;
    }
    if (t == Tri::kUnknown) unknown = true;
  }
  f.vars[slot] = nullptr;
  for (const auto& u : f.in->tx->unknown) {
    if (u.rfind("parties", 0) == 0) {
      f.AddMissing(MissingRef{Fact::kPartyRole, 0, -4});
      return Tri::kUnknown;
    }
  }
  if (unknown) return Tri::kUnknown;
  f.n_missing = mark;
  return Tri::kFalse;
}

__attribute__((noinline)) Val Program::LoadOperand(const Ins& i, Frame& f) const {
  const Node& n = nodes_[i.a];
  if (i.src == kSrcField) return LoadPartyField(n, f);
  if ((i.src == kSrcTx || i.src == kSrcUnit) && f.tx_stamp != 0) {
    // Not in the memo (LoadOperandFast looked): load and remember, as LoadFact does.
    const Val v = LoadFactUncached(n, f);
    FactMemo& m = f.facts[i.fact];
    m.stamp = i.src == kSrcTx ? f.tx_stamp : f.unit_stamp;
    m.v = v;
    return v;
  }
  return LoadFact(n, f);
}

// A leaf's operand: the fact memo, the classification and item.subject inline, the rest out of line.
inline __attribute__((always_inline)) Val Program::LoadOperandFast(const Ins& i, Frame& f) const {
  if (i.src == kSrcTx || i.src == kSrcUnit) {
    const uint32_t stamp = i.src == kSrcTx ? f.tx_stamp : f.unit_stamp;
    const FactMemo& m = f.facts[i.fact];
    if (m.stamp == stamp && f.tx_stamp != 0) {
      // The same missing-fact record the load itself would make.
      if (m.v.k == Val::kUnknown) AddMissingFact(nodes_[i.a], f);
      return m.v;
    }
  } else if (i.src == kSrcClass) {
    // As LoadFact: the classification the stage derived, else the stated one.
    const UnitView* u = f.unit;
    if (u && u->item) {
      if (u->derived_by[i.arg] >= 0) return Sym(u->derived_class[i.arg]);
      if (!u->given_class[i.arg].empty()) return Sym(u->given_class[i.arg]);
    }
  } else if (i.src == kSrcSubject) {
    const UnitView* u = f.unit;
    if (u && u->item && u->subject[i.arg] != Tri::kUnknown) return Bool(u->subject[i.arg] == Tri::kTrue);
  }
  return LoadOperand(i, f);
}

Tri Program::Intersects(const Ins& i, Frame& f) const {
  // Test's intersects(list, set|list) with the set's memo key and member texts resolved.
  const Val a = LoadOperandFast(i, f);
  if (a.k != Val::kList) return Tri::kUnknown;
  bool hit = false;
  if (!i.set) {
    const std::vector<Symbol>& l = lists_[i.sym];
    for (uint32_t k = 0; k < a.ln && !hit; ++k) hit = std::find(l.begin(), l.end(), a.lp[k]) != l.end();
  } else if (i.set->eccn_hierarchy) {
    const SetInfo& info = set_info_[i.info];
    for (uint32_t k = 0; k < a.ln && !hit; ++k) {
      hit = EccnInSet(a.lp[k].id(), i.set, f, info.texts.data(), info.dated) == Tri::kTrue;
    }
  } else {
    for (uint32_t k = 0; k < a.ln && !hit; ++k) hit = i.set->Contains(a.lp[k], f.in->date);
  }
  return FromBool(hit, i.neg);
}

Tri Program::ChartTest(uint32_t eccn, uint32_t country, Frame& f) const {
  // The Country Chart answer is the same for every rule and determination of the same
  // classification, destination and date: remembered in the frame with its evidence rows. The
  // slot comes from the high bits of a multiplicative hash, where every key bit counts (symbol
  // ids are small: their low bits alone would put every destination in the same slot).
  const int32_t day = f.in->date.days();
  const uint64_t key = (uint64_t{eccn} * 0x9E3779B97F4A7C15ull) ^ (uint64_t{country} * 0xC2B2AE3D27D4EB4Full) ^
                       (uint64_t(uint32_t(day)) * 0x165667B19E3779F9ull);
  const size_t h = static_cast<size_t>((key ^ (key >> 31)) * 0x9E3779B97F4A7C15ull >> 40) % Frame::kChartMemo;
  auto hit = [&](const ChartMemo& m) { return m.valid && m.eccn == eccn && m.country == country && m.date == day; };
  size_t slot = h;
  if (!hit(f.chart_memo[h])) {
    const size_t other = h ^ 1;
    if (hit(f.chart_memo[other])) {
      slot = other;
    } else {
      if (!f.chart_memo[h].valid || f.chart_memo[other].valid) {
        // Keep the newer of the two: the older entry moves aside to the other slot.
        if (f.chart_memo[h].valid) {
          f.chart_memo[other] = f.chart_memo[h];
          std::copy_n(f.chart_rows[h], f.chart_memo[h].n_rows, f.chart_rows[other]);
        }
      } else {
        slot = other;
      }
      ChartMemo& m = f.chart_memo[slot];
      int n_rows = 0;
      m.value = refdata_->ChartRequires(Symbol::FromId(eccn), Symbol::FromId(country), f.in->date, f.chart_rows[slot],
                                        &n_rows, kMaxEvidence);
      m.n_rows = static_cast<uint8_t>(n_rows);
      m.eccn = eccn;
      m.country = country;
      m.date = day;
      m.valid = true;
    }
  }
  const ChartMemo& m = f.chart_memo[slot];
  for (int i = 0; i < m.n_rows && f.n_rows < kMaxEvidence; ++i) f.rows[f.n_rows++] = f.chart_rows[slot][i];
  return m.value;
}

Tri Program::ContainsText(uint32_t hay_sym, uint32_t needle_sym, Frame& f) const {
  // The answer depends on the two texts only: remembered in the frame.
  const uint32_t h = (hay_sym * 2654435761u ^ needle_sym * 40503u) >> 8;
  TextMemo& m = f.text_memo[h % Frame::kTextMemo];
  if (m.valid && m.hay == hay_sym && m.needle == needle_sym) return m.value;
  std::string_view hay = Symbol::FromId(hay_sym).text();
  std::string_view needle = Symbol::FromId(needle_sym).text();
  bool found = false;
  for (size_t i = 0; !found && needle.size() <= hay.size() && i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) == needle[k]) ++k;
    found = k == needle.size();
  }
  m = TextMemo{hay_sym, needle_sym, true, found ? Tri::kTrue : Tri::kFalse};
  return m.value;
}

// Out of line, so that the evaluator's loops stay small and a guarded root costs one call only
// (Run is entered by a tail jump).
Tri Program::Truth(int node, Frame& f) const {
  const size_t i = static_cast<size_t>(node);
  if (i >= root_of_.size() || root_of_[i] == kNoRoot) return Walk(node, f);
  const Root& r = roots_[root_of_[i]];
  const GuardState g = Guard(r, f);
  if (g == kGuardFails) return Tri::kFalse;
  return Run(r.pc + (g == kGuardPasses ? 1 : 0), f);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"  // labels as values (computed goto), a GCC extension
Tri Program::Run(int pc, Frame& f) const {
  static const void* const kTable[] = {
#define CORDON_VM_LABELS(name) &&L_##name, &&L_##name##And, &&L_##name##Or,
      CORDON_VM_LEAVES(CORDON_VM_LABELS)
#undef CORDON_VM_LABELS
      &&L_Ret, &&L_Not, &&L_AndBegin, &&L_AndNext, &&L_AndEnd, &&L_OrBegin, &&L_OrNext, &&L_OrEnd,
      &&L_DefBegin, &&L_DefEnd, &&L_AnyBegin, &&L_AnyNext, &&L_AnyEnd,
  };
  const Ins* const code = code_.data();
  const Ins* ip = code + pc;
  Tri acc = Tri::kFalse;
  int mark[kMaxLevels];
  bool unk[kMaxLevels];
  uint32_t iter[kMaxLevels];
  // The root chain (level 0) starts here.
  mark[0] = f.n_missing;
  unk[0] = false;

  // The leaves: each answers true, false or unknown, with its `not` applied.
  auto fact_bool = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    return v.k == Val::kBool ? FromBool(v.b, i.neg) : Tri::kUnknown;
  };
  auto eq_sym = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    return v.k == Val::kSym ? FromBool(v.sym == i.sym, i.neg) : Tri::kUnknown;
  };
  auto cmp_num = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    return v.k == Val::kNum ? FromBool((i.sym >> (Sign(v.n, i.num) + 1)) & 1, i.neg) : Tri::kUnknown;
  };
  auto cmp_date = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    return v.k == Val::kDate ? FromBool((i.sym >> (Sign(v.date, static_cast<int32_t>(i.num)) + 1)) & 1, i.neg)
                             : Tri::kUnknown;
  };
  auto in_set = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    if (v.k != Val::kSym) return Tri::kUnknown;
    const Tri t = InSetInfo(v.sym, set_info_[i.info], f);
    // The classification is too coarse to tell (3B001 against 3B001.c): the detail is missing.
    if (t == Tri::kUnknown && i.src != kSrcField) AddMissingFact(nodes_[i.a], f);
    return Negate(t, i.neg);
  };
  auto in_list = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    if (v.k != Val::kSym) return Tri::kUnknown;
    const std::vector<Symbol>& l = lists_[i.sym];
    bool found = false;
    for (Symbol s : l) found = found || s.id() == v.sym;
    return FromBool(found, i.neg);
  };
  auto intersects = [&](const Ins& i) __attribute__((always_inline)) { return Intersects(i, f); };
  auto contains = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    return v.k == Val::kSym ? Negate(ContainsText(v.sym, i.sym, f), i.neg) : Tri::kUnknown;
  };
  auto listed = [&](const Ins& i) __attribute__((always_inline)) {
    const Node& n = nodes_[i.a];
    const PartyView* party = PartyVar(nodes_[n.a], f);
    return party ? Negate(Listed(n, *party, f), i.neg) : Tri::kUnknown;
  };
  auto has_sym = [&](const Ins& i) __attribute__((always_inline)) {
    const Val v = LoadOperandFast(i, f);
    return v.k == Val::kList ? FromBool(ListHas(v, i.sym), i.neg) : Tri::kUnknown;
  };
  auto known = [&](const Ins& i) __attribute__((always_inline)) {
    // Whether the operand is known: its missing-fact record, if any, is not kept.
    const int before = f.n_missing;
    const Val v = LoadOperandFast(i, f);
    f.n_missing = before;
    return FromBool(v.k != Val::kUnknown, i.neg);
  };
  auto only_via = [&](const Ins& i) __attribute__((always_inline)) {
    // Test's subject_only_via: subject, and only through rules the prefixes cover.
    const UnitView* u = f.unit;
    if (!u || u->subject[i.arg] == Tri::kUnknown) return Tri::kUnknown;
    if (u->subject[i.arg] == Tri::kFalse || u->n_subject_rules[i.arg] == 0) return FromBool(false, i.neg);
    const std::vector<bool>& covered = rule_sets_[i.info];
    bool all = true;
    for (int k = 0; k < u->n_subject_rules[i.arg] && all; ++k) {
      const size_t r = static_cast<size_t>(u->subject_rules[i.arg][k]);
      all = r < covered.size() && covered[r];
    }
    return FromBool(all, i.neg);
  };
  auto chart = [&](const Ins& i) __attribute__((always_inline)) {
    // Test's chart_requires with the second operand a transaction fact (Ins::sym its memo slot).
    const Val e = LoadOperandFast(i, f);
    Ins second;
    second.src = kSrcTx;
    second.fact = static_cast<uint16_t>(i.sym);
    second.a = static_cast<int32_t>(i.info);
    const Val c = LoadOperandFast(second, f);
    if (e.k != Val::kSym || c.k != Val::kSym) return Tri::kUnknown;
    const Tri t = ChartTest(e.sym, c.sym, f);
    if (t == Tri::kUnknown && i.src != kSrcField) AddMissingFact(nodes_[i.a], f);
    return Negate(t, i.neg);
  };
  auto constant = [&](const Ins& i) __attribute__((always_inline)) { return FromBool(i.sym != 0, i.neg); };
  auto test = [&](const Ins& i) __attribute__((always_inline)) { return Negate(Test(nodes_[i.a], f), i.neg); };
  auto walk = [&](const Ins& i) __attribute__((always_inline)) { return Negate(Walk(i.a, f), i.neg); };
  auto any_listed = [&](const Ins& i) __attribute__((always_inline)) {
    return Negate(AnyListed(nodes_[i.a], static_cast<int>(i.sym), f), i.neg);
  };

#define DISPATCH() goto* kTable[ip->op]
#define NEXT() \
  do {         \
    ++ip;      \
    DISPATCH(); \
  } while (0)
#define JUMP(target)      \
  do {                    \
    ip = code + (target); \
    DISPATCH();           \
  } while (0)
#define CORDON_VM_LEAF(name, fn)          \
  L_##name : acc = fn(*ip);               \
  NEXT();                                 \
  L_##name##And : {                       \
    const Tri t = fn(*ip);                \
    if (t == Tri::kFalse) {               \
      f.n_missing = mark[ip->level];      \
      acc = t;                            \
      JUMP(ip->jump);                     \
    }                                     \
    unk[ip->level] |= t == Tri::kUnknown; \
    NEXT();                               \
  }                                       \
  L_##name##Or : {                        \
    const Tri t = fn(*ip);                \
    if (t == Tri::kTrue) {                \
      f.n_missing = mark[ip->level];      \
      acc = t;                            \
      JUMP(ip->jump);                     \
    }                                     \
    unk[ip->level] |= t == Tri::kUnknown; \
    NEXT();                               \
  }

  DISPATCH();
  CORDON_VM_LEAF(FactBool, fact_bool)
  CORDON_VM_LEAF(EqSym, eq_sym)
  CORDON_VM_LEAF(CmpNum, cmp_num)
  CORDON_VM_LEAF(CmpDate, cmp_date)
  CORDON_VM_LEAF(InSet, in_set)
  CORDON_VM_LEAF(InList, in_list)
  CORDON_VM_LEAF(Intersects, intersects)
  CORDON_VM_LEAF(Contains, contains)
  CORDON_VM_LEAF(Listed, listed)
  CORDON_VM_LEAF(Const, constant)
  CORDON_VM_LEAF(Test, test)
  CORDON_VM_LEAF(Walk, walk)
  CORDON_VM_LEAF(AnyListed, any_listed)
  CORDON_VM_LEAF(HasSym, has_sym)
  CORDON_VM_LEAF(Known, known)
  CORDON_VM_LEAF(OnlyVia, only_via)
  CORDON_VM_LEAF(Chart, chart)
L_Ret:
  return acc;
L_Not:
  acc = Negate(acc, 1);
  NEXT();
L_AndBegin:
L_OrBegin:
  mark[ip->level] = f.n_missing;
  unk[ip->level] = false;
  NEXT();
  // A chain step after a child that is not a leaf: `decides` (false for and, true for or) ends it.
#define CORDON_VM_STEP(decides)         \
  if (acc == (decides)) {               \
    f.n_missing = mark[ip->level];      \
    JUMP(ip->jump);                     \
  }                                     \
  unk[ip->level] |= acc == Tri::kUnknown; \
  NEXT();
L_AndNext:
  CORDON_VM_STEP(Tri::kFalse)
L_OrNext:
  CORDON_VM_STEP(Tri::kTrue)
#undef CORDON_VM_STEP
L_AndEnd:
  acc = unk[ip->level] ? Tri::kUnknown : Tri::kTrue;
  NEXT();
L_OrEnd:
  if (!unk[ip->level]) f.n_missing = mark[ip->level];
  acc = unk[ip->level] ? Tri::kUnknown : Tri::kFalse;
  NEXT();
L_DefBegin: {
  // Definitions are remembered per epoch with the missing facts they recorded.
  const DefineMemo& m = f.defines[ip->sym];
  if (m.epoch == f.epoch) {
    for (int i = 0; i < m.n_missing; ++i) f.AddMissing(m.missing[i]);
    acc = m.value;
    JUMP(ip->jump);
  }
  mark[ip->level] = f.n_missing;
  NEXT();
}
L_DefEnd: {
  DefineMemo& m = f.defines[ip->sym];
  m.epoch = f.epoch;
  m.value = acc;
  m.n_missing = 0;
  for (int i = mark[ip->level]; i < f.n_missing && m.n_missing < 4; ++i) m.missing[m.n_missing++] = f.missing[i];
  NEXT();
}
L_AnyBegin: {
  mark[ip->level] = f.n_missing;
  unk[ip->level] = false;
  iter[ip->level] = 0;
  const std::vector<PartyView>& parties = f.in->parties;
  if (parties.empty()) JUMP(ip->jump);
  f.vars[ip->sym] = &parties[0];
  NEXT();
}
L_AnyNext: {
  if (acc == Tri::kTrue) {
    f.vars[ip->sym] = nullptr;
    f.n_missing = mark[ip->level];
    JUMP(ip->a);
  }
  unk[ip->level] |= acc == Tri::kUnknown;
  const std::vector<PartyView>& parties = f.in->parties;
  if (++iter[ip->level] < parties.size()) {
    f.vars[ip->sym] = &parties[iter[ip->level]];
    JUMP(ip->jump);
  }
  NEXT();
}
L_AnyEnd: {
  f.vars[ip->sym] = nullptr;
  // Parties the user declared unknown could hold the answer.
  for (const auto& u : f.in->tx->unknown) {
    if (u.rfind("parties", 0) == 0) {
      f.AddMissing(MissingRef{Fact::kPartyRole, 0, -4});
      acc = Tri::kUnknown;
      NEXT();
    }
  }
  if (unk[ip->level]) {
    acc = Tri::kUnknown;
  } else {
    f.n_missing = mark[ip->level];
    acc = Tri::kFalse;
  }
  NEXT();
}
#undef CORDON_VM_LEAF
#undef JUMP
#undef NEXT
#undef DISPATCH
}
#pragma GCC diagnostic pop
#undef CORDON_VM_LEAVES

}  // namespace cordon::rules
