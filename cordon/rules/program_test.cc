// The compiled conditions (Program::Run) against the tree walk (Program::Walk): three-valued
// answers, the missing facts kept or dropped by `and`/`or`, definitions remembered per epoch.
#include "cordon/rules/program.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>
#include <utility>

namespace cordon::rules {
namespace {

constexpr const char* kDecls = R"(
set t.eccn eccn "test" = ["3B001.c", "3A090", "3D001"]
define t.cn = destination == "CN" and item.made_in != "US"
define t.node = facility.node_nm <= 16
define t.nested = t.node or facility.ic == "dram"
)";

Symbol S(const char* s) { return Symbol::Intern(s); }

// One transaction with one item, and what the evaluator prepares for it.
struct Case {
  Transaction tx;
  FacilityFacts fac;
  EvalInput in;
  void Prepare(bool with_facility, const char* cls, Tri subject) {
    in.tx = &tx;
    in.date = tx.date;
    in.facility = with_facility ? &fac : nullptr;
    in.parties.clear();
    for (size_t i = 0; i < tx.parties.size(); ++i) {
      PartyView p;
      p.party = &tx.parties[i];
      p.index = static_cast<int>(i);
      in.parties.push_back(p);
    }
    in.exporter.party = &tx.exporter;
    in.units.assign(1, UnitView{});
    in.units[0].item = &tx.items[0];
    in.units[0].given_class[0] = cls ? S(cls) : Symbol();
    in.units[0].subject[0] = subject;
  }
};

class ProgramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto file = ParseRuleFile(kDecls, "t.rules");
    ASSERT_TRUE(file.ok()) << file.status().message();
    file_ = std::make_unique<RuleFile>(std::move(*file));
    prog_.SetRegimes({S("US")});
    prog_.SetCurrentRegime(0);
    for (const auto& s : file_->sets) ASSERT_TRUE(prog_.AddSet(s).ok());
    for (const auto& d : file_->defines) ASSERT_TRUE(prog_.AddDefine(d).ok());
    frame_ = std::make_unique<Frame>();
  }

  int Compile(const std::string& text) {
    auto e = ParseExpressionText(text, "t");
    EXPECT_TRUE(e.ok()) << text << ": " << e.status().message();
    if (!e.ok()) return -1;
    exprs_.push_back(std::move(*e));
    auto n = prog_.Compile(*exprs_.back(), Type::kBool);
    EXPECT_TRUE(n.ok()) << text << ": " << n.status().message();
    if (!n.ok()) return -1;
    EXPECT_TRUE(prog_.Compiled(*n)) << text;
    return *n;
  }

  // A transaction: destination, made_in, a facility (node 7, logic) or none, parties' countries.
  static void Fill(Case& c, const char* dest, const char* made_in, bool facility, const char* cls,
                   std::vector<const char*> party_countries, Tri subject = Tri::kTrue) {
    c.tx.date = *Date::Parse("2024-06-01");
    c.tx.activity = S("export");
    c.tx.destination = dest ? S(dest) : Symbol();
    c.tx.route.clear();
    if (made_in && made_in[0] != 'U') c.tx.route = {S(made_in), S("US")};
    c.tx.exporter.country = S("US");
    c.tx.items.assign(1, Item{});
    c.tx.items[0].made_in = made_in ? S(made_in) : Symbol();
    c.tx.items[0].has_production = true;
    c.tx.items[0].us_technology = {S("3D001")};
    c.tx.items[0].quantity = 3;
    c.fac.country = S("CN");
    c.fac.ic = S("logic");
    c.fac.node_nm = 7;
    c.tx.parties.clear();
    for (const char* pc : party_countries) {
      Party p;
      p.role = S("end_user");
      p.country = pc ? S(pc) : Symbol();
      c.tx.parties.push_back(p);
    }
    c.Prepare(facility, cls, subject);
  }

  // Runs one root both ways on fresh frames (same epoch) and checks that they agree.
  Tri Both(int node, Case& c, std::vector<MissingRef>* missing = nullptr) {
    Frame& f = *frame_;
    auto run = [&](bool compiled) {
      f.in = &c.in;
      f.NewEvaluation();
      f.SetUnit(&c.in.units[0]);
      f.Reset();
      return compiled ? prog_.Truth(node, f) : prog_.Walk(node, f);
    };
    const Tri walked = run(false);
    std::vector<MissingRef> walked_missing(f.missing, f.missing + f.n_missing);
    const int walked_entries = f.n_entries, walked_rows = f.n_rows;
    const Tri t = run(true);
    EXPECT_EQ(static_cast<int>(t), static_cast<int>(walked));
    EXPECT_EQ(f.n_missing, static_cast<int>(walked_missing.size()));
    for (int i = 0; i < f.n_missing && i < static_cast<int>(walked_missing.size()); ++i) {
      EXPECT_EQ(f.missing[i].fact, walked_missing[i].fact);
      EXPECT_EQ(f.missing[i].arg, walked_missing[i].arg);
      EXPECT_EQ(f.missing[i].party, walked_missing[i].party);
    }
    EXPECT_EQ(f.n_entries, walked_entries);
    EXPECT_EQ(f.n_rows, walked_rows);
    if (missing) missing->assign(f.missing, f.missing + f.n_missing);
    return t;
  }

  std::shared_ptr<ReferenceData> rd_ = std::make_shared<ReferenceData>();
  Program prog_{rd_.get()};
  std::unique_ptr<RuleFile> file_;
  std::vector<std::unique_ptr<Expr>> exprs_;
  std::unique_ptr<Frame> frame_;
};

TEST_F(ProgramTest, AndDropsMissingFactsWhenTheOtherSideIsFalse) {
  const int n = Compile("facility.node_nm <= 16 and destination == \"CN\"");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "US", "JP", /*facility=*/false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kFalse);
  EXPECT_TRUE(missing.empty()) << "the false side decides: the unknown node's record is dropped";
  Fill(c, "CN", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].fact, Fact::kFacNode);
  Fill(c, "CN", "JP", true, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c), Tri::kTrue);
}

TEST_F(ProgramTest, OrDropsMissingFactsOnlyWhenDecided) {
  const int n = Compile("facility.node_nm <= 16 or destination == \"CN\" or facility.ic == \"logic\"");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "CN", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kTrue);
  EXPECT_TRUE(missing.empty());
  Fill(c, "US", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 2u) << "both unknown sides stay named";
  EXPECT_EQ(missing[0].fact, Fact::kFacNode);
  EXPECT_EQ(missing[1].fact, Fact::kFacIc);
}

TEST_F(ProgramTest, NotKeepsUnknown) {
  const int n = Compile("not facility.node_nm <= 16");
  const int m = Compile("not (facility.node_nm <= 16 or destination == \"CN\")");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "US", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kUnknown);
  EXPECT_EQ(missing.size(), 1u);
  EXPECT_EQ(Both(m, c, &missing), Tri::kUnknown);
  Fill(c, "CN", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(m, c, &missing), Tri::kFalse);
  EXPECT_TRUE(missing.empty());
  Fill(c, "US", "JP", true, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c), Tri::kFalse);
}

TEST_F(ProgramTest, NestedChainsResetToTheirOwnMark) {
  // The inner `or` is unknown (node unknown, ic unknown); the outer `and` is then decided false by
  // its last conjunct, which must drop the inner records too; with it true they stay.
  const int n = Compile("destination == \"CN\" and (facility.node_nm <= 16 or facility.ic == \"dram\") and item.made_in == \"JP\"");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "CN", "KR", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kFalse);
  EXPECT_TRUE(missing.empty());
  Fill(c, "CN", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kUnknown);
  EXPECT_EQ(missing.size(), 2u);
}

TEST_F(ProgramTest, DefinitionsAreRememberedPerEpochWithTheirMissingFacts) {
  const int a = Compile("t.nested");
  const int b = Compile("t.nested and destination == \"CN\"");
  Case c;
  Fill(c, "CN", "JP", false, "3B001.c", {"CN"});
  Frame& f = *frame_;
  f.in = &c.in;
  f.NewEvaluation();
  f.SetUnit(&c.in.units[0]);
  f.Reset();
  EXPECT_EQ(prog_.Truth(a, f), Tri::kUnknown);
  EXPECT_EQ(f.n_missing, 2);
  // Same epoch: the answer and its two missing facts come from the memo, even with the facility
  // now given and the fact memo renewed (which shows the body did not run again).
  c.in.facility = &c.fac;
  f.NewEvaluation();
  f.unit = &c.in.units[0];  // not SetUnit, which starts a new epoch
  f.Reset();
  EXPECT_EQ(prog_.Truth(b, f), Tri::kUnknown);
  EXPECT_EQ(f.n_missing, 2);
  // A new epoch evaluates again.
  f.SetUnit(&c.in.units[0]);
  f.Reset();
  EXPECT_EQ(prog_.Truth(b, f), Tri::kTrue);
  EXPECT_EQ(f.n_missing, 0);
}

TEST_F(ProgramTest, AnyOverParties) {
  const int n = Compile("any(p in parties: p.country == \"CN\" and p.role == \"end_user\")");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "CN", "JP", true, "3B001.c", {nullptr, "CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kTrue);
  EXPECT_TRUE(missing.empty()) << "a party satisfies it: the unknown party's record is dropped";
  Fill(c, "CN", "JP", true, "3B001.c", {nullptr, "DE"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].party, 0);
  Fill(c, "CN", "JP", true, "3B001.c", {});
  EXPECT_EQ(Both(n, c), Tri::kFalse);
}

TEST_F(ProgramTest, CoarseClassificationIsUnknownInAnEccnSet) {
  const int n = Compile("item.class.US in @t.eccn");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "CN", "JP", true, "3B001", {"CN"});
  EXPECT_EQ(Both(n, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].fact, Fact::kItemClass);
  Fill(c, "CN", "JP", true, "3B001.c.1", {"CN"});
  EXPECT_EQ(Both(n, c), Tri::kTrue);
  Fill(c, "CN", "JP", true, "3B991", {"CN"});
  EXPECT_EQ(Both(n, c), Tri::kFalse);
}

TEST_F(ProgramTest, FirstConjunctGuardAgreesWithTheCode) {
  // Roots whose first conjunct Truth may answer inline (a remembered fact, the classification,
  // item.subject): evaluated twice in one evaluation so that the second finds the facts remembered.
  const std::vector<std::string> roots = {
      "destination == \"CN\" and facility.node_nm <= 16", "not destination == \"CN\" and facility.node_nm <= 16",
      "item.made_in != \"US\" and facility.node_nm <= 16", "item.class.US == \"3B001.c\" and facility.node_nm <= 16",
      "item.subject and facility.node_nm <= 16", "not item.subject and facility.node_nm <= 16",
      "destination == \"CN\" and facility.node_nm <= 16 and item.class.US == \"3B001.c\"",
      "destination == \"CN\" and (facility.node_nm <= 16 or item.made_in == \"JP\")"};
  for (const auto& text : roots) {
    const int n = Compile(text);
    for (const char* dest : {"CN", "US"}) {
      for (Tri subject : {Tri::kTrue, Tri::kFalse, Tri::kUnknown}) {
        Case c;
        Fill(c, dest, "JP", false, dest[0] == 'C' ? "3B001.c" : "3A090", {"CN"}, subject);
        Frame& f = *frame_;
        f.in = &c.in;
        f.NewEvaluation();
        f.SetUnit(&c.in.units[0]);
        Tri first = Tri::kFalse, second = Tri::kFalse;
        int first_missing = 0, second_missing = 0;
        for (auto [t, missing] : {std::pair{&first, &first_missing}, std::pair{&second, &second_missing}}) {
          f.Reset();
          *t = prog_.Truth(n, f);
          *missing = f.n_missing;
        }
        f.Reset();
        const Tri walked = prog_.Walk(n, f);
        EXPECT_EQ(static_cast<int>(first), static_cast<int>(walked)) << text;
        EXPECT_EQ(static_cast<int>(second), static_cast<int>(walked)) << text;
        // A guard that passes starts Run past the first conjunct: the rest runs as before.
        EXPECT_EQ(first_missing, f.n_missing) << text;
        EXPECT_EQ(second_missing, f.n_missing) << text;
      }
    }
  }
}

TEST_F(ProgramTest, SubjectOnlyViaTheCoveredRules) {
  const std::vector<std::string> ids = {"us.a.1", "us.b.1", "us.a.2"};
  prog_.SetRuleIds(&ids);
  const int n = Compile("subject_only_via([\"us.a\"]) and destination == \"CN\"");
  const int m = Compile("destination == \"CN\" and not subject_only_via([\"us.a\"])");
  Case c;
  Fill(c, "CN", "JP", true, "3B001.c", {"CN"});
  auto via = [&](std::vector<int16_t> rules, Tri subject) {
    UnitView& u = c.in.units[0];
    u.subject[0] = subject;
    u.n_subject_rules[0] = static_cast<uint8_t>(rules.size());
    for (size_t i = 0; i < rules.size(); ++i) u.subject_rules[0][i] = rules[i];
  };
  via({0, 2}, Tri::kTrue);
  EXPECT_EQ(Both(n, c), Tri::kTrue);
  EXPECT_EQ(Both(m, c), Tri::kFalse);
  via({0, 1}, Tri::kTrue);
  EXPECT_EQ(Both(n, c), Tri::kFalse) << "us.b.1 is not covered";
  EXPECT_EQ(Both(m, c), Tri::kTrue);
  via({}, Tri::kTrue);
  EXPECT_EQ(Both(n, c), Tri::kFalse);
  via({0}, Tri::kFalse);
  EXPECT_EQ(Both(n, c), Tri::kFalse);
  via({0}, Tri::kUnknown);
  EXPECT_EQ(Both(n, c), Tri::kUnknown);
  EXPECT_EQ(Both(m, c), Tri::kUnknown);
}

TEST_F(ProgramTest, FusedLeavesKeepTheirMissingFacts) {
  // chart_requires with no chart data: unknown, naming the classification; known() names nothing.
  const int chart = Compile("chart_requires(item.class.US, destination) or facility.node_nm <= 16");
  const int known = Compile("known(facility.node_nm) or known(item.class.US) and \"US\" in route");
  Case c;
  std::vector<MissingRef> missing;
  Fill(c, "CN", "JP", false, "3B001.c", {"CN"});
  EXPECT_EQ(Both(chart, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].fact, Fact::kItemClass);
  EXPECT_EQ(missing[1].fact, Fact::kFacNode);
  Fill(c, nullptr, "JP", false, "EAR99", {"CN"});
  EXPECT_EQ(Both(chart, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].fact, Fact::kDestination) << "the second operand's record";
  Fill(c, "CN", "JP", false, "EAR99", {"CN"});
  EXPECT_EQ(Both(chart, c, &missing), Tri::kUnknown);
  ASSERT_EQ(missing.size(), 1u) << "EAR99 is on no chart row: false, only the node is missing";
  EXPECT_EQ(Both(known, c, &missing), Tri::kTrue);
  EXPECT_TRUE(missing.empty());
  Fill(c, "CN", "US", false, nullptr, {"CN"});
  EXPECT_EQ(Both(known, c, &missing), Tri::kFalse) << "nothing known, and no route";
  EXPECT_TRUE(missing.empty()) << "known() keeps no record of what it found missing";
}

// Random conditions over facts that are known in some transactions and unknown in others: the
// compiled code must give the tree walk's answer and missing facts every time.
TEST_F(ProgramTest, RandomConditionsAgreeWithTheTreeWalk) {
  const std::vector<std::string> leaves = {
      "destination == \"CN\"", "destination in [\"CN\", \"MO\"]", "facility.node_nm <= 16", "facility.ic == \"logic\"",
      "item.made_in != \"US\"", "item.class.US in @t.eccn", "known(facility.node_nm)", "true", "false",
      "item.subject", "t.cn", "t.node", "t.nested", "any(p in parties: p.country == \"CN\")",
      "any(p in parties: p.country == \"CN\" and p.role == \"end_user\")", "exporter.country == \"US\"",
      "intersects(item.us_technology, @t.eccn)", "contains_text(item.class.US, \"3b\")", "date >= 2024-01-01",
      "item.quantity > 5", "item.class.US == \"3B001.c\"", "facility.node_nm + 1 > 8",
      // Fused leaves (Program::EmitBool): a constant in a list fact, known(), chart_requires().
      "\"US\" in route", "not \"SG\" in route", "known(item.class.US)", "not known(facility.ic)",
      "chart_requires(item.class.US, destination)", "not chart_requires(item.class.US, destination)"};
  std::mt19937 rng(7);
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    const int pick = static_cast<int>(rng() % 6);
    if (depth == 0 || pick < 2) return leaves[rng() % leaves.size()];
    if (pick == 2) return "not (" + gen(depth - 1) + ")";
    const char* op = pick == 3 || pick == 5 ? " and " : " or ";
    std::string s = "(" + gen(depth - 1);
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) s += op + gen(depth - 1);
    return s + ")";
  };
  std::vector<Case> cases(6);
  Fill(cases[0], "CN", "JP", true, "3B001.c", {"CN"});
  Fill(cases[1], "CN", "JP", false, "3B001", {nullptr, "DE"}, Tri::kUnknown);
  Fill(cases[2], "US", "US", false, "EAR99", {"CN"}, Tri::kFalse);  // on no chart row: false
  Fill(cases[3], nullptr, nullptr, false, nullptr, {nullptr});
  Fill(cases[4], "MO", "KR", true, "3A090.a", {}, Tri::kUnknown);
  Fill(cases[5], "DE", nullptr, true, "3B001.c.1", {"DE", nullptr});
  int unknown = 0, decided = 0;
  for (int i = 0; i < 400; ++i) {
    const std::string text = gen(4);
    const int n = Compile(text);
    if (n < 0) continue;
    for (Case& c : cases) {
      SCOPED_TRACE(text);
      (Both(n, c) == Tri::kUnknown ? unknown : decided)++;
    }
  }
  // The mix exercises both answers.
  EXPECT_GT(unknown, 200);
  EXPECT_GT(decided, 200);
}

}  // namespace
}  // namespace cordon::rules
